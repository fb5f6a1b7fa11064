package dev.softswitch.gateway.sip;

import gov.nist.core.Host;
import gov.nist.core.HostPort;
import gov.nist.core.NameValue;
import gov.nist.javax.sip.address.AddressImpl;
import gov.nist.javax.sip.address.SipUri;
import java.text.ParseException;

/**
 * A position in one line of SIP text and the pieces {@link SipLines} reads from it: tokens, numbers,
 * a host and port, a sip: or sips: URI, a name-addr or addr-spec, each into JAIN-SIP's objects through
 * their setters. Every reader answers null, or -1, for what it does not take, and the caller then
 * leaves the whole line to JAIN-SIP.
 */
abstract class SipCursor {

    final String s;
    int i;

    SipCursor(String s, int start) {
        this.s = s;
        this.i = start;
    }

    /** A name-addr, or an addr-spec whose parameters are its URI's when {@code uriParams}. */
    AddressImpl address(boolean uriParams) throws ParseException {
        if (atEnd()) {
            return null;
        }
        AddressImpl address = new AddressImpl();
        if (s.startsWith("sip:", i) || s.startsWith("sips:", i)) {
            address.setAddressType(AddressImpl.ADDRESS_SPEC);
            SipUri uri = sipUri(uriParams);
            if (uri == null) {
                return null;
            }
            address.setURI(uri);
        } else {
            address.setAddressType(AddressImpl.NAME_ADDR);
            if (s.charAt(i) != '<') {
                String display = displayName();
                if (display == null) {
                    return null;
                }
                address.setDisplayName(display);
            }
            if (!eat('<')) {
                return null;
            }
            SipUri uri = sipUri(true);
            if (uri == null || !eat('>')) {
                return null;
            }
            address.setURI(uri);
        }
        return address;
    }

    /** Tokens and single blanks up to the {@code <}, quoted or not; null for escapes or anything else. */
    String displayName() {
        boolean quoted = eat('"');
        int start = i;
        while (i < s.length() && (isTokenChar(s.charAt(i)) || s.charAt(i) == ' ')) {
            i++;
        }
        String name = s.substring(start, i);
        if (quoted && !eat('"')) {
            return null;
        }
        while (i < s.length() && s.charAt(i) == ' ') {
            i++;
        }
        if (i >= s.length() || s.charAt(i) != '<' || (!quoted && name.isBlank())) {
            return null;
        }
        return name.trim();
    }

    /** sip: or sips:, an optional user, a host, an optional port, and in brackets URI parameters. */
    SipUri sipUri(boolean inBrackets) throws ParseException {
        SipUri uri = new SipUri();
        if (s.startsWith("sip:", i)) {
            uri.setScheme("sip");
            i += 4;
        } else if (s.startsWith("sips:", i)) {
            uri.setScheme("sips");
            i += 5;
        } else {
            return null;
        }
        int start = i;
        while (i < s.length() && isUserChar(s.charAt(i))) {
            i++;
        }
        if (i < s.length() && s.charAt(i) == '@') {
            if (i == start) {
                return null;
            }
            uri.setUser(s.substring(start, i));
            i++;
        } else {
            i = start;
        }
        HostPort hostPort = hostPort();
        if (hostPort == null) {
            return null;
        }
        uri.setHostPort(hostPort);
        while (inBrackets && eat(';')) {
            String name = paramText();
            if (name.isEmpty()) {
                return null;
            }
            uri.setUriParameter(eat('=') ? new NameValue(name, paramText(), false) : new NameValue(name, "", true));
        }
        char next = i < s.length() ? s.charAt(i) : 0;
        return next == 0 || next == ';' || (inBrackets && next == '>') ? uri : null;
    }

    /** A host name or IPv4 address and an optional port; IPv6 references are left to JAIN-SIP. */
    HostPort hostPort() {
        int start = i;
        while (i < s.length() && isHostChar(s.charAt(i))) {
            i++;
        }
        if (i == start || !isAlphaDigit(s.charAt(start))) {
            return null;
        }
        HostPort hostPort = new HostPort();
        hostPort.setHost(new Host(s.substring(start, i)));
        if (eat(':')) {
            int port = number(5);
            if (port < 0) {
                return null;
            }
            hostPort.setPort(port);
        }
        return hostPort;
    }

    String paramText() {
        int start = i;
        while (i < s.length() && isUserChar(s.charAt(i))) {
            i++;
        }
        return s.substring(start, i);
    }

    String token() {
        int start = i;
        while (i < s.length() && isTokenChar(s.charAt(i))) {
            i++;
        }
        return i == start ? null : s.substring(start, i);
    }

    /** Up to {@code maxDigits} digits as an int, or -1 when there are none or more. */
    int number(int maxDigits) {
        int start = i;
        int value = 0;
        while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
            value = value * 10 + (s.charAt(i++) - '0');
        }
        return i == start || i - start > maxDigits ? -1 : value;
    }

    boolean eat(char c) {
        if (i < s.length() && s.charAt(i) == c) {
            i++;
            return true;
        }
        return false;
    }

    /** Skips blanks (SP, HTAB); answers whether there were any. */
    boolean skipBlanks() {
        int start = i;
        while (i < s.length() && isBlank(s.charAt(i))) {
            i++;
        }
        return i > start;
    }

    boolean atEnd() {
        return i == s.length();
    }

    static boolean isBlank(char c) {
        return c == ' ' || c == '\t';
    }

    private static final byte ALPHA_DIGIT = 1;
    private static final byte TOKEN = 2;
    private static final byte HOST = 4;
    private static final byte USER = 8;
    /** The classes of each ASCII character, one bit each: a table lookup a character while a line is scanned. */
    private static final byte[] CLASSES = new byte[128];

    static {
        for (char c = '0'; c <= 'z'; c++) {
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
                CLASSES[c] = ALPHA_DIGIT | TOKEN | HOST | USER;
            }
        }
        mark("-.!*_+`'~", TOKEN);
        mark("-.", HOST);
        mark("-_.!~*'()+", USER);
    }

    private static void mark(String chars, byte kind) {
        for (int k = 0; k < chars.length(); k++) {
            CLASSES[chars.charAt(k)] |= kind;
        }
    }

    private static boolean is(char c, byte kind) {
        return c < 128 && (CLASSES[c] & kind) != 0;
    }

    static boolean isAlphaDigit(char c) {
        return is(c, ALPHA_DIGIT);
    }

    /** RFC 3261 token characters but '%' (escapes go to JAIN-SIP): alphanumerics and -.!*_+`'~ */
    static boolean isTokenChar(char c) {
        return is(c, TOKEN);
    }

    /** Alphanumerics, '-' and '.'. */
    static boolean isHostChar(char c) {
        return is(c, HOST);
    }

    /** Unreserved characters and '+': what a user part or URI parameter here may hold (alphanumerics and -_.!~*'()+). */
    static boolean isUserChar(char c) {
        return is(c, USER);
    }
}
