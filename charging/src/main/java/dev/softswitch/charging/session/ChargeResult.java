package dev.softswitch.charging.session;

import dev.softswitch.charging.money.Money;

import java.util.Objects;

/**
 * What a call cost, as settled by {@link ChargingSession#end}.
 *
 * @param durationMillis answered duration in whole milliseconds (0 if never answered)
 * @param billedSeconds  seconds covered by the charged increments
 * @param increments     charged increments, the initial one included
 * @param amount         total debit: connect fee (if answered) plus the increments
 * @param clamped        true if the call outlasted its paid time and was charged only what was reserved
 */
public record ChargeResult(String callId, long durationMillis, long billedSeconds, int increments, Money amount,
                           boolean clamped) {

    public ChargeResult {
        Objects.requireNonNull(callId, "callId");
        Objects.requireNonNull(amount, "amount");
        if (durationMillis < 0 || billedSeconds < 0 || increments < 0) {
            throw new IllegalArgumentException("negative duration, billed seconds or increments: " + durationMillis
                    + "/" + billedSeconds + "/" + increments);
        }
        if (amount.isNegative()) {
            throw new IllegalArgumentException("negative charge: " + amount);
        }
    }
}
