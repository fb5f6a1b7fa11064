package dev.softswitch.gateway.time;

import java.time.Duration;
import java.time.Instant;

/**
 * The gateway's source of time and of scheduled work. Every timer (RFC 3261 §17 transaction
 * timers, charging increments, teardowns) goes through it, so that tests can advance time by hand
 * with {@link ManualTimerService} instead of sleeping.
 *
 * <p>Tasks run on the single SIP core thread in production; implementations never run a task
 * concurrently with another task of the same service.
 */
public interface TimerService {

    /** The current instant. */
    Instant now();

    /** Runs {@code task} once after {@code delay}; a zero or negative delay runs it as soon as possible. */
    Timeout schedule(Duration delay, Runnable task);

    /** Runs {@code task} at {@code instant} (or as soon as possible when it has passed). */
    default Timeout scheduleAt(Instant instant, Runnable task) {
        return schedule(Duration.between(now(), instant), task);
    }
}
