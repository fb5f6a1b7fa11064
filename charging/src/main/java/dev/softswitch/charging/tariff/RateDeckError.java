package dev.softswitch.charging.tariff;

/** One thing wrong with one line of a rate deck file: its 1-based line number and what is wrong. */
public record RateDeckError(int line, String message) {

    @Override
    public String toString() {
        return "line " + line + ": " + message;
    }
}
