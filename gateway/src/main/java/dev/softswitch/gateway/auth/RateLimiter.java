package dev.softswitch.gateway.auth;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One limit, {@code limit} events per {@code periodMicros} with a burst of as many, kept per key (an
 * address, an account) by the generic cell rate algorithm: one number per key, the instant its bucket
 * is empty again. Bounded: beyond {@code capacity} keys the one seen least recently is forgotten,
 * which can only ever forgive, never punish. Not thread-safe: SIP core thread.
 */
final class RateLimiter {

    private static final class Cell {
        long emptyAt;
    }

    private final long intervalMicros;
    private final long toleranceMicros;
    private final Map<String, Cell> cells;

    RateLimiter(int limit, long periodMicros, int capacity) {
        if (limit < 1 || periodMicros < limit || capacity < 1) {
            throw new IllegalArgumentException("limit, period and capacity must be positive");
        }
        this.intervalMicros = periodMicros / limit;
        this.toleranceMicros = intervalMicros * (limit - 1);
        this.cells = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Cell> eldest) {
                return size() > capacity;
            }
        };
    }

    /** Counts one event of {@code key} and says whether it is within the limit; one over is not counted. */
    boolean acquire(String key, long nowMicros) {
        Cell cell = cells.get(key);
        if (cell == null) {
            cell = new Cell();
            cell.emptyAt = nowMicros;
            cells.put(key, cell);
        }
        long from = Math.max(cell.emptyAt, nowMicros);
        if (from - nowMicros > toleranceMicros) {
            return false;
        }
        cell.emptyAt = from + intervalMicros;
        return true;
    }

    int size() {
        return cells.size();
    }
}
