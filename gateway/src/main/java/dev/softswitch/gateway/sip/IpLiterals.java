package dev.softswitch.gateway.sip;

/**
 * Recognises IP address literals by their text alone, never asking a resolver (issue 11: nothing on
 * an input path resolves a host name): dotted-quad IPv4 and RFC 4291 §2.2 IPv6, with the RFC 5118
 * §4.10 rule that an embedded IPv4 tail counts as two groups (so {@code 2001:db8:::192.0.2.1} is not
 * an address, {@code 2001:db8::192.0.2.1} is).
 */
public final class IpLiterals {

    private IpLiterals() {
    }

    /** Four decimal octets 0-255, one to three digits each: {@code 192.0.2.1}; not {@code 999.1.1.1}. */
    public static boolean isIpv4(String s) {
        if (s == null) {
            return false;
        }
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String p : parts) {
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')
                    || Integer.parseInt(p) > 255) {
                return false;
            }
        }
        return true;
    }

    /** An IPv6 address without brackets: {@code 2001:db8::10}, {@code ::ffff:192.0.2.10}. */
    public static boolean isIpv6(String s) {
        if (s == null || s.isEmpty() || s.length() > 45) {
            return false;
        }
        int lastColon = s.lastIndexOf(':');
        if (lastColon < 0) {
            return false;
        }
        String body = s;
        String tail = s.substring(lastColon + 1);
        if (tail.indexOf('.') >= 0) {
            if (!isIpv4(tail)) {
                return false;
            }
            body = s.substring(0, lastColon + 1) + "0:0"; // the IPv4 tail is two 16-bit groups
        }
        int gap = body.indexOf("::");
        if (gap < 0) {
            return groups(body) == 8;
        }
        if (body.indexOf("::", gap + 1) >= 0) {
            return false;
        }
        int left = body.substring(0, gap).isEmpty() ? 0 : groups(body.substring(0, gap));
        int right = body.substring(gap + 2).isEmpty() ? 0 : groups(body.substring(gap + 2));
        return left >= 0 && right >= 0 && left + right <= 7;
    }

    /** An IPv6 reference as in a SIP URI or Via: {@code [2001:db8::10]}. */
    public static boolean isIpv6Reference(String s) {
        return s != null && s.length() > 2 && s.charAt(0) == '[' && s.charAt(s.length() - 1) == ']'
                && isIpv6(s.substring(1, s.length() - 1));
    }

    /** The number of colon-separated groups of one to four hex digits; -1 when one is not. */
    private static int groups(String s) {
        String[] parts = s.split(":", -1);
        for (String p : parts) {
            if (p.isEmpty() || p.length() > 4 || !p.chars().allMatch(IpLiterals::isHex)) {
                return -1;
            }
        }
        return parts.length;
    }

    private static boolean isHex(int c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }
}
