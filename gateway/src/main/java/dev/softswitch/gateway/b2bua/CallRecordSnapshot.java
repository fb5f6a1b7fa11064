package dev.softswitch.gateway.b2bua;

import dev.softswitch.charging.cdr.CallDetails;
import dev.softswitch.charging.cdr.CallRecord;
import dev.softswitch.charging.cdr.ChargedCall;
import dev.softswitch.charging.cdr.MediaQuality;
import dev.softswitch.charging.money.Money;
import dev.softswitch.charging.money.Rounding;
import java.time.Duration;
import dev.softswitch.gateway.routing.PhoneNumberInfo;
import dev.softswitch.gateway.routing.TrunkCandidate;
import java.time.Instant;

/**
 * What a call's record says that the SIP core knows when the call ends (CHG-8), taken there as a
 * value; the charging side adds what was charged once the money has moved, and writes it.
 *
 * @param buyRateMicros the trunk's buy rate per minute in {@code buyCurrency}, or null when it has none
 * @param buyCurrency   the trunk's buy deck currency, or null when it has none
 */
record CallRecordSnapshot(String callId, String caller, String callee, String trunk, Instant start, Instant answer,
                          Instant end, int sipCode, String cause, String hungUpBy, String country, String numberType,
                          Long buyRateMicros, String buyCurrency, MediaQuality quality) {

    /**
     * The record of a call that ended at {@code end}: the trunk's name and buy rate from the carrier attempt that
     * placed it ({@code trunk} null when none did), the destination from its number (null when never classified).
     */
    static CallRecordSnapshot of(String callId, String caller, String callee, TrunkCandidate trunk,
                                 PhoneNumberInfo number, Instant start, Instant answer, Instant end, int sipCode,
                                 String cause, String hungUpBy) {
        boolean priced = trunk != null && trunk.priced();
        return new CallRecordSnapshot(callId, caller, callee, trunk == null ? null : trunk.trunk().name(), start,
                answer, end, sipCode, cause, hungUpBy, number == null ? null : number.regionCode(),
                number == null ? null : number.type().name(), priced ? trunk.buyRateMicros() : null,
                priced ? trunk.trunk().deck().currency() : null, null);
    }

    /** The same, with the media quality the relay measured once its ports were closed. */
    CallRecordSnapshot withQuality(MediaQuality measured) {
        return new CallRecordSnapshot(callId, caller, callee, trunk, start, answer, end, sipCode, cause, hungUpBy,
                country, numberType, buyRateMicros, buyCurrency, measured);
    }

    /** The record of a call that charged nothing; {@code currency} is the rate's, or null when never authorised. */
    CallRecord uncharged(String currency) {
        return record(0, null, null, currency);
    }

    /** The record of a call that was charged {@code amount} for {@code billedSeconds}. */
    CallRecord charged(long billedSeconds, Money amount, ChargedCall charge, String currency) {
        return record(billedSeconds, amount, charge, currency);
    }

    private CallRecord record(long billedSeconds, Money amount, ChargedCall charge, String currency) {
        Money buyRate = null;
        Money buyCost = null;
        long durationMillis = answer == null ? 0 : Math.max(0, Duration.between(answer, end).toMillis());
        if (buyRateMicros != null && buyCurrency != null) {
            // the carrier bills what it connected, by the second: not the customer's increments
            long carrierSeconds = Rounding.ceilDiv(durationMillis, 1000);
            buyRate = Money.ofMicros(buyRateMicros, buyCurrency);
            buyCost = Money.ofMicros(Rounding.incrementCostMicros(buyRateMicros, carrierSeconds), buyCurrency);
        }
        return new CallRecord(callId, caller, callee, trunk, start, answer, end, durationMillis, billedSeconds, amount,
                sipCode, cause, hungUpBy, new CallDetails(country, numberType, buyRate, buyCost, charge, quality));
    }
}
