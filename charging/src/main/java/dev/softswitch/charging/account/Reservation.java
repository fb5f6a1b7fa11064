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
    long planId;
    int planMinutes;
    int packageMinutes;
    long capMicros;
    Instant deadline = Instant.MAX;

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

    long heldOn(long lotId) {
        for (int i = 0; i < n; i += 2) {
            if (lots[i] == lotId) {
                return lots[i + 1];
            }
        }
        return 0;
    }
}
