package dev.softswitch.gateway.config;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/** Precondition helpers for the configuration records; each returns the checked value. */
final class Checks {

    private static final Pattern DECIMAL = Pattern.compile("[0-9]+(\\.[0-9]+)?");
    private static final Pattern DIGITS = Pattern.compile("[0-9]*");
    private static final int MAX_DECIMALS = 6;
    private static final java.util.Set<String> ISO_COUNTRIES = java.util.Set.of(java.util.Locale.getISOCountries());
    private static final int MAX_E164_DIGITS = 15;

    private Checks() {
    }

    static <T> T present(String field, T value) {
        if (value == null) {
            throw new InvalidValueException(field, "is missing");
        }
        return value;
    }

    static String notBlank(String field, String value) {
        if (present(field, value).isBlank()) {
            throw new InvalidValueException(field, "must not be empty");
        }
        return value;
    }

    static int port(String field, int port) {
        if (port < 1 || port > 65535) {
            throw new InvalidValueException(field, port + " is not a valid port (use 1..65535)");
        }
        return port;
    }

    static int between(String field, int value, int min, int max) {
        if (value < min || value > max) {
            throw new InvalidValueException(field, value + " is out of range (use " + min + ".." + max + ")");
        }
        return value;
    }

    /** Accepts udp, tcp or tls (RFC 3261 §26) in any case and returns it in lower case. */
    static String transport(String field, String value) {
        String t = notBlank(field, value).trim().toLowerCase(Locale.ROOT);
        switch (t) {
            case "udp":
            case "tcp":
            case "tls":
                return t;
            default:
                throw new InvalidValueException(field, value + " is not a transport (use udp, tcp or tls)");
        }
    }

    /** A digit prefix of E.164 numbers, e.g. {@code 447}; the empty prefix only where allowed. */
    static String digitPrefix(String field, String value, boolean emptyAllowed) {
        present(field, value);
        if (!DIGITS.matcher(value).matches()) {
            throw new InvalidValueException(field, "\"" + value + "\" is not a digit prefix"
                    + " (use digits only, without + or spaces, e.g. \"447\")");
        }
        if (value.isEmpty() && !emptyAllowed) {
            throw new InvalidValueException(field, "must not be empty (use the digits of a country code or longer, e.g. \"44\")");
        }
        if (value.length() > MAX_E164_DIGITS) {
            throw new InvalidValueException(field, "\"" + value + "\" is longer than an E.164 number (use at most 15 digits)");
        }
        return value;
    }

    /** A non-negative decimal amount with at most six decimals, kept as text, e.g. {@code 0.0530}. */
    static String decimal(String field, String value) {
        present(field, value);
        if (value.startsWith("-")) {
            throw new InvalidValueException(field, "\"" + value + "\" is negative (use 0 or more)");
        }
        if (!DECIMAL.matcher(value).matches()) {
            throw new InvalidValueException(field, "\"" + value + "\" is not a decimal amount"
                    + " (use digits with at most 6 decimals, e.g. \"0.0530\")");
        }
        int dot = value.indexOf('.');
        if (dot >= 0 && value.length() - dot - 1 > MAX_DECIMALS) {
            throw new InvalidValueException(field, "\"" + value + "\" has more than 6 decimals (round it to at most 6)");
        }
        return value;
    }

    static Duration positive(String field, Duration value) {
        if (present(field, value).isNegative() || value.isZero()) {
            throw new InvalidValueException(field, "must be longer than zero (e.g. 500ms)");
        }
        return value;
    }

    static <T> List<T> nonEmpty(String field, List<T> values, String example) {
        if (present(field, values).isEmpty()) {
            throw new InvalidValueException(field, "must list at least one entry (e.g. " + example + ")");
        }
        return values;
    }

    /** Refuses a list in which two entries share a key; the loader reports such lists with lines first. */
    static <T> List<T> unique(String field, List<T> values, Function<T, ?> key, String what) {
        Set<Object> seen = new HashSet<>();
        for (T v : values) {
            Object k = key.apply(Objects.requireNonNull(v, field));
            if (!seen.add(k)) {
                throw new InvalidValueException(field, "duplicate " + what + " \"" + k + "\" (keep one)");
            }
        }
        return values;
    }

    /** A time-zone region id such as {@code Asia/Tokyo}. */
    static String zone(String field, String value) {
        try {
            java.time.ZoneId.of(present(field, value));
            return value;
        } catch (java.time.DateTimeException e) {
            throw new InvalidValueException(field, "\"" + value + "\" is not a time zone (use a region id such as"
                    + " Asia/Tokyo, or UTC)");
        }
    }

    /** An ISO 3166 alpha-2 country code, or null. */
    static String country(String field, String value, String example) {
        if (value != null && !ISO_COUNTRIES.contains(value)) {
            throw new InvalidValueException(field, "\"" + value
                    + "\" is not an ISO 3166 country code (use two capital letters, e.g. " + example + ")");
        }
        return value;
    }
}
