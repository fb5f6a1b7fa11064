package dev.softswitch.media.srtp;

import java.util.Optional;

/**
 * The SDES crypto suites the relay speaks (RFC 4568 section 6.2): AES counter mode with a 128-bit
 * master key and 112-bit master salt, HMAC-SHA1 with an 80- or 32-bit tag on SRTP. SRTCP always
 * carries the 80-bit tag (RFC 4568 section 6.2.2).
 */
public enum SrtpSuite {
    AES_CM_128_HMAC_SHA1_80(10),
    AES_CM_128_HMAC_SHA1_32(4);

    /** Master key length in bytes. */
    public static final int KEY_LENGTH = 16;
    /** Master salt length in bytes. */
    public static final int SALT_LENGTH = 14;
    /** Session authentication key length in bytes (HMAC-SHA1). */
    public static final int AUTH_KEY_LENGTH = 20;
    /** SRTCP authentication tag length in bytes, both suites. */
    public static final int SRTCP_TAG_LENGTH = 10;

    private final int srtpTagLength;

    SrtpSuite(int srtpTagLength) {
        this.srtpTagLength = srtpTagLength;
    }

    /** SRTP authentication tag length in bytes. */
    public int srtpTagLength() {
        return srtpTagLength;
    }

    /** The suite of an SDP crypto attribute's suite name, if the relay supports it. */
    public static Optional<SrtpSuite> forName(String name) {
        for (SrtpSuite suite : values()) {
            if (suite.name().equals(name)) {
                return Optional.of(suite);
            }
        }
        return Optional.empty();
    }
}
