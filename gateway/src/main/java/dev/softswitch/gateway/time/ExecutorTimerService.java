package dev.softswitch.gateway.time;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A {@link TimerService} on a single-threaded {@link ScheduledExecutorService} (in the gateway,
 * the SIP core's Netty event loop) and a wall {@link Clock}.
 */
public final class ExecutorTimerService implements TimerService {

    private final ScheduledExecutorService executor;
    private final Clock clock;

    public ExecutorTimerService(ScheduledExecutorService executor, Clock clock) {
        this.executor = executor;
        this.clock = clock;
    }

    @Override
    public Instant now() {
        return clock.instant();
    }

    @Override
    public Timeout schedule(Duration delay, Runnable task) {
        long nanos = Math.max(0, delay.toNanos());
        ScheduledFuture<?> f = executor.schedule(task, nanos, TimeUnit.NANOSECONDS);
        return new Timeout() {
            @Override
            public boolean cancel() {
                return f.cancel(false);
            }

            @Override
            public boolean isDone() {
                return f.isDone();
            }
        };
    }
}
