package dev.softswitch.gateway.b2bua;

import java.time.Duration;
import java.time.Instant;

/**
 * SIG-7 overload control: the SIP core notes how long each message waited between arriving and
 * being handled. When every message handled for {@code interval} waited longer than {@code limit} (a
 * standing queue, as CoDel judges one, not a burst the core drains at once), new calls are refused at
 * once with 503 and Retry-After, so the calls already up keep their share of the core and nothing
 * collapses into retransmission storms; the guard clears as soon as one message is handled within the
 * limit. A single slow message (a GC pause, the JIT warming up) leaves a backlog the core drains in
 * well under the interval, and sheds nothing. SIP core thread only.
 */
public final class OverloadGuard {

    /** How long messages must keep waiting over the limit before new calls are shed. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofMillis(200);

    private final Duration limit;
    private final Duration interval;
    /** When the first of the messages that have all waited over the limit was handled; null while one did not. */
    private Instant overSince;
    private boolean overloaded;
    private long rejected;

    public OverloadGuard(Duration limit) {
        this(limit, DEFAULT_INTERVAL);
    }

    public OverloadGuard(Duration limit, Duration interval) {
        this.limit = limit;
        this.interval = interval;
    }

    /** A message that arrived at {@code receivedAt} is being handled at {@code now}. */
    public void observe(Instant receivedAt, Instant now) {
        if (Duration.between(receivedAt, now).compareTo(limit) <= 0) {
            overSince = null;
            overloaded = false;
        } else if (overSince == null) {
            overSince = now;
        } else if (!overloaded && Duration.between(overSince, now).compareTo(interval) >= 0) {
            overloaded = true;
        }
    }

    /** True while a standing queue holds messages longer than the limit; counts the call it refuses. */
    boolean refuseNewCall() {
        if (overloaded) {
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
