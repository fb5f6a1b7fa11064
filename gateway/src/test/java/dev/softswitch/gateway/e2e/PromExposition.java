package dev.softswitch.gateway.e2e;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * A {@code /metrics} scrape in the Prometheus text format, parsed into its samples and the {@code # TYPE}
 * of each family, so a test can turn the real output into {@code promtool test rules} input series.
 */
final class PromExposition {

    /** Sample names a counter, histogram or summary family writes, by suffix. */
    private static final List<String> MONOTONIC_SUFFIXES = List.of("", "_total", "_bucket", "_count", "_sum");
    private static final Set<String> MONOTONIC_TYPES = Set.of("counter", "histogram", "summary");

    /** One sample line: the metric name, its labels (sorted by name) and its value. */
    record Sample(String name, Map<String, String> labels, double value) {

        Sample {
            labels = Map.copyOf(labels);
        }

        /** The series in PromQL / promtool notation, {@code name{a="x",b="y"}}, labels sorted. */
        String series() {
            return name + new TreeMap<>(labels).entrySet().stream()
                    .map(e -> e.getKey() + "=\"" + escape(e.getValue()) + '"')
                    .collect(Collectors.joining(",", "{", "}"));
        }

        Sample withLabels(Map<String, String> replaced) {
            Map<String, String> l = new TreeMap<>(labels);
            l.putAll(replaced);
            return new Sample(name, l, value);
        }
    }

    private final List<Sample> samples;
    private final Map<String, String> types;

    private PromExposition(List<Sample> samples, Map<String, String> types) {
        this.samples = List.copyOf(samples);
        this.types = Map.copyOf(types);
    }

    static PromExposition parse(String text) {
        List<Sample> samples = new ArrayList<>();
        Map<String, String> types = new HashMap<>();
        int lineNo = 0;
        for (String line : text.split("\n")) {
            lineNo++;
            if (line.startsWith("# TYPE ")) {
                String[] parts = line.split(" ");
                types.put(parts[2], parts[3]);
            } else if (!line.isBlank() && !line.startsWith("#")) {
                samples.add(parseSample(line, lineNo));
            }
        }
        return new PromExposition(samples, types);
    }

    List<Sample> samples() {
        return samples;
    }

    /**
     * Whether a sample only ever grows: it belongs to a counter, histogram or summary family and is
     * not a summary's quantile.
     */
    boolean monotonic(Sample s) {
        if (s.labels().containsKey("quantile")) {
            return false;
        }
        for (String suffix : MONOTONIC_SUFFIXES) {
            if (s.name().endsWith(suffix)) {
                String family = s.name().substring(0, s.name().length() - suffix.length());
                if (MONOTONIC_TYPES.contains(types.getOrDefault(family, "untyped"))) {
                    return true;
                }
            }
        }
        return false;
    }

    private static Sample parseSample(String line, int lineNo) {
        int i = 0;
        while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ') {
            i++;
        }
        String name = line.substring(0, i);
        Map<String, String> labels = new LinkedHashMap<>();
        if (i < line.length() && line.charAt(i) == '{') {
            i++;
            while (line.charAt(i) != '}') {
                int eq = line.indexOf('=', i);
                String key = line.substring(i, eq).trim();
                if (line.charAt(eq + 1) != '"') {
                    throw new IllegalArgumentException("/metrics line " + lineNo + ": label " + key + " not quoted: " + line);
                }
                StringBuilder value = new StringBuilder();
                int j = eq + 2;
                for (; line.charAt(j) != '"'; j++) {
                    char c = line.charAt(j);
                    if (c == '\\') {
                        char next = line.charAt(++j);
                        value.append(next == 'n' ? '\n' : next);
                    } else {
                        value.append(c);
                    }
                }
                labels.put(key, value.toString());
                i = j + 1;
                if (line.charAt(i) == ',') {
                    i++;
                }
            }
            i++;
        }
        String[] rest = line.substring(i).trim().split("\\s+");
        return new Sample(name, labels, number(rest[0], lineNo));
    }

    private static double number(String text, int lineNo) {
        return switch (text) {
            case "+Inf", "Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> {
                try {
                    yield Double.parseDouble(text);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("/metrics line " + lineNo + ": not a number: " + text, e);
                }
            }
        };
    }

    /** A value in promtool's series notation. */
    static String format(double value) {
        if (Double.isNaN(value)) {
            return "NaN";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "Inf" : "-Inf";
        }
        return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }

    static String escape(String labelValue) {
        return labelValue.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
