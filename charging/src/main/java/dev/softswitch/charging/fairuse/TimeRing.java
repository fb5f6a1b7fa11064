package dev.softswitch.charging.fairuse;

/**
 * The latest {@code capacity} event times (epoch milliseconds) of one account for one detector: enough to count up
 * to {@code capacity} events in a window, in a fixed amount of memory. Guarded by its {@link AccountWatch}.
 */
final class TimeRing {

    private final long[] times;
    private int next;
    private int size;

    TimeRing(int capacity) {
        this.times = new long[capacity];
    }

    int capacity() {
        return times.length;
    }

    void add(long millis) {
        times[next] = millis;
        next = (next + 1) % times.length;
        size = Math.min(size + 1, times.length);
    }

    /** How many kept events are at or after {@code since} (at most the capacity). */
    int countSince(long since) {
        int n = 0;
        for (int i = 0; i < size; i++) {
            if (times[i] >= since) {
                n++;
            }
        }
        return n;
    }

    void clear() {
        size = 0;
        next = 0;
    }
}
