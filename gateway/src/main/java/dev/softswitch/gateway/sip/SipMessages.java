package dev.softswitch.gateway.sip;

import gov.nist.javax.sip.header.To;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import java.security.SecureRandom;
import java.text.ParseException;
import java.util.HexFormat;
import javax.sip.SipException;

/**
 * Builders for the SIP messages the stack derives from others: the CANCEL of RFC 3261 §9.1, the
 * hop-by-hop ACK for a non-2xx final response of §17.1.1.3, fresh branches (§8.1.1.7) and tags
 * (§19.3). Each built message shares no header object with its source.
 */
public final class SipMessages {

    /** The RFC 3261 §8.1.1.7 magic cookie that starts every branch this stack creates. */
    public static final String MAGIC_COOKIE = "z9hG4bK";

    /**
     * NIST SP 800-90A Hash_DRBG, seeded from the system's entropy; each thread takes its random bytes a buffer at a
     * time (one locked call per {@link RandomBytes#SIZE} bytes instead of one per tag, branch or Call-ID).
     */
    private static final SecureRandom RANDOM = drbg();
    private static final ThreadLocal<RandomBytes> BYTES = ThreadLocal.withInitial(RandomBytes::new);
    private static final HexFormat HEX = HexFormat.of();

    private SipMessages() {
    }

    /** A branch unique in space and time: the magic cookie followed by 96 random bits in hex. */
    public static String newBranch() {
        return MAGIC_COOKIE + randomHex(12);
    }

    /** A From/To tag with 64 random bits (RFC 3261 §19.3 asks for at least 32). */
    public static String newTag() {
        return randomHex(8);
    }

    /** A Call-ID with 128 random bits (RFC 3261 §8.1.1.4: globally unique over space and time). */
    public static String newCallId() {
        return randomHex(16);
    }

    /**
     * Escapes a SIP URI user part (RFC 3261 §25.1: {@code user = 1*( unreserved / escaped /
     * user-unreserved )}), e.g. a carrier tech prefix {@code 0123#} becomes {@code 0123%23}.
     */
    public static String escapeUser(String user) {
        StringBuilder out = null;
        for (int i = 0; i < user.length(); i++) {
            char c = user.charAt(i);
            boolean allowed = c < 0x80 && (Character.isLetterOrDigit(c) || "-_.!~*'()&=+$,;?/".indexOf(c) >= 0);
            if (allowed) {
                if (out != null) {
                    out.append(c);
                }
                continue;
            }
            if (out == null) {
                out = new StringBuilder(user.length() + 8).append(user, 0, i);
            }
            for (byte b : String.valueOf(c).getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
                out.append('%').append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xF, 16)))
                        .append(Character.toUpperCase(Character.forDigit(b & 0xF, 16)));
            }
        }
        return out == null ? user : out.toString();
    }

    /** True when {@code branch} carries the RFC 3261 magic cookie, i.e. §17.2.3 matching applies. */
    public static boolean isRfc3261Branch(String branch) {
        return branch != null && branch.startsWith(MAGIC_COOKIE);
    }

    /**
     * The CANCEL for {@code invite} (RFC 3261 §9.1): same Request-URI, Call-ID, To, From, CSeq
     * number with method CANCEL, only the top Via (so the same branch), the same Route set and
     * Max-Forwards, no body.
     *
     * @throws IllegalArgumentException when {@code invite} is not an INVITE
     */
    public static SIPRequest cancelFor(SIPRequest invite) {
        requireInvite(invite);
        try {
            return invite.createCancelRequest();
        } catch (SipException e) {
            throw new IllegalArgumentException("cannot build CANCEL: " + e.getMessage(), e);
        }
    }

    /**
     * The ACK a client transaction sends for a 300-699 final response to {@code invite} (RFC 3261
     * §17.1.1.3): same Request-URI, Call-ID, From and CSeq number with method ACK, the To of the
     * response (with its tag), only the INVITE's top Via, the INVITE's Route set, no body.
     *
     * @throws IllegalArgumentException when {@code invite} is not an INVITE or the response is not 300-699
     */
    public static SIPRequest ackForNon2xx(SIPRequest invite, SIPResponse response) {
        requireInvite(invite);
        if (response.getStatusCode() < 300) {
            throw new IllegalArgumentException("hop-by-hop ACK is only for 300-699, got " + response.getStatusCode());
        }
        try {
            return invite.createErrorAck((To) response.getTo());
        } catch (SipException | ParseException e) {
            throw new IllegalArgumentException("cannot build ACK: " + e.getMessage(), e);
        }
    }

    private static void requireInvite(SIPRequest invite) {
        if (!SIPRequest.INVITE.equals(invite.getMethod())) {
            throw new IllegalArgumentException("not an INVITE: " + invite.getMethod());
        }
    }

    private static String randomHex(int bytes) {
        return BYTES.get().hex(bytes);
    }

    private static SecureRandom drbg() {
        try {
            return SecureRandom.getInstance("DRBG");
        } catch (java.security.NoSuchAlgorithmException e) {
            return new SecureRandom();
        }
    }

    /** A thread's buffer of random bytes; each byte is handed out once. */
    private static final class RandomBytes {
        static final int SIZE = 1024;
        private final byte[] buffer = new byte[SIZE];
        private int next = SIZE;

        String hex(int count) {
            if (next + count > SIZE) {
                RANDOM.nextBytes(buffer);
                next = 0;
            }
            String hex = HEX.formatHex(buffer, next, next + count);
            next += count;
            return hex;
        }
    }
}
