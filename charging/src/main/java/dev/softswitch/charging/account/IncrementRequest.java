package dev.softswitch.charging.account;

import dev.softswitch.charging.tariff.RateCategory;

import java.time.Instant;
import java.util.Objects;

/**
 * What a call asks the store to hold for its next increment; the store's funding policy decides what pays.
 *
 * @param destination  dialled digits, to match plan and package prefixes and to tell international calls
 * @param category     the category of the call's rate (premium-rate numbers never use package minutes)
 * @param previous     what paid the call's last increment, or null for its first
 * @param creditMicros what the increment costs if credit pays it, tax and coin rounding included
 * @param deadline     the reservation expires (is handed back) if nothing touches it before this instant
 */
public record IncrementRequest(String destination, RateCategory category, Funding previous, long creditMicros,
                               Instant deadline) {
    public IncrementRequest {
        Objects.requireNonNull(destination, "destination");
        Objects.requireNonNull(category, "category");
        Objects.requireNonNull(deadline, "deadline");
        if (creditMicros < 0) {
            throw new IllegalArgumentException("credit must not be negative: " + creditMicros);
        }
    }
}
