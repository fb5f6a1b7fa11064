package dev.softswitch.gateway.auth;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * What the gateway keeps of an account's password: its HA1 per algorithm (RFC 8760), never the
 * password itself. An account may hold one algorithm's hash only; it can then answer only that
 * algorithm's challenge.
 */
public record DigestCredentials(Map<DigestAlgorithm, String> ha1) {

    public static final DigestCredentials NONE = new DigestCredentials(Map.of());

    public DigestCredentials {
        EnumMap<DigestAlgorithm, String> copy = new EnumMap<>(DigestAlgorithm.class);
        ha1.forEach((algorithm, hex) -> {
            if (hex == null || hex.length() != algorithm.hexLength() || !hex.matches("[0-9a-f]+")) {
                throw new IllegalArgumentException(algorithm.token() + " HA1 must be " + algorithm.hexLength()
                        + " lower-case hex digits");
            }
            copy.put(algorithm, hex);
        });
        ha1 = Collections.unmodifiableMap(copy);
    }

    /** The hashes of {@code password} for {@code username} in {@code realm}, for every algorithm. */
    public static DigestCredentials derive(String username, String realm, String password) {
        Map<DigestAlgorithm, String> m = new EnumMap<>(DigestAlgorithm.class);
        for (DigestAlgorithm a : DigestAlgorithm.values()) {
            m.put(a, a.ha1(username, realm, password));
        }
        return new DigestCredentials(m);
    }

    public Optional<String> ha1(DigestAlgorithm algorithm) {
        return Optional.ofNullable(ha1.get(algorithm));
    }

    public boolean isEmpty() {
        return ha1.isEmpty();
    }

    @Override
    public String toString() {
        return "DigestCredentials" + ha1.keySet();
    }
}
