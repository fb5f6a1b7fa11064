package dev.softswitch.gateway.config;

import java.time.Duration;

/** The SIP transaction timers T1, T2 and T4 of RFC 3261 §17.1.1.1 and table 4. */
public record TimersConfig(Duration t1, Duration t2, Duration t4) {

    /** The values RFC 3261 recommends: 500ms, 4s, 5s. */
    public static final TimersConfig RFC_3261 =
            new TimersConfig(Duration.ofMillis(500), Duration.ofSeconds(4), Duration.ofSeconds(5));

    public TimersConfig {
        Checks.positive("t1", t1);
        Checks.positive("t2", t2);
        Checks.positive("t4", t4);
        if (t2.compareTo(t1) < 0) {
            throw new InvalidValueException("t2", "must not be shorter than t1 (RFC 3261 uses t1: 500ms, t2: 4s)");
        }
    }
}
