package dev.softswitch.charging.tariff;

import dev.softswitch.charging.money.Rounding;

import java.util.Objects;

/**
 * The tax of a rate (CHG-2): its mode and its rate in basis points (700 = 7 %).
 */
public record Tax(TaxMode mode, int basisPoints) {

    /** No tax at all (prices are what is charged). */
    public static final Tax NONE = new Tax(TaxMode.INCLUDED, 0);

    public Tax {
        Objects.requireNonNull(mode, "mode");
        if (basisPoints < 0 || basisPoints > 10_000) {
            throw new IllegalArgumentException("tax must be between 0 and 100 %, got " + basisPoints + " basis points");
        }
    }

    public static Tax included(int basisPoints) {
        return new Tax(TaxMode.INCLUDED, basisPoints);
    }

    public static Tax added(int basisPoints) {
        return new Tax(TaxMode.ADDED, basisPoints);
    }

    /** What the customer pays for a net price: the net itself when included, net plus tax rounded up when added. */
    public long grossMicros(long netMicros) {
        return mode == TaxMode.ADDED ? Math.addExact(netMicros, Rounding.taxOnTop(netMicros, basisPoints)) : netMicros;
    }

    /** The tax part of what the customer pays for {@code netMicros}. */
    public long taxMicros(long netMicros) {
        return mode == TaxMode.ADDED ? Rounding.taxOnTop(netMicros, basisPoints)
                : Rounding.taxWithin(netMicros, basisPoints);
    }

    @Override
    public String toString() {
        return (basisPoints / 100) + "." + String.format("%02d", basisPoints % 100) + "% " + mode.name().toLowerCase();
    }
}
