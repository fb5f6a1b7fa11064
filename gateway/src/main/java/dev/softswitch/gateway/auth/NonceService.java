package dev.softswitch.gateway.auth;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.function.Supplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Self-validating nonces: the issue time and 8 random bytes, signed with an HMAC-SHA-256 key that
 * rotates every TTL (the previous key is kept, so every nonce can be checked for its whole life). The
 * gateway keeps no state per challenge; a nonce it did not sign is invalid, one older than the TTL is
 * stale (RFC 3261 §22.4, RFC 7616 §3.3 {@code stale=true}).
 */
public final class NonceService {

    /** What a nonce is worth. */
    public enum Validity { VALID, STALE, INVALID }

    /** The result of a check: its validity and, when signed by us, when it was issued (epoch ms). */
    public record Check(Validity validity, long issuedMillis) {
    }

    private static final int TIME_BYTES = 8;
    private static final int RANDOM_BYTES = 8;
    private static final int MAC_BYTES = 16;
    private static final int SIGNED_BYTES = TIME_BYTES + RANDOM_BYTES;
    private static final Duration CLOCK_SKEW = Duration.ofSeconds(1);

    private final Supplier<Instant> clock;
    private final Duration ttl;
    private final SecureRandom random;
    private Mac current;
    private Mac previous;
    private Instant rotatedAt;

    public NonceService(Supplier<Instant> clock, Duration ttl, SecureRandom random) {
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("nonce TTL must be positive");
        }
        this.clock = clock;
        this.ttl = ttl;
        this.random = random;
        this.current = newKey();
        this.rotatedAt = clock.get();
    }

    public Duration ttl() {
        return ttl;
    }

    /** A fresh nonce: 43 characters of base64url. */
    public synchronized String issue() {
        Instant now = clock.get();
        rotateIfDue(now);
        ByteBuffer b = ByteBuffer.allocate(SIGNED_BYTES + MAC_BYTES);
        b.putLong(now.toEpochMilli());
        byte[] nonce = new byte[RANDOM_BYTES];
        random.nextBytes(nonce);
        b.put(nonce);
        b.put(mac(current, b.array()));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b.array());
    }

    /** Whether {@code nonce} is one of ours, and still fresh. */
    public synchronized Check check(String nonce) {
        byte[] raw;
        try {
            raw = Base64.getUrlDecoder().decode(nonce == null ? "" : nonce);
        } catch (IllegalArgumentException e) {
            return new Check(Validity.INVALID, 0);
        }
        if (raw.length != SIGNED_BYTES + MAC_BYTES) {
            return new Check(Validity.INVALID, 0);
        }
        Instant now = clock.get();
        rotateIfDue(now);
        byte[] signed = Arrays.copyOf(raw, SIGNED_BYTES);
        byte[] mac = Arrays.copyOfRange(raw, SIGNED_BYTES, raw.length);
        boolean ours = MessageDigest.isEqual(mac, mac(current, signed))
                || previous != null && MessageDigest.isEqual(mac, mac(previous, signed));
        if (!ours) {
            return new Check(Validity.INVALID, 0);
        }
        long issued = ByteBuffer.wrap(raw).getLong();
        Instant issuedAt = Instant.ofEpochMilli(issued);
        if (issuedAt.isAfter(now.plus(CLOCK_SKEW))) {
            return new Check(Validity.INVALID, issued);
        }
        return new Check(issuedAt.plus(ttl).isBefore(now) ? Validity.STALE : Validity.VALID, issued);
    }

    private void rotateIfDue(Instant now) {
        if (!now.isBefore(rotatedAt.plus(ttl))) {
            previous = current;
            current = newKey();
            rotatedAt = now;
        }
    }

    private Mac newKey() {
        byte[] key = new byte[32];
        random.nextBytes(key);
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is a required JCA algorithm", e);
        }
    }

    private static byte[] mac(Mac key, byte[] data) {
        return Arrays.copyOf(key.doFinal(Arrays.copyOf(data, SIGNED_BYTES)), MAC_BYTES);
    }
}
