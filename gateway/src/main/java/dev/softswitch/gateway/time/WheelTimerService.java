package dev.softswitch.gateway.time;

import io.netty.util.HashedWheelTimer;
import io.netty.util.TimerTask;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * A {@link TimerService} on a hashed timing wheel (Varghese and Lauck; Netty's
 * {@link HashedWheelTimer}): scheduling and cancelling cost O(1) however many timers are pending,
 * where a priority queue pays O(log n) on every operation. A call schedules a dozen timers
 * (RFC 3261 §17 A–K, 2xx retransmission, charging increments), most cancelled long before they
 * fire, so at thousands of calls a second the wheel keeps the SIP core thread free. Due tasks run
 * on {@code executor} (the SIP core thread), never on the wheel's own thread; precision is one tick.
 */
public final class WheelTimerService implements TimerService, AutoCloseable {

    private final HashedWheelTimer wheel;
    private final Executor executor;
    private final Clock clock;

    public WheelTimerService(Executor executor, Clock clock, Duration tick) {
        this.executor = executor;
        this.clock = clock;
        this.wheel = new HashedWheelTimer(new DefaultThreadFactory("sip-timer", true), tick.toNanos(),
                TimeUnit.NANOSECONDS, 1024);
    }

    @Override
    public Instant now() {
        return clock.instant();
    }

    @Override
    public Timeout schedule(Duration delay, Runnable task) {
        long nanos = delay.toNanos();
        if (nanos <= 0) {
            ImmediateTimeout immediate = new ImmediateTimeout(task);
            executor.execute(immediate);
            return immediate;
        }
        WheelTask scheduled = new WheelTask(executor, task);
        scheduled.handle = wheel.newTimeout(scheduled, nanos, TimeUnit.NANOSECONDS);
        return scheduled;
    }

    /** Stops the wheel; pending tasks are dropped. */
    @Override
    public void close() {
        wheel.stop();
    }

    /**
     * A task on the wheel: what the wheel runs (it hands the task to the executor) and the handle the caller
     * cancels, in one object rather than a closure and a wrapper (issue 14: a live call keeps three timers).
     */
    private static final class WheelTask implements TimerTask, Timeout {
        private final Executor executor;
        private final Runnable task;
        /** Set by the scheduling thread before it returns this handle (volatile: it may be cancelled elsewhere). */
        private volatile io.netty.util.Timeout handle;

        WheelTask(Executor executor, Runnable task) {
            this.executor = executor;
            this.task = task;
        }

        @Override
        public void run(io.netty.util.Timeout timeout) {
            executor.execute(task);
        }

        @Override
        public boolean cancel() {
            return handle.cancel();
        }

        @Override
        public boolean isDone() {
            return handle.isExpired() || handle.isCancelled();
        }
    }

    /** A task handed to the executor at once; cancelling it before it runs stops it. */
    private static final class ImmediateTimeout implements Timeout, Runnable {
        private final Runnable task;
        private volatile boolean done;

        ImmediateTimeout(Runnable task) {
            this.task = task;
        }

        @Override
        public void run() {
            if (!done) {
                done = true;
                task.run();
            }
        }

        @Override
        public boolean cancel() {
            if (done) {
                return false;
            }
            done = true;
            return true;
        }

        @Override
        public boolean isDone() {
            return done;
        }
    }
}
