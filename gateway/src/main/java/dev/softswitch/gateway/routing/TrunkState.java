package dev.softswitch.gateway.routing;

import java.time.Instant;

/**
 * The live state of one trunk, kept across reloads so that calls in progress keep their channels:
 * channels in use, a calls-per-second token bucket on the instants passed in, and whether OPTIONS
 * probing finds it up. Thread-safe; the limits come with each call from the current {@link Trunk}.
 */
public final class TrunkState {

    private static final long NANOS_PER_TOKEN = 1_000_000_000L;

    private final String name;
    private int channels;
    private long tokens = -1;
    private long lastNanos;
    private volatile boolean up = true;
    private volatile boolean drained;
    private int consecutiveFailures;

    TrunkState(String name) {
        this.name = name;
    }

    public String name() {
        return name;
    }

    /** Channels taken by call attempts and not yet released. */
    public synchronized int channelsInUse() {
        return channels;
    }

    /** Whether probing last found the trunk answering (a trunk never probed is up). */
    public boolean isUp() {
        return up;
    }

    /** Whether an operator drained the trunk (OPS-2): no new calls, calls in progress go on. */
    public boolean isDrained() {
        return drained;
    }

    /** Drains the trunk ({@code true}) or takes it back into rotation. */
    public void drain(boolean on) {
        drained = on;
    }

    /** Whether a call could start now without passing the trunk's channel or CPS limit; takes nothing. */
    synchronized boolean canStart(Trunk trunk, Instant now) {
        if (drained) {
            return false;
        }
        if (trunk.maxChannels() > 0 && channels >= trunk.maxChannels()) {
            return false;
        }
        if (trunk.callsPerSecond() > 0) {
            refill(trunk.callsPerSecond(), now);
            return tokens >= NANOS_PER_TOKEN;
        }
        return true;
    }

    /** Takes a channel and a CPS token if both are free; false (taking nothing) otherwise. */
    synchronized boolean tryAcquire(Trunk trunk, Instant now) {
        if (!canStart(trunk, now)) {
            return false;
        }
        if (trunk.callsPerSecond() > 0) {
            tokens -= NANOS_PER_TOKEN;
        }
        channels++;
        return true;
    }

    /** Gives a channel back; extra releases are ignored. */
    synchronized void release() {
        if (channels > 0) {
            channels--;
        }
    }

    /** Records a probe result; returns true when the trunk's up/down state changed. */
    public synchronized boolean recordProbe(boolean answered, int failuresToDown) {
        if (answered) {
            consecutiveFailures = 0;
            boolean changed = !up;
            up = true;
            return changed;
        }
        consecutiveFailures++;
        if (up && consecutiveFailures >= failuresToDown) {
            up = false;
            return true;
        }
        return false;
    }

    synchronized int consecutiveFailures() {
        return consecutiveFailures;
    }

    /** A bucket of {@code cps} tokens, full at first, refilled at {@code cps} a second (in nano-tokens). */
    private void refill(int cps, Instant now) {
        long nowNanos = now.getEpochSecond() * 1_000_000_000L + now.getNano();
        long capacity = cps * NANOS_PER_TOKEN;
        if (tokens < 0) {
            tokens = capacity;
            lastNanos = nowNanos;
            return;
        }
        long elapsed = nowNanos - lastNanos;
        if (elapsed <= 0) {
            return;
        }
        lastNanos = nowNanos;
        tokens = Math.min(capacity, tokens + Math.min(elapsed, NANOS_PER_TOKEN) * cps);
    }
}
