package dev.softswitch.gateway.b2bua;

import java.time.Duration;
import java.time.Instant;

/**
 * SIG-7 overload control: the SIP core notes how long each message waited between arriving and
 * being handled. While that wait stays above {@code limit}, new calls are refused at once with 503
 * and Retry-After, so the calls already up keep their share of the core and nothing collapses into
 * retransmission storms; the guard clears as soon as messages are handled promptly again.
 * SIP core thread only.
 */
public final class OverloadGuard {

    private final long limitNanos;
    private long lastLagNanos;
    private long rejected;

    public OverloadGuard(Duration limit) {
        this.limitNanos = limit.toNanos();
    }

    /** A message that arrived at {@code receivedAt} is being handled at {@code now}. */
    public void observe(Instant receivedAt, Instant now) {
        lastLagNanos = Duration.between(receivedAt, now).toNanos();
    }

    /** True while messages wait longer than the limit; counts the call it refuses. */
    boolean refuseNewCall() {
        if (lastLagNanos > limitNanos) {
            rejected++;
            return true;
        }
        return false;
    }

    /** Calls refused for overload since start. */
    public long rejected() {
        return rejected;
    }
}
