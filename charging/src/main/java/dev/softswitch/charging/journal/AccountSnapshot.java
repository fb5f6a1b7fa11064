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
 * @param capCycle    the month ({@code 2025-01}) {@code capSpent} counts in, or null
 * @param product     the product the account belongs to, {@code ""} for the default
 */
public record AccountSnapshot(String id, String currency, String zone, String homePrefix, long capMicros,
                              long coinCreditMicros, long lastSeq, long nextLotId, long nextReservationId,
                              long nextPlanId, List<Lot> lots, List<Reservation> reservations, List<Plan> plans,
                              Package packageState, String capCycle, long capSpent, long capHeld,
                              long forfeitedMicros, long refundedMicros, List<Purchase> purchases,
                              List<ChargedCall> usage, List<Adjustment> adjustments, String product,
                              Operated operated) {

    public AccountSnapshot {
        operated = operated == null ? Operated.NONE : operated;
    }

    /** A snapshot of an account no operator has touched. */
    public AccountSnapshot(String id, String currency, String zone, String homePrefix, long capMicros,
                           long coinCreditMicros, long lastSeq, long nextLotId, long nextReservationId,
                           long nextPlanId, List<Lot> lots, List<Reservation> reservations, List<Plan> plans,
                           Package packageState, String capCycle, long capSpent, long capHeld,
                           long forfeitedMicros, long refundedMicros, List<Purchase> purchases,
                           List<ChargedCall> usage, List<Adjustment> adjustments, String product) {
        this(id, currency, zone, homePrefix, capMicros, coinCreditMicros, lastSeq, nextLotId, nextReservationId,
                nextPlanId, lots, reservations, plans, packageState, capCycle, capSpent, capHeld, forfeitedMicros,
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

    /** An open reservation; {@code lots} holds pairs (lot id, micros held). */
    public record Reservation(long id, String callId, long[] lots, long planId, int planMinutes, int packageMinutes,
                              long capMicros) {
    }

    /** A 30-day plan. */
    public record Plan(long id, String product, List<String> prefixes, int minutes, int remaining, int held,
                       long priceMicros, Instant purchasedAt, Instant expiresAt, boolean autoRenew, boolean expired) {
    }

    /** The monthly package and its use in {@code cycle}. */
    public record Package(String name, int freeMinutes, List<String> prefixes, String cycle, int used, int held) {
    }

    /** One entry of the purchase history. */
    public record Purchase(String kind, long id, String description, long amountMicros, Instant at,
                           Instant expiresAt, String channel) {
    }
}
