package dev.softswitch.gateway.b2bua;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.time.Instant;

/**
 * SIG-7 overload control: the SIP core notes how long each message waited between arriving and
 * being handled. When every message handled for {@code interval} waited longer than {@code limit} (a
 * standing queue, as CoDel judges one, not a burst the core drains at once), new calls are refused at
 * once with 503 and Retry-After, so the calls already up keep their share of the core and nothing
 * collapses into retransmission storms; the guard clears as soon as one message is handled within the
 * limit. A single slow message (a GC pause, the JIT warming up) leaves a backlog the core drains in
 * well under the interval, and sheds nothing. What it sheds are calls that have cost nothing yet: an INVITE
 * answering a fresh challenge goes on (see {@link #refuseNewCall}). SIP core thread only.
 */
public final class OverloadGuard implements MeterBinder {

    /** How long messages must keep waiting over the limit before new calls are shed. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofMillis(200);

    private final Duration limit;
    private final Duration interval;
    /** When the first of the messages that have all waited over the limit was handled; null while one did not. */
    private Instant overSince;
    /** Written by the SIP core only; volatile for the metrics scrape. */
    private volatile boolean overloaded;
    private long rejected;
    private volatile long admittedAnswering;

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

    /**
     * True while a standing queue holds messages longer than the limit and the call has not been challenged yet;
     * counts the call it refuses. A call answering a fresh challenge of ours is let through: its first INVITE
     * already cost a challenge and a round trip, and refusing it now would throw that away, while refusing the
     * calls that have cost nothing yet stops new challenges at once, so the let-through shrinks within a round
     * trip by itself (RFC 6357 §5: refuse where it is cheapest, finish what was started).
     */
    boolean refuseNewCall(boolean challengeAnswered) {
        if (overloaded && !challengeAnswered) {
            rejected++;
            return true;
        }
        if (overloaded) {
            admittedAnswering = admittedAnswering + 1; // single writer: the SIP core
        }
        return false;
    }

    /** True while new calls are being shed. */
    public boolean overloaded() {
        return overloaded;
    }

    /** Calls let through while shedding because they answered a fresh challenge, since start. */
    public long admittedAnswering() {
        return admittedAnswering;
    }

    /** Calls refused for overload since start. */
    public long rejected() {
        return rejected;
    }

    /**
     * {@code sip_overload_shedding} (1 while new calls are shed) and
     * {@code sip_overload_challenged_admitted_total} (calls let through while shedding, having answered a challenge).
     */
    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("sip.overload.shedding", this, g -> g.overloaded ? 1 : 0)
                .description("1 while the SIP core sheds new calls with 503 (a standing queue), else 0")
                .register(registry);
        FunctionCounter.builder("sip.overload.challenged.admitted", this, OverloadGuard::admittedAnswering)
                .description("Calls let through while shedding because they answered a fresh challenge")
                .register(registry);
    }
}
