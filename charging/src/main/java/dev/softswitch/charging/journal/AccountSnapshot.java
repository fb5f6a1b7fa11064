package dev.softswitch.charging.journal;

import dev.softswitch.charging.cdr.Adjustment;
import dev.softswitch.charging.cdr.ChargedCall;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One account's whole state as a snapshot holds it (CHG-7), so that recovery need not replay the journal from the
 * start; {@code lastSeq} is the last journal event it contains. Amounts are micro-units of {@code currency}.
 *
 * @param capMicros   -1 for no cap
 * @param packageState null when the account has no package
 * @param capSpentByMonth international spend counted against the cap per month ({@code 2025-01})
 * @param product     the product the account belongs to, {@code ""} for the default
 */
public record AccountSnapshot(String id, String currency, String zone, String homePrefix, long capMicros,
                              long coinCreditMicros, long lastSeq, long nextLotId, long nextReservationId,
                              long nextPlanId, List<Lot> lots, List<Reservation> reservations, List<Plan> plans,
                              Package packageState, Map<String, Long> capSpentByMonth, long capHeld,
                              long forfeitedMicros, long refundedMicros, List<Purchase> purchases,
                              List<ChargedCall> usage, List<Adjustment> adjustments, String product,
                              Operated operated) {

    public AccountSnapshot {
        capSpentByMonth = Map.copyOf(capSpentByMonth);
        operated = operated == null ? Operated.NONE : operated;
    }

    /** A snapshot of an account no operator has touched. */
    public AccountSnapshot(String id, String currency, String zone, String homePrefix, long capMicros,
                           long coinCreditMicros, long lastSeq, long nextLotId, long nextReservationId,
                           long nextPlanId, List<Lot> lots, List<Reservation> reservations, List<Plan> plans,
                           Package packageState, Map<String, Long> capSpentByMonth, long capHeld,
                           long forfeitedMicros, long refundedMicros, List<Purchase> purchases,
                           List<ChargedCall> usage, List<Adjustment> adjustments, String product) {
        this(id, currency, zone, homePrefix, capMicros, coinCreditMicros, lastSeq, nextLotId, nextReservationId,
                nextPlanId, lots, reservations, plans, packageState, capSpentByMonth, capHeld, forfeitedMicros,
                refundedMicros, purchases, usage, adjustments, product, Operated.NONE);
    }

    /**
     * What operators set through the admin API (OPS-2, ACC-4): subscriber profile (HA1 hashes by algorithm),
     * suspension (null reason: not suspended), deletion, and the audit lines.
     */
    public record Operated(String number, String country, Map<String, String> ha1, String suspension,
                           boolean anonymised, List<Audit> audit) {
        public static final Operated NONE = new Operated(null, null, Map.of(), null, false, List.of());

        public Operated {
            ha1 = Map.copyOf(ha1);
            audit = List.copyOf(audit);
        }
    }

    /** One audit line: who did what. */
    public record Audit(Instant at, String operator, String action, String detail) {
    }

    /** A credit lot; {@code expiresAt} is {@link Instant#MAX} when it never expires. */
    public record Lot(long id, long original, long remaining, long held, Instant purchasedAt, Instant expiresAt,
                      String channel) {
    }

    /**
     * An open reservation; {@code lots} holds pairs (lot id, micros held), {@code plans} (plan id, minutes held);
     * {@code last} is what its last increment held as (credit micros, plan minutes, package minutes);
     * {@code started} is the call as known at answer, null while it rings.
     */
    public record Reservation(long id, String callId, long[] lots, long[] plans, int packageMinutes,
                              long capMicros, int increments, long[] last, ChargedCall started) {
    }

    /** A 30-day plan. */
    public record Plan(long id, String product, List<String> prefixes, int minutes, int remaining, int held,
                       long priceMicros, Instant purchasedAt, Instant expiresAt, boolean autoRenew, boolean expired) {
    }

    /** The monthly package and its free minutes used per month ({@code 2025-01}). */
    public record Package(String name, int freeMinutes, List<String> prefixes, Map<String, Integer> usedByMonth,
                          int held) {
        public Package {
            usedByMonth = Map.copyOf(usedByMonth);
        }
    }

    /** One entry of the purchase history. */
    public record Purchase(String kind, long id, String description, long amountMicros, Instant at,
                           Instant expiresAt, String channel) {
    }
}
