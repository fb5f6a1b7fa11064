package dev.softswitch.gateway.routing;

/**
 * The number a client dialled, reduced to E.164 digits (no {@code +}). Accepts {@code +4420…},
 * {@code 004420…} and bare international digits, with RFC 3966 visual separators. National formats
 * need the caller's country: {@link NumberClassifier} (issue #4) handles them and supersedes this
 * class, kept while the B2BUA still calls it.
 */
public record DialledNumber(String digits) {

    public DialledNumber {
        if (digits.isEmpty() || digits.length() > 15 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("not an E.164 number: " + digits);
        }
    }

    /** Parses the user part of a Request-URI; throws {@link IllegalArgumentException} saying what is wrong. */
    public static DialledNumber parse(String user) {
        if (user == null || user.isBlank()) {
            throw new IllegalArgumentException("no number dialled");
        }
        StringBuilder sb = new StringBuilder(user.length());
        for (int i = 0; i < user.length(); i++) {
            char c = user.charAt(i);
            if (c >= '0' && c <= '9') {
                sb.append(c);
            } else if (c == '+' && i == 0) {
                continue;
            } else if (c == '-' || c == '.' || c == '(' || c == ')' || c == ' ') {
                continue;
            } else {
                throw new IllegalArgumentException("invalid character '" + c + "' in number");
            }
        }
        String digits = sb.toString();
        if (!user.startsWith("+") && digits.startsWith("00")) {
            digits = digits.substring(2);
        }
        if (digits.length() < 6) {
            throw new IllegalArgumentException("number too short");
        }
        if (digits.length() > 15) {
            throw new IllegalArgumentException("number too long");
        }
        return new DialledNumber(digits);
    }

    /** The number with its leading {@code +}. */
    public String e164() {
        return "+" + digits;
    }
}
