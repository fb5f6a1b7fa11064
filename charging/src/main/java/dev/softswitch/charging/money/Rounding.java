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
}
