package dev.softswitch.charging.tariff;

import dev.softswitch.charging.money.CurrencyMismatchException;
import dev.softswitch.charging.money.Money;
import dev.softswitch.charging.money.Rounding;

import java.util.Objects;

/**
 * One line of a rate deck (CHG-2): the price of calls to numbers starting with {@code prefix}. Billing
 * is in increments: the first of {@code initialIncrementSeconds}, then of
 * {@code subsequentIncrementSeconds} (60/60 for LINE Out, 30/30 for the Japanese mobile plan).
 *
 * Prices are net of tax when {@code tax} is {@link TaxMode#ADDED}, and contain it when it is included.
 *
 * @param prefix digits only, without '+'; {@code ""} is the default rate matching every number
 */
public record Rate(String prefix, String destinationName, Money pricePerMinute, Money connectFee,
                   int initialIncrementSeconds, int subsequentIncrementSeconds, Tax tax, RateCategory category) {

    /** A rate with tax included at 0 % and an unspecified category (the original six-field rate). */
    public Rate(String prefix, String destinationName, Money pricePerMinute, Money connectFee,
                int initialIncrementSeconds, int subsequentIncrementSeconds) {
        this(prefix, destinationName, pricePerMinute, connectFee, initialIncrementSeconds, subsequentIncrementSeconds,
                Tax.NONE, RateCategory.OTHER);
    }

    public Rate {
        Objects.requireNonNull(tax, "tax");
        Objects.requireNonNull(category, "category");
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(destinationName, "destinationName");
        Objects.requireNonNull(pricePerMinute, "pricePerMinute");
        Objects.requireNonNull(connectFee, "connectFee");
        for (int i = 0; i < prefix.length(); i++) {
            char c = prefix.charAt(i);
            if (c < '0' || c > '9') {
                throw new IllegalArgumentException("rate prefix '" + prefix + "' must be digits only, found '" + c + "'");
            }
        }
        if (pricePerMinute.isNegative()) {
            throw new IllegalArgumentException("rate '" + prefix + "': price per minute is negative: " + pricePerMinute);
        }
        if (connectFee.isNegative()) {
            throw new IllegalArgumentException("rate '" + prefix + "': connect fee is negative: " + connectFee);
        }
        if (!pricePerMinute.currency().equals(connectFee.currency())) {
            throw new CurrencyMismatchException(pricePerMinute.currency(), connectFee.currency());
        }
        if (initialIncrementSeconds <= 0) {
            throw new IllegalArgumentException("rate '" + prefix + "': initial increment must be > 0 seconds, got "
                    + initialIncrementSeconds);
        }
        if (subsequentIncrementSeconds <= 0) {
            throw new IllegalArgumentException("rate '" + prefix + "': subsequent increment must be > 0 seconds, got "
                    + subsequentIncrementSeconds);
        }
    }

    /** The currency this rate charges in. */
    public String currency() {
        return pricePerMinute.currency();
    }

    /** {@code ceil(pricePerMinute * seconds / 60)}, see {@link Rounding#incrementCostMicros}. */
    public Money costOfIncrement(int seconds) {
        return new Money(Rounding.incrementCostMicros(pricePerMinute.micros(), seconds), currency());
    }

    /** Connect fee plus the initial increment, before tax: what must be reserved before the call is routed (CHG-6). */
    public Money firstReservation() {
        return connectFee.plus(costOfIncrement(initialIncrementSeconds));
    }

    /** This rate with another tax. */
    public Rate withTax(Tax newTax) {
        return new Rate(prefix, destinationName, pricePerMinute, connectFee, initialIncrementSeconds,
                subsequentIncrementSeconds, newTax, category);
    }

    /** This rate for another category. */
    public Rate withCategory(RateCategory newCategory) {
        return new Rate(prefix, destinationName, pricePerMinute, connectFee, initialIncrementSeconds,
                subsequentIncrementSeconds, tax, newCategory);
    }
}
