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

    /**
     * The highest price per minute and connect fee a rate may have: one million currency units. With increments of
     * at most {@link #MAX_INCREMENT_SECONDS} and tax of at most 100 %, price x increment x (1 + tax) plus the connect
     * fee stays below 10^14 micros, far inside a long; a larger figure is a typo or a shifted CSV column.
     */
    public static final Money MAX_PRICE = new Money(1_000_000L * Money.MICROS_PER_UNIT, "XXX");
    /** The longest increment a rate may have: one hour (as the CSV decks allow). */
    public static final int MAX_INCREMENT_SECONDS = 3_600;

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
        if (pricePerMinute.micros() > MAX_PRICE.micros()) {
            throw new IllegalArgumentException("rate '" + prefix + "': price per minute " + pricePerMinute
                    + " is above the maximum of 1000000 per minute; check the deck's columns");
        }
        if (connectFee.micros() > MAX_PRICE.micros()) {
            throw new IllegalArgumentException("rate '" + prefix + "': connect fee " + connectFee
                    + " is above the maximum of 1000000; check the deck's columns");
        }
        if (initialIncrementSeconds > MAX_INCREMENT_SECONDS || subsequentIncrementSeconds > MAX_INCREMENT_SECONDS) {
            throw new IllegalArgumentException("rate '" + prefix + "': increments must be at most "
                    + MAX_INCREMENT_SECONDS + " seconds, got " + initialIncrementSeconds + "/"
                    + subsequentIncrementSeconds);
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
