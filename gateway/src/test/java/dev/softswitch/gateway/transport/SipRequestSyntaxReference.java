package dev.softswitch.gateway.transport;

import dev.softswitch.gateway.sip.IpLiterals;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The string-and-pattern implementation SipRequestSyntax had before it read bytes in place: the reference its answers are compared with. */
final class SipRequestSyntaxReference {

    private static final Pattern REQUEST_LINE = Pattern.compile("^([^ ]+) +([^ ]+) +([^ ]+) *$");
    private static final Pattern VERSION = Pattern.compile("(?i)SIP/\\d+\\.\\d+");

    /** Headers RFC 3261 §7.3.1 allows once per message (a comma list is not one either). */
    private static final String[] SINGLE = {"Call-ID", "CSeq", "From", "To", "Max-Forwards", "Content-Length",
            "Content-Type"};

    private SipRequestSyntaxReference() {
    }

    /** The failure a request's raw bytes show, or null when they show none; responses are not checked. */
    static SipDecodeResult check(byte[] unfolded) {
        String head = head(unfolded);
        int eol = head.indexOf("\r\n");
        String startLine = eol < 0 ? head : head.substring(0, eol);
        if (startLine.startsWith("SIP/")) {
            return null;
        }
        Matcher m = REQUEST_LINE.matcher(startLine);
        if (m.matches()) {
            String version = m.group(3);
            if (!version.equalsIgnoreCase("SIP/2.0")) {
                return VERSION.matcher(version).matches()
                        ? new SipDecodeResult(505, "Version Not Supported (" + version + ")")
                        : SipDecodeResult.badRequest("Malformed Request-Line: no SIP version");
            }
            String uriProblem = uriProblem(m.group(2));
            if (uriProblem != null) {
                return SipDecodeResult.badRequest("Malformed Request-URI: " + uriProblem);
            }
        }
        return eol < 0 ? null : duplicateProblem(head, eol + 2);
    }

    /** What is wrong with a sip: or sips: URI's host or port; null when nothing (other schemes: not checked). */
    static String uriProblem(String uri) {
        int colon = uri.indexOf(':');
        if (colon < 0) {
            return null;
        }
        String scheme = uri.substring(0, colon).toLowerCase(Locale.ROOT);
        if (!scheme.equals("sip") && !scheme.equals("sips")) {
            return null;
        }
        String rest = uri.substring(colon + 1);
        String hostport = rest.substring(rest.lastIndexOf('@') + 1);
        int end = indexOfAny(hostport, ";?");
        hostport = end < 0 ? hostport : hostport.substring(0, end);
        String port;
        if (hostport.startsWith("[")) {
            int close = hostport.indexOf(']');
            if (close < 0) {
                return "unterminated IPv6 reference";
            }
            String reference = hostport.substring(0, close + 1);
            if (!IpLiterals.isIpv6Reference(reference)) {
                return reference + " is not an IPv6 address";
            }
            String after = hostport.substring(close + 1);
            if (after.isEmpty()) {
                return null;
            }
            if (!after.startsWith(":")) {
                return "text after the IPv6 reference";
            }
            port = after.substring(1);
        } else {
            int portColon = hostport.indexOf(':');
            if (portColon < 0) {
                return null;
            }
            if (hostport.indexOf(':', portColon + 1) >= 0) {
                return "an IPv6 address must be enclosed in brackets";
            }
            port = hostport.substring(portColon + 1);
        }
        if (port.isEmpty() || port.length() > 5 || !port.chars().allMatch(c -> c >= '0' && c <= '9')
                || Integer.parseInt(port) > 65535) {
            return "port '" + port + "' is not a number from 0 to 65535";
        }
        return null;
    }

    /** A header allowed once that comes twice; one pass over the header lines, allocating nothing unless it finds one. */
    private static SipDecodeResult duplicateProblem(String head, int from) {
        int seen = 0;
        for (int i = from; i < head.length(); ) {
            int eol = head.indexOf("\r\n", i);
            if (eol < 0) {
                eol = head.length();
            }
            int colon = head.indexOf(':', i);
            if (colon > i && colon < eol) {
                int start = i;
                int end = colon;
                while (start < end && head.charAt(start) <= ' ') {
                    start++;
                }
                while (end > start && head.charAt(end - 1) <= ' ') {
                    end--;
                }
                int k = singleValued(head, start, end - start);
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

    /** The index in {@link #SINGLE} of the header named {@code head[start, start + length)}, compact forms too; -1 if none. */
    private static int singleValued(String head, int start, int length) {
        if (length == 1) {
            return switch (Character.toLowerCase(head.charAt(start))) {
                case 'i' -> 0;
                case 'f' -> 2;
                case 't' -> 3;
                case 'l' -> 5;
                case 'c' -> 6;
                default -> -1;
            };
        }
        for (int k = 0; k < SINGLE.length; k++) {
            if (SINGLE[k].length() == length && head.regionMatches(true, start, SINGLE[k], 0, length)) {
                return k;
            }
        }
        return -1;
    }

    /** The start line and headers, without the blank line and body. */
    private static String head(byte[] bytes) {
        int n = bytes.length;
        for (int i = 0; i + 3 < bytes.length; i++) {
            if (bytes[i] == '\r' && bytes[i + 1] == '\n' && bytes[i + 2] == '\r' && bytes[i + 3] == '\n') {
                n = i;
                break;
            }
        }
        return new String(bytes, 0, n, StandardCharsets.ISO_8859_1);
    }

    private static int indexOfAny(String s, String chars) {
        for (int i = 0; i < s.length(); i++) {
            if (chars.indexOf(s.charAt(i)) >= 0) {
                return i;
            }
        }
        return -1;
    }
}
