package dev.softswitch.charging.money;

/**
 * The one place where charging rounds. Every rounding in the engine is a ceiling (the customer pays
 * every started micro-unit) done in exact {@code long} arithmetic; overflow throws
 * {@link ArithmeticException} instead of wrapping.
 */
public final class Rounding {

    private static final long SECONDS_PER_MINUTE = 60;

    private Rounding() {
    }

    /**
     * The smallest integer not less than {@code a / b}, exact for every sign combination.
     *
     * @throws ArithmeticException if {@code b} is zero or the quotient overflows
     *     ({@code Long.MIN_VALUE / -1})
     */
    public static long ceilDiv(long a, long b) {
        if (b == 0) {
            throw new ArithmeticException("division by zero");
        }
        if (a == Long.MIN_VALUE && b == -1) {
            throw new ArithmeticException("long overflow");
        }
        long q = a / b;
        // Java truncates towards zero; round up when there is a remainder and the true quotient is positive.
        if (a % b != 0 && ((a ^ b) >= 0)) {
            q++;
        }
        return q;
    }

    /**
     * Cost in micros of an increment of {@code seconds} at {@code pricePerMinuteMicros}:
     * {@code ceil(pricePerMinuteMicros * seconds / 60)}.
     *
     * @throws IllegalArgumentException if either argument is negative
     * @throws ArithmeticException if the product overflows a {@code long}
     */
    public static long incrementCostMicros(long pricePerMinuteMicros, long seconds) {
        if (pricePerMinuteMicros < 0) {
            throw new IllegalArgumentException("price per minute must not be negative: " + pricePerMinuteMicros);
        }
        if (seconds < 0) {
            throw new IllegalArgumentException("increment seconds must not be negative: " + seconds);
        }
        return ceilDiv(Math.multiplyExact(pricePerMinuteMicros, seconds), SECONDS_PER_MINUTE);
    }

    /** Basis points in 100 %. */
    public static final long BASIS_POINTS = 10_000;

    /**
     * Tax added on top of a net amount at {@code basisPoints} (1000 = 10 %), rounded up to the micro:
     * {@code ceil(net * bp / 10000)}.
     */
    public static long taxOnTop(long netMicros, int basisPoints) {
        requireNonNegative(netMicros, "net amount");
        requireNonNegative(basisPoints, "tax basis points");
        // split so that no intermediate exceeds the net amount: ceil(net * bp / 10000) without net * bp
        long whole = netMicros / BASIS_POINTS;
        long rest = netMicros % BASIS_POINTS;
        return Math.addExact(Math.multiplyExact(whole, basisPoints), ceilDiv(rest * basisPoints, BASIS_POINTS));
    }

    /**
     * The tax contained in a tax-inclusive amount at {@code basisPoints}: {@code gross - ceil(gross * 10000 /
     * (10000 + bp))}, i.e. the net part is rounded up and the tax part down, so the two always add up to gross.
     */
    public static long taxWithin(long grossMicros, int basisPoints) {
        requireNonNegative(grossMicros, "gross amount");
        requireNonNegative(basisPoints, "tax basis points");
        long divisor = Math.addExact(BASIS_POINTS, basisPoints);
        long net;
        if (grossMicros <= Long.MAX_VALUE / BASIS_POINTS) {
            net = ceilDiv(grossMicros * BASIS_POINTS, divisor);
        } else { // exact for any gross: the net part never exceeds the gross
            java.math.BigInteger[] qr = java.math.BigInteger.valueOf(grossMicros)
                    .multiply(java.math.BigInteger.valueOf(BASIS_POINTS))
                    .divideAndRemainder(java.math.BigInteger.valueOf(divisor));
            net = qr[0].longValueExact() + (qr[1].signum() > 0 ? 1 : 0);
        }
        return grossMicros - net;
    }

    /**
     * What a coin wallet debits for a charge (the LINE Coin rule, seed 001): whole credits of
     * {@code creditMicros}, every started credit counted, and an odd count rounded up to the next even one.
     */
    public static long evenCredits(long chargeMicros, long creditMicros) {
        requireNonNegative(chargeMicros, "charge");
        if (creditMicros <= 0) {
            throw new IllegalArgumentException("credit value must be positive: " + creditMicros);
        }
        long credits = ceilDiv(chargeMicros, creditMicros);
        if ((credits & 1) == 1) {
            credits = Math.addExact(credits, 1);
        }
        return Math.multiplyExact(credits, creditMicros);
    }

    private static void requireNonNegative(long value, String what) {
        if (value < 0) {
            throw new IllegalArgumentException(what + " must not be negative: " + value);
        }
    }
}
