package dev.softswitch.charging.tariff;

import dev.softswitch.charging.money.Money;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads a rate deck from CSV as operators publish it (CHG-2). The first non-comment line is the header
 * {@value #HEADER}; lines starting with '#' and blank lines are skipped; fields may be in quotes. The
 * whole file is checked before anything is built: a bad file yields a {@link RateDeckException} naming every
 * bad line, and no table.
 *
 * <p>{@code tax_percent} is a decimal with at most two places ({@code 7}, {@code 10}, {@code 7.5});
 * {@code tax_mode} is {@code included} or {@code added}; {@code number_type} is one of {@link RateCategory}
 * (case-insensitive). Every line must use the deck's one currency (that of the first rate line).
 */
public final class RateDeckCsvParser {

    public static final String HEADER = "prefix,destination,currency,price_per_minute,connect_fee,"
            + "initial_increment,subsequent_increment,tax_mode,tax_percent,number_type";
    private static final int FIELDS = 10;

    private RateDeckCsvParser() {
    }

    /** Parses {@code file}, naming the table after the file. */
    public static RateTable parse(Path file) throws RateDeckException, IOException {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return parse(file.getFileName().toString(), reader);
        }
    }

    /** Parses CSV text held in memory. */
    public static RateTable parse(String name, String csv) throws RateDeckException {
        try {
            return parse(name, new StringReader(csv));
        } catch (IOException e) {
            throw new IllegalStateException("reading a string failed", e);
        }
    }

    /** Parses {@code reader} into a table called {@code name}, or rejects it whole. */
    public static RateTable parse(String name, Reader reader) throws RateDeckException, IOException {
        BufferedReader in = reader instanceof BufferedReader b ? b : new BufferedReader(reader);
        List<RateDeckError> errors = new ArrayList<>();
        List<Rate> rates = new ArrayList<>();
        Map<String, Integer> prefixLines = new HashMap<>();
        String currency = null;
        boolean headerSeen = false;
        int lineNumber = 0;
        String line;
        while ((line = in.readLine()) != null) {
            lineNumber++;
            if (lineNumber == 1 && !line.isEmpty() && line.charAt(0) == '\uFEFF') {
                line = line.substring(1); // byte-order mark
            }
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            List<String> fields = split(trimmed);
            if (fields == null) {
                errors.add(new RateDeckError(lineNumber, "unterminated quote"));
                continue;
            }
            if (!headerSeen) {
                headerSeen = true;
                String header = String.join(",", fields.stream().map(f -> f.strip().toLowerCase(Locale.ROOT)).toList());
                if (!header.equals(HEADER)) {
                    errors.add(new RateDeckError(lineNumber, "header must be '" + HEADER + "', got '" + trimmed + "'"));
                    break; // without the right columns no line can be read
                }
                continue;
            }
            if (fields.size() != FIELDS) {
                errors.add(new RateDeckError(lineNumber, "expected " + FIELDS + " fields, got " + fields.size()));
                continue;
            }
            List<String> problems = new ArrayList<>();
            Rate rate = rate(fields, problems);
            if (rate != null) {
                if (currency == null) {
                    currency = rate.currency();
                } else if (!currency.equals(rate.currency())) {
                    problems.add("currency " + rate.currency() + " differs from the deck's currency " + currency);
                }
                Integer earlier = prefixLines.putIfAbsent(rate.prefix(), lineNumber);
                if (earlier != null) {
                    problems.add("prefix '" + rate.prefix() + "' already defined on line " + earlier);
                }
            }
            if (problems.isEmpty()) {
                rates.add(rate);
            } else {
                for (String problem : problems) {
                    errors.add(new RateDeckError(lineNumber, problem));
                }
            }
        }
        if (!headerSeen) {
            errors.add(new RateDeckError(Math.max(1, lineNumber), "no header line; expected '" + HEADER + "'"));
        } else if (errors.isEmpty() && rates.isEmpty()) {
            errors.add(new RateDeckError(lineNumber, "the deck has no rates"));
        }
        if (!errors.isEmpty()) {
            throw new RateDeckException(name, errors);
        }
        return RateTable.of(name, rates);
    }

    /** Builds the rate of one line, adding what is wrong with each field to {@code problems}. */
    private static Rate rate(List<String> f, List<String> problems) {
        String prefix = f.get(0).strip();
        if (!prefix.chars().allMatch(c -> c >= '0' && c <= '9')) {
            problems.add("prefix '" + prefix + "' must be digits only");
        }
        String destination = f.get(1).strip();
        if (destination.isEmpty()) {
            problems.add("destination is empty");
        }
        String currency = f.get(2).strip();
        Money price = money("price_per_minute", f.get(3), currency, problems);
        Money connect = money("connect_fee", f.get(4), currency, problems);
        int initial = seconds("initial_increment", f.get(5), problems);
        int subsequent = seconds("subsequent_increment", f.get(6), problems);
        TaxMode mode = null;
        switch (f.get(7).strip().toLowerCase(Locale.ROOT)) {
            case "included" -> mode = TaxMode.INCLUDED;
            case "added" -> mode = TaxMode.ADDED;
            default -> problems.add("tax_mode must be 'included' or 'added', got '" + f.get(7).strip() + "'");
        }
        int basisPoints = percent(f.get(8), problems);
        RateCategory category = null;
        try {
            category = RateCategory.valueOf(f.get(9).strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            problems.add("number_type must be one of " + java.util.Arrays.toString(RateCategory.values())
                    + ", got '" + f.get(9).strip() + "'");
        }
        if (!problems.isEmpty()) {
            return null;
        }
        return new Rate(prefix, destination, price, connect, initial, subsequent, new Tax(mode, basisPoints), category);
    }

    private static Money money(String field, String text, String currency, List<String> problems) {
        try {
            Money m = Money.parse(text.strip(), currency);
            if (m.isNegative()) {
                problems.add(field + " must not be negative, got " + text.strip());
                return null;
            }
            if (m.micros() > Rate.MAX_PRICE.micros()) {
                problems.add(field + " must be at most 1000000 (a larger figure is a typo or a shifted column), got "
                        + text.strip());
                return null;
            }
            return m;
        } catch (IllegalArgumentException e) {
            problems.add(field + ": " + e.getMessage());
            return null;
        }
    }

    private static int seconds(String field, String text, List<String> problems) {
        try {
            int s = Integer.parseInt(text.strip());
            if (s <= 0 || s > 3600) {
                problems.add(field + " must be 1..3600 seconds, got " + s);
            }
            return s;
        } catch (NumberFormatException e) {
            problems.add(field + " must be a whole number of seconds, got '" + text.strip() + "'");
            return 0;
        }
    }

    private static int percent(String text, List<String> problems) {
        try {
            Money m = Money.parse(text.strip(), "XXX");
            if (m.isNegative() || m.micros() > 100 * Money.MICROS_PER_UNIT || m.micros() % 10_000 != 0) {
                problems.add("tax_percent must be 0..100 with at most two decimals, got '" + text.strip() + "'");
                return 0;
            }
            return Math.toIntExact(m.micros() / 10_000);
        } catch (IllegalArgumentException e) {
            problems.add("tax_percent: " + e.getMessage());
            return 0;
        }
    }

    /** Splits one CSV line; null if a quote is left open. */
    private static List<String> split(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    field.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                out.add(field.toString());
                field.setLength(0);
            } else {
                field.append(c);
            }
        }
        if (quoted) {
            return null;
        }
        out.add(field.toString());
        return out;
    }
}
