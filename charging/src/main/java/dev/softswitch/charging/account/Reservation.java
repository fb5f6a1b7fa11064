package dev.softswitch.charging.account;

import java.time.Instant;
import java.util.Arrays;

/**
 * What one call (or the manual API) holds on an {@link AccountState}: credit per lot as (lot, micros) pairs, plan
 * and package minutes and cap room, until {@code deadline}.
 */
final class Reservation {
    long id;
    String callId;
    long[] lots = new long[4];
    int n; // used longs in lots (pairs)
    /** Plan minutes held as pairs (plan id, minutes), in the order the call used the plans. */
    long[] plans = new long[0];
    int planMinutes;
    int packageMinutes;
    long capMicros;
    Instant deadline = Instant.MAX;
    /** Increments reserved, and what the last one held (credit micros, plan and package minutes). */
    int increments;
    long lastCredit;
    int lastPlanMinutes;
    int lastPackageMinutes;
    /** What was known of the call when it was answered; null while it rings. */
    dev.softswitch.charging.cdr.ChargedCall started;

    long credit() {
        long sum = 0;
        for (int i = 1; i < n; i += 2) {
            sum += lots[i];
        }
        return sum;
    }

    void add(long lotId, long micros) {
        for (int i = 0; i < n; i += 2) {
            if (lots[i] == lotId) {
                lots[i + 1] += micros;
                return;
            }
        }
        if (n + 2 > lots.length) {
            lots = Arrays.copyOf(lots, lots.length * 2);
        }
        lots[n++] = lotId;
        lots[n++] = micros;
    }

    void addPlan(long planId, int minutes) {
        for (int i = 0; i < plans.length; i += 2) {
            if (plans[i] == planId) {
                plans[i + 1] += minutes;
                planMinutes += minutes;
                return;
            }
        }
        plans = Arrays.copyOf(plans, plans.length + 2);
        plans[plans.length - 2] = planId;
        plans[plans.length - 1] = minutes;
        planMinutes += minutes;
    }

    /** Which plans pay {@code minutes} of the held plan minutes: pairs (plan id, minutes), in order of use. */
    long[] planUses(int minutes) {
        long[] out = new long[plans.length];
        int n = 0;
        long left = minutes;
        for (int i = 0; i < plans.length && left > 0; i += 2) {
            long take = Math.min(plans[i + 1], left);
            out[n++] = plans[i];
            out[n++] = take;
            left -= take;
        }
        return Arrays.copyOf(out, n);
    }

    long heldOn(long lotId) {
        for (int i = 0; i < n; i += 2) {
            if (lots[i] == lotId) {
                return lots[i + 1];
            }
        }
        return 0;
    }
}
