package dev.softswitch.gateway.admin;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The admin API's bearer tokens, held only as SHA-256 hashes. A presented token is hashed and compared with
 * every configured hash in constant time ({@link MessageDigest#isEqual}, no early exit), so neither the
 * comparison nor the number of tokens checked tells a guesser how close it came.
 */
public final class ApiTokens {

    /** One configured token: its name, role and the SHA-256 of the token. */
    public record Token(String name, ApiRole role, String sha256) {
        public Token {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(role, "role");
            if (HexFormat.of().parseHex(sha256).length != 32) {
                throw new IllegalArgumentException("sha256 of token " + name + " is not 64 hex characters");
            }
        }
    }

    /** No tokens: every API request gets 401. */
    public static final ApiTokens NONE = new ApiTokens(List.of());

    private final List<Token> tokens;
    private final List<byte[]> hashes;

    public ApiTokens(List<Token> tokens) {
        this.tokens = List.copyOf(tokens);
        this.hashes = this.tokens.stream().map(t -> HexFormat.of().parseHex(t.sha256())).toList();
    }

    /** The caller {@code presented} authenticates, if any. */
    public Optional<ApiCaller> authenticate(String presented) {
        byte[] hash = sha256(presented);
        Token match = null;
        for (int i = 0; i < tokens.size(); i++) {
            if (MessageDigest.isEqual(hash, hashes.get(i)) && match == null) {
                match = tokens.get(i);
            }
        }
        return match == null ? Optional.empty() : Optional.of(new ApiCaller(match.name(), match.role()));
    }

    /** The lower-case hex SHA-256 of {@code token} (UTF-8), as the configuration stores it. */
    public static String hash(String token) {
        return HexFormat.of().formatHex(sha256(token));
    }

    private static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
