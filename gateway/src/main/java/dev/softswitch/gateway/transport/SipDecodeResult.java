package dev.softswitch.gateway.transport;

import java.util.Objects;

/**
 * Whether decoding a SIP message worked and, if not, the answer it deserves (400 or 513 and the
 * reason phrase), in the manner of Netty's {@code DecoderResult}.
 */
public record SipDecodeResult(int statusCode, String reasonPhrase) {

    public static final SipDecodeResult SUCCESS = new SipDecodeResult(0, "");

    public SipDecodeResult {
        Objects.requireNonNull(reasonPhrase, "reasonPhrase");
        if (statusCode != 0 && (statusCode < 400 || statusCode > 699)) {
            throw new IllegalArgumentException("not a failure status: " + statusCode);
        }
    }

    /** A 400 whose reason phrase says what is wrong, e.g. {@code Bad Request (Missing Call-ID header)}. */
    public static SipDecodeResult badRequest(String what) {
        return new SipDecodeResult(400, "Bad Request (" + sanitize(what) + ")");
    }

    /** RFC 3261 §21.5.14. */
    public static SipDecodeResult tooLarge() {
        return new SipDecodeResult(513, "Message Too Large");
    }

    public boolean isSuccess() {
        return statusCode == 0;
    }

    public boolean isFailure() {
        return !isSuccess();
    }

    /** A reason phrase is one line of printable text (RFC 3261 §25.1 Reason-Phrase). */
    private static String sanitize(String s) {
        StringBuilder sb = new StringBuilder(Math.min(s.length(), 120));
        for (int i = 0; i < s.length() && sb.length() < 120; i++) {
            char c = s.charAt(i);
            sb.append(c < 0x20 || c == 0x7f ? ' ' : c);
        }
        return sb.toString().trim();
    }
}
