package dev.softswitch.gateway.auth;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Keys (addresses or accounts) banned until an instant. Every ban lasts as long, so the order bans
 * were made in is the order they end in: expired ones leave from the front, and beyond
 * {@code capacity} the one closest to its end is lifted early. Not thread-safe: SIP core thread.
 */
final class BanList {

    private final int capacity;
    private final Map<String, Long> until = new LinkedHashMap<>();

    BanList(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive");
        }
        this.capacity = capacity;
    }

    boolean banned(String key, long nowMicros) {
        Long end = until.get(key);
        if (end == null) {
            return false;
        }
        if (end > nowMicros) {
            return true;
        }
        until.remove(key);
        return false;
    }

    /** Bans {@code key} until {@code endMicros}; false if it was banned already (the ban stays as it was). */
    boolean ban(String key, long nowMicros, long endMicros) {
        liftExpired(nowMicros);
        if (banned(key, nowMicros)) {
            return false;
        }
        until.put(key, endMicros);
        if (until.size() > capacity) {
            Iterator<Long> eldest = until.values().iterator();
            eldest.next();
            eldest.remove();
        }
        return true;
    }

    int size() {
        return until.size();
    }

    private void liftExpired(long nowMicros) {
        Iterator<Long> it = until.values().iterator();
        while (it.hasNext() && it.next() <= nowMicros) {
            it.remove();
        }
    }
}
