package dev.softswitch.gateway.time;

import java.time.Duration;
import java.time.Instant;
import java.util.PriorityQueue;

/**
 * A {@link TimerService} whose clock only moves when a test calls {@link #advance(Duration)}.
 * Tasks due at or before the new instant run in due order (ties in scheduling order), on the
 * calling thread; a task may schedule further tasks, which run too if they fall due.
 */
public final class ManualTimerService implements TimerService {

    private final PriorityQueue<Task> queue = new PriorityQueue<>();
    private Instant now;
    private long sequence;

    public ManualTimerService(Instant start) {
        this.now = start;
    }

    public ManualTimerService() {
        this(Instant.parse("2026-01-01T00:00:00Z"));
    }

    @Override
    public synchronized Instant now() {
        return now;
    }

    @Override
    public synchronized Timeout schedule(Duration delay, Runnable task) {
        Instant due = delay.isNegative() ? now : now.plus(delay);
        Task t = new Task(due, sequence++, task);
        queue.add(t);
        return t;
    }

    /** Moves the clock forward by {@code step}, running every task that falls due on the way. */
    public void advance(Duration step) {
        Instant target;
        synchronized (this) {
            target = now.plus(step);
        }
        while (true) {
            Task next;
            synchronized (this) {
                next = queue.peek();
                if (next == null || next.due.isAfter(target)) {
                    now = target;
                    return;
                }
                queue.poll();
                if (next.due.isAfter(now)) {
                    now = next.due;
                }
            }
            next.run();
        }
    }

    /** Runs the tasks that are already due, without moving the clock. */
    public void runDue() {
        advance(Duration.ZERO);
    }

    /** Number of tasks scheduled and neither run nor cancelled. */
    public synchronized int pending() {
        return (int) queue.stream().filter(t -> !t.isDone()).count();
    }

    private static final class Task implements Timeout, Comparable<Task> {
        private final Instant due;
        private final long seq;
        private final Runnable body;
        private boolean done;

        Task(Instant due, long seq, Runnable body) {
            this.due = due;
            this.seq = seq;
            this.body = body;
        }

        void run() {
            synchronized (this) {
                if (done) {
                    return;
                }
                done = true;
            }
            body.run();
        }

        @Override
        public synchronized boolean cancel() {
            if (done) {
                return false;
            }
            done = true;
            return true;
        }

        @Override
        public synchronized boolean isDone() {
            return done;
        }

        @Override
        public int compareTo(Task o) {
            int c = due.compareTo(o.due);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }
}
