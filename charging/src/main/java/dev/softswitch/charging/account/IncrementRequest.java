package dev.softswitch.charging.account;

import java.time.Instant;
import java.util.Objects;

/**
 * What a call asks the store to hold for its next increment.
 *
 * @param destination     dialled digits, to match plan and package prefixes
 * @param planAllowed     plan minutes may pay (false once the call has moved on to package minutes or credit)
 * @param packageEligible package free minutes may pay (a domestic, non-premium number, and the call has not moved on
 *                        to credit)
 * @param creditMicros    what the increment costs if credit pays it, tax and coin rounding included
 * @param capApplies      the charge counts against the international spend cap
 * @param deadline        the reservation expires (is handed back) if nothing touches it before this instant
 */
public record IncrementRequest(String destination, boolean planAllowed, boolean packageEligible, long creditMicros,
                               boolean capApplies, Instant deadline) {
    public IncrementRequest {
        Objects.requireNonNull(destination, "destination");
        Objects.requireNonNull(deadline, "deadline");
        if (creditMicros < 0) {
            throw new IllegalArgumentException("credit must not be negative: " + creditMicros);
        }
    }
}
