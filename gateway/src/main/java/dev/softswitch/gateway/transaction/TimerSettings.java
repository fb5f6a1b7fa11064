package dev.softswitch.gateway.transaction;

import java.time.Duration;
import java.util.Objects;

/**
 * The RFC 3261 §17 timer base values: T1 (RTT estimate), T2 (cap on non-INVITE and response
 * retransmission intervals) and T4 (how long a message may stay in the network). The derived
 * timers of Table 4 are computed from them. {@code lastWait} (config key {@code wait}), if not null, caps the
 * last waits in which an ended transaction only absorbs retransmissions (Timers D, I, J, K, L, M), as Kamailio's
 * {@code wt_timer} does.
 */
public record TimerSettings(Duration t1, Duration t2, Duration t4, Duration lastWait) {

    /** Timer D for unreliable transports: "at least 32 s" (RFC 3261 §17.1.1.2, Table 4). */
    static final Duration TIMER_D = Duration.ofSeconds(32);

    /** The RFC's waits. */
    public TimerSettings(Duration t1, Duration t2, Duration t4) {
        this(t1, t2, t4, null);
    }

    public TimerSettings {
        Objects.requireNonNull(t1, "t1");
        Objects.requireNonNull(t2, "t2");
        Objects.requireNonNull(t4, "t4");
        if (t1.isNegative() || t1.isZero() || t2.isNegative() || t2.isZero() || t4.isNegative() || t4.isZero()) {
            throw new IllegalArgumentException("T1, T2 and T4 must be positive: " + t1 + ", " + t2 + ", " + t4);
        }
        if (t2.compareTo(t1) < 0) {
            throw new IllegalArgumentException("T2 (" + t2 + ") must not be below T1 (" + t1 + ")");
        }
    }

    /** The defaults of RFC 3261 §17: T1 500 ms, T2 4 s, T4 5 s. */
    public static TimerSettings rfc3261() {
        return new TimerSettings(Duration.ofMillis(500), Duration.ofSeconds(4), Duration.ofSeconds(5));
    }

    /** How long an ended transaction absorbs retransmissions whose RFC wait is {@code rfc}: capped at the wait. */
    Duration absorbing(Duration rfc) {
        return lastWait != null && lastWait.compareTo(rfc) < 0 ? lastWait : rfc;
    }

    /** 64*T1: Timers B, F, H, J (unreliable), L and M, and the RFC 3261 §9.1 CANCEL guard. */
    public Duration transactionTimeout() {
        // Not t1.multipliedBy(64): that goes through BigDecimal, and this is asked for every transaction (issue 14).
        return Duration.ofSeconds(Math.multiplyExact(t1.getSeconds(), 64L), t1.getNano() * 64L);
    }

    /** The next retransmission interval after {@code current}: doubled, capped at T2. */
    Duration doubledCapped(Duration current) {
        Duration doubled = current.plus(current);
        return doubled.compareTo(t2) > 0 ? t2 : doubled;
    }
}
