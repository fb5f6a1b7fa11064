package dev.softswitch.media.srtp;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

/**
 * An SRTP master key and master salt with their crypto suite (RFC 3711 section 8.2), as carried in
 * the key-params of an SDES crypto attribute (RFC 4568 section 6.1: base64 of key then salt).
 * The bytes are copied in and out and never printed: {@link #toString()} shows the suite only.
 */
public final class SrtpMasterKey {

    private final SrtpSuite suite;
    private final byte[] key;
    private final byte[] salt;

    public SrtpMasterKey(SrtpSuite suite, byte[] key, byte[] salt) {
        this.suite = Objects.requireNonNull(suite, "suite");
        if (Objects.requireNonNull(key, "key").length != SrtpSuite.KEY_LENGTH) {
            throw new IllegalArgumentException("master key must be " + SrtpSuite.KEY_LENGTH + " bytes");
        }
        if (Objects.requireNonNull(salt, "salt").length != SrtpSuite.SALT_LENGTH) {
            throw new IllegalArgumentException("master salt must be " + SrtpSuite.SALT_LENGTH + " bytes");
        }
        this.key = key.clone();
        this.salt = salt.clone();
    }

    /** A fresh random key and salt for the relay's own sending side. */
    public static SrtpMasterKey generate(SrtpSuite suite, SecureRandom random) {
        byte[] both = new byte[SrtpSuite.KEY_LENGTH + SrtpSuite.SALT_LENGTH];
        random.nextBytes(both);
        try {
            return fromInline(suite, Base64.getEncoder().encodeToString(both));
        } finally {
            Arrays.fill(both, (byte) 0);
        }
    }

    /**
     * Reads the base64 key||salt of an {@code inline:} key-param (RFC 4568 section 6.1).
     *
     * @throws IllegalArgumentException if it is not base64 of exactly 30 bytes
     */
    public static SrtpMasterKey fromInline(SrtpSuite suite, String base64KeyAndSalt) {
        byte[] both;
        try {
            both = Base64.getDecoder().decode(Objects.requireNonNull(base64KeyAndSalt, "base64KeyAndSalt"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("SRTP key is not base64");
        }
        try {
            if (both.length != SrtpSuite.KEY_LENGTH + SrtpSuite.SALT_LENGTH) {
                throw new IllegalArgumentException("SRTP key and salt must be "
                        + (SrtpSuite.KEY_LENGTH + SrtpSuite.SALT_LENGTH) + " bytes, not " + both.length);
            }
            return new SrtpMasterKey(suite,
                    Arrays.copyOfRange(both, 0, SrtpSuite.KEY_LENGTH),
                    Arrays.copyOfRange(both, SrtpSuite.KEY_LENGTH, both.length));
        } finally {
            Arrays.fill(both, (byte) 0);
        }
    }

    public SrtpSuite suite() {
        return suite;
    }

    /** A copy of the 16-byte master key. */
    public byte[] key() {
        return key.clone();
    }

    /** A copy of the 14-byte master salt. */
    public byte[] salt() {
        return salt.clone();
    }

    /** Base64 of key then salt, for the {@code inline:} key-param of an SDP crypto attribute. */
    public String toInline() {
        byte[] both = new byte[key.length + salt.length];
        System.arraycopy(key, 0, both, 0, key.length);
        System.arraycopy(salt, 0, both, key.length, salt.length);
        try {
            return Base64.getEncoder().encodeToString(both);
        } finally {
            Arrays.fill(both, (byte) 0);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SrtpMasterKey other && suite == other.suite
                && MessageDigest.isEqual(key, other.key) && MessageDigest.isEqual(salt, other.salt);
    }

    @Override
    public int hashCode() {
        return suite.hashCode();
    }

    /** The suite only; the key material is never printed. */
    @Override
    public String toString() {
        return "SrtpMasterKey[" + suite + ", key hidden]";
    }
}
