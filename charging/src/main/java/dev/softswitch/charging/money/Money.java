package dev.softswitch.charging.money;

import java.util.Objects;

/**
 * An exact amount of one currency in micro-units (1 unit = 1,000,000 micros), CHG-1. Arithmetic uses
 * {@code Math.*Exact}, so an overflow throws rather than wraps; mixing currencies throws
 * {@link CurrencyMismatchException}.
 *
 * @param micros   the amount in millionths of the currency's unit
 * @param currency the ISO 4217 alphabetic code, three upper-case ASCII letters
 */
public record Money(long micros, String currency) implements Comparable<Money> {

    /** Micro-units in one unit of any currency. */
    public static final long MICROS_PER_UNIT = 1_000_000L;
    /** Decimal places carried by a {@link Money}. */
    public static final int SCALE = 6;

    public Money {
        checkCurrency(currency);
    }

    /** Zero in the given currency. */
    public static Money zero(String currency) {
        return new Money(0, currency);
    }

    /** The amount of {@code micros} micro-units; same as the canonical constructor. */
    public static Money ofMicros(long micros, String currency) {
        return new Money(micros, currency);
    }

    /**
     * Parses a plain decimal such as {@code "0.012"}, {@code "20"} or {@code "-1.5"} exactly.
     * Accepted: an optional leading '-', one or more digits, and optionally a '.' followed by one to six
     * digits. Anything else (exponents, spaces, '+', grouping separators) is rejected.
     *
     * @throws IllegalArgumentException saying what is wrong with the text
     */
    public static Money parse(String decimal, String currency) {
        checkCurrency(currency);
        if (decimal == null) {
            throw new IllegalArgumentException("amount is missing (null)");
        }
        if (decimal.isEmpty()) {
            throw new IllegalArgumentException("amount is empty");
        }
        int pos = 0;
        boolean negative = false;
        if (decimal.charAt(0) == '-') {
            negative = true;
            pos = 1;
        }
        int point = decimal.indexOf('.', pos);
        String whole = point < 0 ? decimal.substring(pos) : decimal.substring(pos, point);
        String fraction = point < 0 ? "" : decimal.substring(point + 1);
        if (whole.isEmpty()) {
            throw new IllegalArgumentException("amount '" + decimal + "' has no digits before the decimal point");
        }
        checkDigits(decimal, whole);
        if (point >= 0) {
            if (fraction.isEmpty()) {
                throw new IllegalArgumentException("amount '" + decimal + "' has no digits after the decimal point");
            }
            checkDigits(decimal, fraction);
            if (fraction.length() > SCALE) {
                throw new IllegalArgumentException("amount '" + decimal + "' has " + fraction.length()
                        + " decimal places; at most " + SCALE + " are allowed");
            }
        }
        try {
            long micros = 0;
            for (int i = 0; i < whole.length(); i++) {
                micros = Math.addExact(Math.multiplyExact(micros, 10), whole.charAt(i) - '0');
            }
            micros = Math.multiplyExact(micros, MICROS_PER_UNIT);
            long fractionMicros = 0;
            for (int i = 0; i < SCALE; i++) {
                int digit = i < fraction.length() ? fraction.charAt(i) - '0' : 0;
                fractionMicros = fractionMicros * 10 + digit;
            }
            micros = Math.addExact(micros, fractionMicros);
            return new Money(negative ? Math.negateExact(micros) : micros, currency);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("amount '" + decimal + "' is too large for " + currency, e);
        }
    }

    private static void checkDigits(String text, String part) {
        for (int i = 0; i < part.length(); i++) {
            char c = part.charAt(i);
            if (c < '0' || c > '9') {
                throw new IllegalArgumentException("amount '" + text + "' contains '" + c
                        + "'; expected digits with an optional '-' and one '.'");
            }
        }
    }

    static String checkCurrency(String currency) {
        if (currency == null) {
            throw new IllegalArgumentException("currency is missing (null)");
        }
        if (currency.length() != 3) {
            throw new IllegalArgumentException("currency '" + currency + "' is not a 3-letter ISO 4217 code");
        }
        for (int i = 0; i < 3; i++) {
            char c = currency.charAt(i);
            if (c < 'A' || c > 'Z') {
                throw new IllegalArgumentException("currency '" + currency
                        + "' is not a 3-letter upper-case ISO 4217 code");
            }
        }
        return currency;
    }

    /** This amount with exactly six decimal places, e.g. {@code "0.012000"}, {@code "-1.500000"}. */
    public String toDecimalString() {
        long units = Math.abs(micros / MICROS_PER_UNIT); // safe: |Long.MIN_VALUE / 1e6| fits
        long fraction = Math.abs(micros % MICROS_PER_UNIT);
        String frac = Long.toString(fraction);
        StringBuilder sb = new StringBuilder(24);
        if (micros < 0) {
            sb.append('-');
        }
        sb.append(units).append('.');
        for (int i = frac.length(); i < SCALE; i++) {
            sb.append('0');
        }
        return sb.append(frac).toString();
    }

    /** This amount with trailing fractional zeros (and a bare '.') removed, e.g. {@code "0.012"}, {@code "20"}. */
    public String toPlainString() {
        String s = toDecimalString();
        int end = s.length();
        while (s.charAt(end - 1) == '0') {
            end--;
        }
        if (s.charAt(end - 1) == '.') {
            end--;
        }
        return s.substring(0, end);
    }

    public Money plus(Money other) {
        requireSameCurrency(other);
        return new Money(Math.addExact(micros, other.micros), currency);
    }

    public Money minus(Money other) {
        requireSameCurrency(other);
        return new Money(Math.subtractExact(micros, other.micros), currency);
    }

    public Money times(long factor) {
        return new Money(Math.multiplyExact(micros, factor), currency);
    }

    public Money negate() {
        return new Money(Math.negateExact(micros), currency);
    }

    public boolean isNegative() {
        return micros < 0;
    }

    public boolean isZero() {
        return micros == 0;
    }

    public boolean isPositive() {
        return micros > 0;
    }

    public boolean isGreaterThan(Money other) {
        return compareTo(other) > 0;
    }

    public boolean isGreaterThanOrEqualTo(Money other) {
        return compareTo(other) >= 0;
    }

    public boolean isLessThan(Money other) {
        return compareTo(other) < 0;
    }

    public boolean isLessThanOrEqualTo(Money other) {
        return compareTo(other) <= 0;
    }

    public static Money min(Money a, Money b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /** Orders by amount; throws {@link CurrencyMismatchException} across currencies. */
    @Override
    public int compareTo(Money other) {
        requireSameCurrency(other);
        return Long.compare(micros, other.micros);
    }

    /** Throws {@link CurrencyMismatchException} unless {@code other} is in this currency. */
    public Money requireSameCurrency(Money other) {
        Objects.requireNonNull(other, "other");
        if (!currency.equals(other.currency)) {
            throw new CurrencyMismatchException(currency, other.currency);
        }
        return other;
    }

    @Override
    public String toString() {
        return toDecimalString() + " " + currency;
    }
}
