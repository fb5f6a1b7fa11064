package dev.softswitch.media;

import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Bounded polling for conditions that real UDP packets make true on another thread. */
final class Await {

    private Await() {
    }

    /** Polls every millisecond until {@code condition} holds or {@code timeoutMs} has passed. */
    static boolean until(BooleanSupplier condition, long timeoutMs) {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            LockSupport.parkNanos(1_000_000L);
        }
        return true;
    }
}
