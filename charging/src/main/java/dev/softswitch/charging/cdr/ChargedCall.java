package dev.softswitch.charging.cdr;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What the engine settled for one call (CHG-8, ACC-1): the rate and deck it was charged by, the increments,
 * what paid for it (plan minutes, package minutes, credit lots), tax and amount. Amounts are micro-units of
 * {@code currency}. This is the usage history entry and the source of a call's explanation.
 *
 * @param lotDebits    pairs of (lot id, micros debited), earliest-expiring lot first
 * @param amountMicros what the customer paid from credit, tax included
 * @param taxMicros    the tax inside {@code amountMicros}
 * @param planUses     every 30-day plan that paid minutes, in the order they paid ({@code planMinutes} is their sum,
 *                     {@code planId} the first)
 */
public record ChargedCall(String callId, String accountId, String destination, String destinationName, String deck,
                          String ratePrefix, long pricePerMinuteMicros, long connectFeeMicros, int initialIncrement,
                          int subsequentIncrement, String taxMode, int taxBasisPoints, Instant answeredAt,
                          Instant endedAt, long durationMillis, long billedSeconds, int planMinutes, long planId,
                          int packageMinutes, int creditIncrements, long netMicros, long taxMicros, long amountMicros,
                          String currency, List<LotDebit> lotDebits, boolean clamped, boolean coinRounded,
                          List<PlanUse> planUses) {

    /** Micros taken from one credit lot. */
    public record LotDebit(long lotId, long micros) {
    }

    /** Minutes one 30-day plan paid. */
    public record PlanUse(long planId, int minutes) {
    }

    public ChargedCall {
        Objects.requireNonNull(callId, "callId");
        Objects.requireNonNull(accountId, "accountId");
        Objects.requireNonNull(endedAt, "endedAt");
        lotDebits = List.copyOf(lotDebits);
        planUses = List.copyOf(planUses);
    }

    /** A call paid by at most one plan: {@code planMinutes} of plan {@code planId}. */
    public ChargedCall(String callId, String accountId, String destination, String destinationName, String deck,
                       String ratePrefix, long pricePerMinuteMicros, long connectFeeMicros, int initialIncrement,
                       int subsequentIncrement, String taxMode, int taxBasisPoints, Instant answeredAt,
                       Instant endedAt, long durationMillis, long billedSeconds, int planMinutes, long planId,
                       int packageMinutes, int creditIncrements, long netMicros, long taxMicros, long amountMicros,
                       String currency, List<LotDebit> lotDebits, boolean clamped, boolean coinRounded) {
        this(callId, accountId, destination, destinationName, deck, ratePrefix, pricePerMinuteMicros,
                connectFeeMicros, initialIncrement, subsequentIncrement, taxMode, taxBasisPoints, answeredAt, endedAt,
                durationMillis, billedSeconds, planMinutes, planId, packageMinutes, creditIncrements, netMicros,
                taxMicros, amountMicros, currency, lotDebits, clamped, coinRounded,
                planMinutes > 0 ? List.of(new PlanUse(planId, planMinutes)) : List.of());
    }

    /** This call with the lots that paid for it. */
    public ChargedCall withLotDebits(List<LotDebit> debits) {
        return new ChargedCall(callId, accountId, destination, destinationName, deck, ratePrefix, pricePerMinuteMicros,
                connectFeeMicros, initialIncrement, subsequentIncrement, taxMode, taxBasisPoints, answeredAt, endedAt,
                durationMillis, billedSeconds, planMinutes, planId, packageMinutes, creditIncrements, netMicros,
                taxMicros, amountMicros, currency, debits, clamped, coinRounded, planUses);
    }

    /** This call with the plans that paid for it ({@code planId} becomes the first). */
    public ChargedCall withPlanUses(List<PlanUse> uses) {
        return new ChargedCall(callId, accountId, destination, destinationName, deck, ratePrefix, pricePerMinuteMicros,
                connectFeeMicros, initialIncrement, subsequentIncrement, taxMode, taxBasisPoints, answeredAt, endedAt,
                durationMillis, billedSeconds, planMinutes, uses.isEmpty() ? planId : uses.get(0).planId(),
                packageMinutes, creditIncrements, netMicros, taxMicros, amountMicros, currency, lotDebits, clamped,
                coinRounded, uses);
    }

    /** This call with another callee number (ACC-4 anonymisation keeps only the rate prefix). */
    public ChargedCall withDestination(String newDestination) {
        return new ChargedCall(callId, accountId, newDestination, destinationName, deck, ratePrefix,
                pricePerMinuteMicros, connectFeeMicros, initialIncrement, subsequentIncrement, taxMode, taxBasisPoints,
                answeredAt, endedAt, durationMillis, billedSeconds, planMinutes, planId, packageMinutes,
                creditIncrements, netMicros, taxMicros, amountMicros, currency, lotDebits, clamped, coinRounded);
    }
}
