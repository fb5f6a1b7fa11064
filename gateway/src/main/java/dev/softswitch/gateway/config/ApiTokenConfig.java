package dev.softswitch.gateway.config;

import java.util.regex.Pattern;

/**
 * One bearer token of the admin API (OPS-2): its name (journalled as who made a change), its role and the
 * SHA-256 of the token in lower-case hex ({@code java -jar gateway.jar hash-token}), never the token itself.
 */
public record ApiTokenConfig(String name, String role, String sha256) {

    /** May read (GET) only. */
    public static final String READ_ONLY = "read-only";
    /** May read and change everything. */
    public static final String OPERATOR = "operator";
    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

    public ApiTokenConfig {
        Checks.notBlank("name", name);
        if (!READ_ONLY.equals(role) && !OPERATOR.equals(role)) {
            throw new InvalidValueException("role", "unknown role \"" + role + "\" (use " + READ_ONLY + " or "
                    + OPERATOR + ")");
        }
        if (sha256 == null || !SHA256_HEX.matcher(sha256).matches()) {
            throw new InvalidValueException("sha256", "not a SHA-256 in lower-case hex (64 characters): make it with"
                    + " java -jar gateway.jar hash-token");
        }
    }
}
