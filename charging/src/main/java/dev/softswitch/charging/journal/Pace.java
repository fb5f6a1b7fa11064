package dev.softswitch.charging.journal;

import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

/**
 * Spreads a snapshot's work over time: after each step of bytes written (or read back to check them), the
 * thread rests a multiple of the time the step took, up to a cap. On a machine the calls keep busy, writing and
 * checking the 44 MB history file of a 60 s run at 3,250 calls a second in one burst (1.2 s of a core) queued the
 * SIP core's messages for longer than the overload guard allows: 1,059 calls shed with 503 in that second, the
 * only failures of the run (issue 14). With a rest of twice the work the snapshot takes at most a third of a core.
 * Recovery reads at full speed. Not thread-safe: one per stream.
 */
final class Pace {
    static final long STEP = 1L << 20;
    static final long REST_RATIO = 2;
    static final long MAX_REST_NANOS = 200_000_000L;

    private final LongSupplier nanoTime;
    private final LongConsumer rest;
    private long bytes;
    private long stepStart;

    Pace(LongSupplier nanoTime, LongConsumer rest) {
        this.nanoTime = nanoTime;
        this.rest = rest;
        this.stepStart = nanoTime.getAsLong();
    }

    /** The pace of snapshot writes and checks: the monotonic clock, parking the thread. */
    static Pace forSnapshots() {
        return new Pace(System::nanoTime, Pace::park);
    }

    /** Counts {@code n} bytes done; at the end of a step, rests before the next. */
    void advance(long n) {
        bytes += n;
        if (bytes < STEP) {
            return;
        }
        rest.accept(Math.min((nanoTime.getAsLong() - stepStart) * REST_RATIO, MAX_REST_NANOS));
        bytes = 0;
        stepStart = nanoTime.getAsLong();
    }

    private static void park(long nanos) {
        long until = System.nanoTime() + nanos;
        for (long left = nanos; left > 0; left = until - System.nanoTime()) {
            LockSupport.parkNanos(Pace.class, left);
        }
    }
}
