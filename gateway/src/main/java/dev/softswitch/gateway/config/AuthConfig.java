package dev.softswitch.gateway.config;

import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * Digest authentication of app clients (SIG-4, RFC 3261 §22, RFC 8760): the realm the accounts'
 * HA1 hashes were made for, how long a nonce lives, and the algorithms offered, most preferred first.
 * A client takes the topmost challenge it supports; SIPp takes the topmost one whatever it is and
 * speaks only MD5, so a configuration driven by SIPp offers MD5 first. {@code throttle} limits failed
 * authentications and new INVITEs ({@link ThrottleConfig}).
 */
public record AuthConfig(String realm, Duration nonceTtl, List<String> algorithms, ThrottleConfig throttle) {

    private static final Set<String> KNOWN = Set.of("SHA-256", "MD5");

    public static final AuthConfig DEFAULTS = new AuthConfig("softswitch", Duration.ofMinutes(5),
            List.of("SHA-256", "MD5"), ThrottleConfig.DEFAULTS);

    public AuthConfig(String realm, Duration nonceTtl, List<String> algorithms) {
        this(realm, nonceTtl, algorithms, ThrottleConfig.DEFAULTS);
    }

    public AuthConfig {
        Checks.notBlank("realm", realm);
        if (realm.contains("\"") || realm.contains("\\")) {
            throw new InvalidValueException("realm", "must not contain quotes or backslashes");
        }
        Checks.present("nonceTtl", nonceTtl);
        if (nonceTtl.compareTo(Duration.ofSeconds(10)) < 0 || nonceTtl.compareTo(Duration.ofHours(1)) > 0) {
            throw new InvalidValueException("nonceTtl", nonceTtl + " is outside 10s..1h (use e.g. 5m)");
        }
        algorithms = List.copyOf(Checks.nonEmpty("algorithms", algorithms, "[SHA-256, MD5]"));
        for (String a : algorithms) {
            if (!KNOWN.contains(a)) {
                throw new InvalidValueException("algorithms", "\"" + a + "\" is not a digest algorithm (use SHA-256"
                        + " or MD5)");
            }
        }
        Checks.unique("algorithms", algorithms, a -> a, "algorithm");
        Checks.present("throttle", throttle);
    }
}
