package dev.softswitch.media.session;

import io.netty.util.concurrent.EventExecutor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Checks the media timeouts of the relay's sessions (MED-5): a sweep on each event loop, at a fixed
 * interval, over the sessions that live on that loop, so a session is only ever checked on its own
 * thread.
 */
public final class MediaTimeoutWatcher {

    private final Iterable<EventExecutor> loops;
    private final SessionRegistry registry;
    private final LongSupplier nanoTime;

    /** Schedules the sweep on every loop of {@code loops}; it stops when the loops shut down. */
    public MediaTimeoutWatcher(Iterable<EventExecutor> loops, SessionRegistry registry, LongSupplier nanoTime,
                               Duration sweepInterval) {
        this.loops = Objects.requireNonNull(loops, "loops");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
        long interval = sweepInterval.toNanos();
        for (EventExecutor loop : loops) {
            loop.scheduleAtFixedRate(() -> sweep(loop), interval, interval, TimeUnit.NANOSECONDS);
        }
    }

    /** Runs the sweep on every event loop now and waits for it; for tests on a hand-advanced clock. */
    public void sweepNow() throws Exception {
        List<Future<?>> runs = new ArrayList<>();
        for (EventExecutor loop : loops) {
            runs.add(loop.submit(() -> sweep(loop)));
        }
        for (Future<?> run : runs) {
            run.get(5, TimeUnit.SECONDS);
        }
    }

    /** Checks the media timeouts of the sessions on {@code loop}; runs on that loop. */
    private void sweep(EventExecutor loop) {
        long now = nanoTime.getAsLong();
        for (RelaySession session : registry.sessions()) {
            if (session.eventLoop() == loop) {
                session.sweep(now);
            }
        }
    }
}
