package dev.softswitch.charging.money;

/**
 * Thrown when two amounts in different currencies meet in one operation (CHG-1: no exchange rates
 * are ever applied to charging).
 */
public final class CurrencyMismatchException extends RuntimeException {

    private final String expected;
    private final String actual;

    public CurrencyMismatchException(String expected, String actual) {
        super("currency mismatch: expected " + expected + " but got " + actual);
        this.expected = expected;
        this.actual = actual;
    }

    public String expected() {
        return expected;
    }

    public String actual() {
        return actual;
    }
}
