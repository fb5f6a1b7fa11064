package dev.softswitch.gateway.transaction;

import dev.softswitch.gateway.log.RateLimitedLog;
import dev.softswitch.gateway.time.TimerService;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * The last wait of a transaction that only absorbs retransmissions until a fixed timer ends it: Timers D, I,
 * J, K and the Accepted states' L and M (RFC 3261 §17, RFC 6026). Every transaction waiting the same time
 * joins one first-in first-out queue, and each queue keeps a single task scheduled, at its head's deadline,
 * instead of a timer (wheel entry, handle and closures) per transaction: with the cancelled handles, ~840 bytes
 * of a call's set-up kept for 32 s and copied by young collections (issue 14). A transaction still ends at
 * its own deadline: the task ends every head that is due and schedules itself again for the next one.
 * SIP core thread only, like the whole {@link TransactionLayer}.
 */
final class Lingering {

    private static final RateLimitedLog FAILURES = RateLimitedLog.of(TransactionLayer.LOG);

    private final TimerService timers;
    /** One queue per waiting time; a layer uses three or four (64*T1, T4, Timer D). */
    private final Map<Duration, Queue> queues = new HashMap<>();

    Lingering(TimerService timers) {
        this.timers = timers;
    }

    /** Ends {@code tx} after {@code wait} unless something ends it first; a zero wait ends it now. */
    void add(AbstractTransaction tx, Duration wait) {
        if (wait.isZero() || wait.isNegative()) {
            tx.terminate();
            return;
        }
        queues.computeIfAbsent(wait, Queue::new).add(tx);
    }

    private static long nanos(Instant t) {
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }

    private final class Queue {
        private final Duration wait;
        private final ArrayDeque<AbstractTransaction> waiting = new ArrayDeque<>();
        private boolean scheduled;

        Queue(Duration wait) {
            this.wait = wait;
        }

        void add(AbstractTransaction tx) {
            tx.lingerUntilNanos = nanos(timers.now()) + wait.toNanos();
            waiting.addLast(tx);
            if (!scheduled) {
                scheduled = true;
                timers.schedule(wait, this::expire);
            }
        }

        /**
         * Ends every transaction that is due. The queue is in deadline order, since all wait the same time.
         * Deadlines are read on the timer service's clock: a wall clock stepped back delays the ends by the
         * step; one stepped forward ends the waiting transactions early, by at most their 32 s.
         */
        private void expire() {
            scheduled = false;
            long now = nanos(timers.now());
            AbstractTransaction head;
            while ((head = waiting.peekFirst()) != null && head.lingerUntilNanos - now <= 0) {
                waiting.pollFirst();
                try {
                    head.terminate();
                } catch (RuntimeException e) {
                    FAILURES.error(e.getClass().getName(), "ending {} failed", head, e);
                }
            }
            if (head != null) {
                scheduled = true;
                timers.schedule(Duration.ofNanos(head.lingerUntilNanos - now), this::expire);
            }
        }
    }
}
