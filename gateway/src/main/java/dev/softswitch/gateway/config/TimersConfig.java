package dev.softswitch.gateway.config;

import java.time.Duration;

/**
 * The SIP transaction timers T1, T2 and T4 of RFC 3261 §17.1.1.1 and table 4; {@code lastWait} (key {@code wait}),
 * if not null, caps the waits in which an ended transaction only absorbs retransmissions (Timers D, I, J, K, L, M;
 * as Kamailio's {@code wt_timer}, 5 s by default there), null for the RFC's (up to 64*T1 = 32 s).
 */
public record TimersConfig(Duration t1, Duration t2, Duration t4, Duration lastWait) {

    /** The values RFC 3261 recommends: 500ms, 4s, 5s. */
    public static final TimersConfig RFC_3261 =
            new TimersConfig(Duration.ofMillis(500), Duration.ofSeconds(4), Duration.ofSeconds(5));

    /** The RFC's waits. */
    public TimersConfig(Duration t1, Duration t2, Duration t4) {
        this(t1, t2, t4, null);
    }

    public TimersConfig {
        Checks.positive("t1", t1);
        Checks.positive("t2", t2);
        Checks.positive("t4", t4);
        if (t2.compareTo(t1) < 0) {
            throw new InvalidValueException("t2", "must not be shorter than t1 (RFC 3261 uses t1: 500ms, t2: 4s)");
        }
        if (lastWait != null && lastWait.compareTo(t4) < 0) {
            throw new InvalidValueException("wait", "must not be shorter than t4 (" + t4 + "), how long a message "
                    + "may stay in the network; leave it out for the RFC's waits (up to 32s)");
        }
    }
}
