package dev.softswitch.charging.fairuse;

import java.time.Instant;
import java.time.YearMonth;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the detectors remember of one account (bounded): the latest short calls, attempts and risky attempts, the
 * step each detector last acted at, and the spend of the current and six earlier months. Guarded by its own
 * monitor.
 */
final class AccountWatch {

    /** The months of spend kept: this one and six before it. */
    static final int MONTHS = 7;

    final String product;
    TimeRing shortCalls;
    TimeRing attempts;
    TimeRing risky;
    final int[] lastStep = new int[Detector.values().length];
    final TreeMap<YearMonth, Long> spend = new TreeMap<>();
    /** Calls counted when the watch was built from the usage history, not to be counted again as they settle. */
    final Set<String> loaded = new HashSet<>();
    /** The operator lift last seen: a newer one clears what the detectors counted. */
    Instant liftSeen;

    AccountWatch(String product) {
        this.product = product;
        Arrays.fill(lastStep, -1);
    }

    /** The ring for {@code capacity} events, new (empty) if the policy's size changed. */
    static TimeRing sized(TimeRing ring, long maxThreshold) {
        int capacity = (int) maxThreshold + 1;
        return ring != null && ring.capacity() == capacity ? ring : new TimeRing(capacity);
    }

    void addSpend(YearMonth month, long micros) {
        spend.merge(month, micros, Math::addExact);
        while (spend.size() > MONTHS) {
            spend.pollFirstEntry();
        }
    }

    long spendIn(YearMonth month) {
        return spend.getOrDefault(month, 0L);
    }

    /** The spend of months before {@code month} that had any, oldest first. */
    long[] earlierMonths(YearMonth month) {
        return spend.headMap(month, false).values().stream().filter(v -> v > 0).mapToLong(Long::longValue)
                .toArray();
    }

    /** An operator lifted the account's suspensions at {@code at}: what was counted before no longer counts. */
    void lifted(Instant at) {
        if (at == null || at.equals(liftSeen)) {
            return;
        }
        liftSeen = at;
        for (TimeRing r : new TimeRing[] {shortCalls, attempts, risky}) {
            if (r != null) {
                r.clear();
            }
        }
        Arrays.fill(lastStep, -1);
    }

    Map<YearMonth, Long> spendView() {
        return spend;
    }
}
