package dev.softswitch.gateway.transport;

import dev.softswitch.gateway.sip.IpLiterals;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * Checks on a request's raw (unfolded) bytes that JAIN-SIP's parser lets pass, because it rewrites
 * or keeps only one of what it reads: the SIP version of the Request-Line (RFC 3261 §8.2: 505 for
 * anything but SIP/2.0), the Request-URI's host and port (an IPv6 address needs brackets and must be
 * one, RFC 5118 §4.2 and §4.10; a port is digits), and a single-valued header given twice (RFC 4475
 * §3.3.8). Each failure says what is wrong.
 */
final class SipRequestSyntax {

    private static final Pattern VERSION = Pattern.compile("(?i)SIP/\\d+\\.\\d+");

    /** Headers RFC 3261 §7.3.1 allows once per message (a comma list is not one either). */
    private static final String[] SINGLE = {"Call-ID", "CSeq", "From", "To", "Max-Forwards", "Content-Length",
            "Content-Type"};
    private static final byte[][] SINGLE_BYTES = new byte[SINGLE.length][];

    static {
        for (int k = 0; k < SINGLE.length; k++) {
            SINGLE_BYTES[k] = SINGLE[k].getBytes(StandardCharsets.ISO_8859_1);
        }
    }

    private SipRequestSyntax() {
    }

    /**
     * The failure a request's raw bytes show, or null when they show none; responses are not checked. Reads the bytes
     * in place: a request that passes costs no allocation but its Request-URI's text.
     */
    static SipDecodeResult check(byte[] unfolded) {
        int headEnd = headEnd(unfolded);
        int eol = indexOfCrlf(unfolded, 0, headEnd);
        int lineEnd = eol < 0 ? headEnd : eol;
        if (startsWith(unfolded, lineEnd, "SIP/")) {
            return null;
        }
        // The Request-Line as the pattern "^([^ ]+) +([^ ]+) +([^ ]+) *$" matches it whole: three runs of anything
        // but a space, separated by spaces, and nothing after the spaces that may end it.
        int methodEnd = run(unfolded, 0, lineEnd);
        int uriStart = spaces(unfolded, methodEnd, lineEnd);
        int uriEnd = run(unfolded, uriStart, lineEnd);
        int versionStart = spaces(unfolded, uriEnd, lineEnd);
        int versionEnd = run(unfolded, versionStart, lineEnd);
        boolean requestLine = methodEnd > 0 && uriStart > methodEnd && uriEnd > uriStart && versionStart > uriEnd
                && versionEnd > versionStart && spaces(unfolded, versionEnd, lineEnd) == lineEnd;
        if (requestLine) {
            if (!isSip20(unfolded, versionStart, versionEnd)) {
                String version = new String(unfolded, versionStart, versionEnd - versionStart,
                        StandardCharsets.ISO_8859_1);
                return VERSION.matcher(version).matches()
                        ? new SipDecodeResult(505, "Version Not Supported (" + version + ")")
                        : SipDecodeResult.badRequest("Malformed Request-Line: no SIP version");
            }
            String uriProblem = uriProblem(new String(unfolded, uriStart, uriEnd - uriStart,
                    StandardCharsets.ISO_8859_1));
            if (uriProblem != null) {
                return SipDecodeResult.badRequest("Malformed Request-URI: " + uriProblem);
            }
        }
        return eol < 0 ? null : duplicateProblem(unfolded, eol + 2, headEnd);
    }

    /** What is wrong with a sip: or sips: URI's host or port; null when nothing (other schemes: not checked). */
    static String uriProblem(String uri) {
        int colon = uri.indexOf(':');
        if (colon < 0 || !isSipScheme(uri, colon)) {
            return null;
        }
        int hostStart = Math.max(uri.lastIndexOf('@'), colon) + 1;
        int end = hostStart;
        while (end < uri.length() && uri.charAt(end) != ';' && uri.charAt(end) != '?') {
            end++;
        }
        int portStart;
        if (hostStart < end && uri.charAt(hostStart) == '[') {
            int close = uri.indexOf(']', hostStart);
            if (close < 0 || close >= end) {
                return "unterminated IPv6 reference";
            }
            String reference = uri.substring(hostStart, close + 1);
            if (!IpLiterals.isIpv6Reference(reference)) {
                return reference + " is not an IPv6 address";
            }
            if (close + 1 == end) {
                return null;
            }
            if (uri.charAt(close + 1) != ':') {
                return "text after the IPv6 reference";
            }
            portStart = close + 2;
        } else {
            int portColon = uri.indexOf(':', hostStart);
            if (portColon < 0 || portColon >= end) {
                return null;
            }
            int second = uri.indexOf(':', portColon + 1);
            if (second >= 0 && second < end) {
                return "an IPv6 address must be enclosed in brackets";
            }
            portStart = portColon + 1;
        }
        int length = end - portStart;
        boolean digits = length > 0 && length <= 5;
        int port = 0;
        for (int i = portStart; digits && i < end; i++) {
            char c = uri.charAt(i);
            digits = c >= '0' && c <= '9';
            port = port * 10 + (c - '0');
        }
        if (!digits || port > 65535) {
            return "port '" + uri.substring(portStart, end) + "' is not a number from 0 to 65535";
        }
        return null;
    }

    private static boolean isSipScheme(String uri, int colon) {
        return (colon == 3 || colon == 4) && uri.regionMatches(true, 0, "sips", 0, colon);
    }

    /** A header allowed once that comes twice; one pass over the header lines, allocating nothing unless it finds one. */
    private static SipDecodeResult duplicateProblem(byte[] b, int from, int headEnd) {
        int seen = 0;
        for (int i = from; i < headEnd; ) {
            int eol = indexOfCrlf(b, i, headEnd);
            if (eol < 0) {
                eol = headEnd;
            }
            int colon = indexOf(b, ':', i, eol);
            if (colon > i) {
                int start = i;
                int end = colon;
                while (start < end && (b[start] & 0xff) <= ' ') {
                    start++;
                }
                while (end > start && (b[end - 1] & 0xff) <= ' ') {
                    end--;
                }
                int k = singleValued(b, start, end - start);
                if (k >= 0) {
                    if ((seen & 1 << k) != 0) {
                        return SipDecodeResult.badRequest("Multiple " + SINGLE[k] + " headers");
                    }
                    seen |= 1 << k;
                }
            }
            i = eol + 2;
        }
        return null;
    }

    /** The index in {@link #SINGLE} of the header named {@code b[start, start + length)}, compact forms too; -1 if none. */
    private static int singleValued(byte[] b, int start, int length) {
        if (length == 1) {
            return switch (b[start] | 0x20) {
                case 'i' -> 0;
                case 'f' -> 2;
                case 't' -> 3;
                case 'l' -> 5;
                case 'c' -> 6;
                default -> -1;
            };
        }
        for (int k = 0; k < SINGLE_BYTES.length; k++) {
            if (SINGLE_BYTES[k].length == length && equalsIgnoreCase(b, start, SINGLE_BYTES[k])) {
                return k;
            }
        }
        return -1;
    }

    /** ASCII case-insensitive: {@code name} holds letters, digits and '-' only. */
    private static boolean equalsIgnoreCase(byte[] b, int start, byte[] name) {
        for (int j = 0; j < name.length; j++) {
            byte x = b[start + j];
            byte y = name[j];
            if (x != y && ((x | 0x20) != (y | 0x20) || (y | 0x20) < 'a' || (y | 0x20) > 'z')) {
                return false;
            }
        }
        return true;
    }

    /** Where the start line and headers end: at the blank line, or the end of the bytes. */
    private static int headEnd(byte[] b) {
        for (int i = 0; i + 3 < b.length; i++) {
            if (b[i] == '\r' && b[i + 1] == '\n' && b[i + 2] == '\r' && b[i + 3] == '\n') {
                return i;
            }
        }
        return b.length;
    }

    private static int indexOfCrlf(byte[] b, int from, int end) {
        for (int i = from; i + 1 < end; i++) {
            if (b[i] == '\r' && b[i + 1] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private static int indexOf(byte[] b, char c, int from, int end) {
        for (int i = from; i < end; i++) {
            if (b[i] == c) {
                return i;
            }
        }
        return -1;
    }

    /** The end of the run of bytes other than a space from {@code i}. */
    private static int run(byte[] b, int i, int end) {
        while (i < end && b[i] != ' ') {
            i++;
        }
        return i;
    }

    /** The end of the run of spaces from {@code i}. */
    private static int spaces(byte[] b, int i, int end) {
        while (i < end && b[i] == ' ') {
            i++;
        }
        return i;
    }

    private static boolean startsWith(byte[] b, int end, String prefix) {
        if (end < prefix.length()) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            if (b[i] != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** "SIP/2.0", any case. */
    private static boolean isSip20(byte[] b, int start, int end) {
        return end - start == 7 && (b[start] | 0x20) == 's' && (b[start + 1] | 0x20) == 'i'
                && (b[start + 2] | 0x20) == 'p' && b[start + 3] == '/' && b[start + 4] == '2' && b[start + 5] == '.'
                && b[start + 6] == '0';
    }
}
