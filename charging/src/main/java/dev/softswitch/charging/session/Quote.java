package dev.softswitch.charging.session;

import dev.softswitch.charging.money.Money;
import dev.softswitch.charging.tariff.Rate;
import dev.softswitch.charging.tariff.RateCategory;
import dev.softswitch.charging.tariff.Tax;

import java.util.Objects;

/**
 * The price an app shows on its dial pad for a number (OPS-2), as {@link ChargingEngine#quote} finds it for an
 * account: what the call would cost now, tax as the customer pays it, or why it cannot be charged.
 */
public sealed interface Quote permits Quote.Priced, Quote.Unpriced {

    /**
     * The number is priced by {@code rate} of deck {@code deck}; every amount is what the customer pays (tax
     * added where the product adds it).
     *
     * @param firstIncrement the connect fee plus the initial increment
     * @param nextIncrement  each subsequent increment
     * @param perMinute      the price of one minute
     */
    record Priced(String product, String deck, Rate rate, String destination, RateCategory category, Tax tax,
                  int initialSeconds, int subsequentSeconds, Money connectFee, Money firstIncrement,
                  Money nextIncrement, Money perMinute) implements Quote {
        public Priced {
            Objects.requireNonNull(rate, "rate");
        }

        static Priced of(String product, String deck, Rate rate) {
            Tax tax = rate.tax();
            String currency = rate.currency();
            Money connect = new Money(tax.grossMicros(rate.connectFee().micros()), currency);
            Money first = new Money(tax.grossMicros(rate.firstReservation().micros()), currency);
            Money next = new Money(tax.grossMicros(rate.costOfIncrement(rate.subsequentIncrementSeconds()).micros()),
                    currency);
            Money minute = new Money(tax.grossMicros(rate.pricePerMinute().micros()), currency);
            return new Priced(product, deck, rate, rate.destinationName(), rate.category(), tax,
                    rate.initialIncrementSeconds(), rate.subsequentIncrementSeconds(), connect, first, next, minute);
        }
    }

    /** The number cannot be charged for this account: {@code message} says why. */
    record Unpriced(DenialReason reason, String message) implements Quote {
        public Unpriced {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(message, "message");
        }
    }
}
