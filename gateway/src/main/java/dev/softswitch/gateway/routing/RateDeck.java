package dev.softswitch.gateway.routing;

import dev.softswitch.gateway.config.ConfigException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A trunk's buy-rate deck: what the carrier charges per minute for numbers starting with each E.164
 * digit prefix, in micro-units of the deck's currency (1 USD = 1,000,000), so that 0.012 is exactly
 * 12,000. Read from CSV lines {@code prefix,rate} (a {@code prefix,rate} header, blank lines and
 * {@code #} comments allowed); a file with any bad line is refused whole, naming every bad line.
 */
public final class RateDeck {

    public static final RateDeck EMPTY = new RateDeck(Map.of());

    private static final int MAX_DECIMALS = 6;
    private static final long MICROS = 1_000_000L;
    private static final long[] POW10 = {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000};

    private final Map<String, Long> rates;
    private final String currency;

    private RateDeck(Map<String, Long> rates) {
        this(rates, null);
    }

    private RateDeck(Map<String, Long> rates, String currency) {
        this.rates = Collections.unmodifiableMap(rates);
        this.currency = currency;
    }

    /** This deck priced in {@code newCurrency} (ISO 4217). */
    public RateDeck withCurrency(String newCurrency) {
        return new RateDeck(rates, newCurrency);
    }

    /** The currency the deck's rates are in; null when unknown (an empty deck). */
    public String currency() {
        return currency;
    }

    /** A deck from prefix to micro-units per minute. */
    public static RateDeck of(Map<String, Long> rates) {
        rates.forEach((p, r) -> {
            if (!p.chars().allMatch(c -> c >= '0' && c <= '9') || p.length() > 15 || r < 0) {
                throw new IllegalArgumentException("bad deck entry " + p + "=" + r);
            }
        });
        return new RateDeck(new HashMap<>(rates));
    }

    /** Reads a CSV deck; problems name the file as given and the line. */
    public static RateDeck load(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read the rate deck: " + e + " (check the path in rates:)");
        }
        return parse(text, file.toString());
    }

    /** Parses CSV text; {@code source} names the file in problem lines ({@code source:line:column: ...}). */
    public static RateDeck parse(String csv, String source) {
        Map<String, Long> rates = new HashMap<>();
        Map<String, Integer> lineOf = new HashMap<>();
        List<String> problems = new ArrayList<>();
        String[] lines = csv.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            int lineNo = i + 1;
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#") || (lineNo == 1 && line.equalsIgnoreCase("prefix,rate"))) {
                continue;
            }
            String[] cells = line.split(",", -1);
            if (cells.length != 2) {
                problems.add(source + ":" + lineNo + ":1: expected prefix,rate (two cells), found " + cells.length
                        + " (e.g. 4420,0.0125)");
                continue;
            }
            String prefix = cells[0].strip();
            String rate = cells[1].strip();
            if (prefix.isEmpty() || prefix.length() > 15 || !prefix.chars().allMatch(c -> c >= '0' && c <= '9')) {
                problems.add(source + ":" + lineNo + ":1: \"" + prefix + "\" is not a digit prefix"
                        + " (use 1 to 15 digits without + or spaces, e.g. 4420)");
                continue;
            }
            String rateProblem = rateProblem(rate);
            if (rateProblem != null) {
                problems.add(source + ":" + lineNo + ":" + (lines[i].indexOf(',') + 2) + ": \"" + rate + "\" " + rateProblem);
                continue;
            }
            Integer earlier = lineOf.putIfAbsent(prefix, lineNo);
            if (earlier != null) {
                problems.add(source + ":" + lineNo + ":1: duplicate prefix " + prefix + ", already at line " + earlier
                        + " (keep one of them)");
                continue;
            }
            rates.put(prefix, parseMicros(rate));
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return new RateDeck(rates);
    }

    /** The rate of the longest prefix of {@code digits} in the deck, in micro-units a minute, or -1. */
    public long rateMicros(String digits) {
        for (int len = Math.min(15, digits.length()); len >= 1; len--) {
            Long r = rates.get(digits.substring(0, len));
            if (r != null) {
                return r;
            }
        }
        return -1;
    }

    /** Prefix to micro-units per minute. */
    public Map<String, Long> rates() {
        return rates;
    }

    public int size() {
        return rates.size();
    }

    private static String rateProblem(String rate) {
        if (rate.startsWith("-")) {
            return "is negative (use 0 or more)";
        }
        int dot = rate.indexOf('.');
        String whole = dot < 0 ? rate : rate.substring(0, dot);
        String frac = dot < 0 ? "" : rate.substring(dot + 1);
        if (whole.isEmpty() || !whole.chars().allMatch(c -> c >= '0' && c <= '9')
                || (dot >= 0 && (frac.isEmpty() || !frac.chars().allMatch(c -> c >= '0' && c <= '9')))) {
            return "is not a decimal rate (use digits with at most 6 decimals, e.g. 0.0125)";
        }
        if (frac.length() > MAX_DECIMALS) {
            return "has more than 6 decimals (round it to at most 6)";
        }
        if (whole.length() > 9) {
            return "is too large for a per-minute rate";
        }
        return null;
    }

    /** {@code "0.0125"} to 12,500; the text has passed {@link #rateProblem}. */
    static long parseMicros(String rate) {
        int dot = rate.indexOf('.');
        long whole = Long.parseLong(dot < 0 ? rate : rate.substring(0, dot));
        long frac = 0;
        if (dot >= 0) {
            String f = rate.substring(dot + 1);
            frac = Long.parseLong(f) * POW10[MAX_DECIMALS - f.length()];
        }
        return Math.addExact(Math.multiplyExact(whole, MICROS), frac);
    }
}
