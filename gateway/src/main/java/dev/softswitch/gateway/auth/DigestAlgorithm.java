package dev.softswitch.gateway.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;

/** The digest algorithms of RFC 8760 the gateway offers, by their token in a challenge. */
public enum DigestAlgorithm {
    SHA_256("SHA-256", "SHA-256", 64),
    MD5("MD5", "MD5", 32);

    private final String token;
    private final String jcaName;
    private final int hexLength;

    DigestAlgorithm(String token, String jcaName, int hexLength) {
        this.token = token;
        this.jcaName = jcaName;
        this.hexLength = hexLength;
    }

    /** The name in {@code algorithm=} (RFC 8760 §2.2). */
    public String token() {
        return token;
    }

    /** Length of a hash of this algorithm in lower-case hex. */
    public int hexLength() {
        return hexLength;
    }

    /** The algorithm a challenge or credentials name; MD5 when the parameter is absent (RFC 3261 §22.4). */
    public static Optional<DigestAlgorithm> ofToken(String token) {
        if (token == null || token.isEmpty()) {
            return Optional.of(MD5);
        }
        String t = token.toUpperCase(Locale.ROOT);
        for (DigestAlgorithm a : values()) {
            if (a.token.equals(t)) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }

    /** H(data) in lower-case hex. */
    public String hash(String data) {
        try {
            byte[] digest = MessageDigest.getInstance(jcaName).digest(data.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(jcaName + " is a required JCA algorithm", e);
        }
    }

    /**
     * The request-digest of RFC 7616 §3.4.1 with qop: H(HA1:nonce:nc:cnonce:qop:H(method:uri)).
     */
    public String response(String ha1, String nonce, String nc, String cnonce, String qop, String method, String uri) {
        return hash(ha1 + ":" + nonce + ":" + nc + ":" + cnonce + ":" + qop + ":" + hash(method + ":" + uri));
    }

    /** HA1 = H(username ":" realm ":" password) (RFC 8760 §2.4; RFC 7616 §3.4.2 without -sess). */
    public String ha1(String username, String realm, String password) {
        return hash(username + ":" + realm + ":" + password);
    }
}
