package dev.softswitch.gateway.config;

import dev.softswitch.gateway.config.YamlNode.Entry;
import dev.softswitch.gateway.config.YamlNode.Kind;
import dev.softswitch.gateway.config.YamlNode.Mark;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Reads the keys of one YAML mapping, recording a located problem for each missing, mistyped or
 * unknown key instead of stopping at the first, and builds the record only when the mapping is clean.
 * Readers return {@code null} where a problem was recorded.
 */
final class MappingReader {

    private final YamlNode.Mapping node;
    private final String path;
    private final Problems problems;
    private final int problemsBefore;
    private final Set<String> known = new LinkedHashSet<>();

    private MappingReader(YamlNode.Mapping node, String path, Problems problems) {
        this.node = node;
        this.path = path;
        this.problems = problems;
        this.problemsBefore = problems.count();
    }

    /** A reader for {@code node}, or null (with a problem recorded) when it is not a mapping. */
    static MappingReader of(YamlNode node, String path, String example, Problems problems) {
        if (node instanceof YamlNode.Mapping m) {
            return new MappingReader(m, path, problems);
        }
        problems.add(node.mark(), path, "expected keys and values here, found " + node.describe()
                + " (e.g. " + example + ")");
        return null;
    }

    /** A required scalar, as its source text. */
    String text(String key, String example) {
        YamlNode v = required(key, example);
        return v == null ? null : scalar(key, v, example);
    }

    /** An optional scalar, as its source text, or {@code fallback} when the key is absent. */
    String text(String key, String example, String fallback) {
        YamlNode v = optional(key);
        return v == null ? fallback : scalar(key, v, example);
    }

    /** A required whole number that fits an {@code int}. */
    Integer integer(String key, String example) {
        YamlNode v = required(key, example);
        if (v == null) {
            return null;
        }
        if (!(v instanceof YamlNode.Scalar s) || s.kind() != Kind.INTEGER) {
            problems.add(v.mark(), pathOf(key), v.describe() + " is not a whole number (use e.g. " + example + ")");
            return null;
        }
        try {
            return Integer.valueOf(s.text().startsWith("+") ? s.text().substring(1) : s.text());
        } catch (NumberFormatException e) {
            problems.add(v.mark(), pathOf(key), s.text() + " is too large (use e.g. " + example + ")");
            return null;
        }
    }

    /** An optional whole number, or {@code fallback} when absent. */
    Integer integer(String key, String example, int fallback) {
        return node.entries().containsKey(key) ? integer(key, example) : Integer.valueOf(fallback);
    }

    /** A required scalar converted by {@code parse}, which returns null for text it refuses. */
    <T> T parsed(String key, String example, Function<String, T> parse, String expected) {
        String text = text(key, example);
        return text == null ? null : convert(key, text, parse, expected, example);
    }

    /** A required nested mapping, read by {@code reader}. */
    <T> T mapping(String key, String example, Function<MappingReader, T> reader) {
        YamlNode v = required(key, example);
        return v == null ? null : read(v, pathOf(key), example, reader);
    }

    /** An optional nested mapping, or {@code fallback} when absent. */
    <T> T mapping(String key, String example, Function<MappingReader, T> reader, T fallback) {
        YamlNode v = optional(key);
        return v == null ? fallback : read(v, pathOf(key), example, reader);
    }

    /** A required list of scalars. */
    List<String> texts(String key, String example) {
        List<YamlNode> items = sequence(key, example);
        if (items == null) {
            return null;
        }
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            texts.add(scalar(key + "[" + i + "]", items.get(i), example));
        }
        return texts.contains(null) ? null : texts;
    }

    /** An optional list of scalars, or {@code fallback} when the key is absent. */
    List<String> texts(String key, String example, List<String> fallback) {
        return present(key) ? texts(key, example) : fallback;
    }

    /** An optional list of whole numbers, or {@code fallback} when the key is absent. */
    List<Integer> integers(String key, String example, List<Integer> fallback) {
        if (!present(key)) {
            return fallback;
        }
        List<YamlNode> items = sequence(key, example);
        if (items == null) {
            return null;
        }
        List<Integer> values = new ArrayList<>();
        boolean ok = true;
        for (int i = 0; i < items.size(); i++) {
            YamlNode v = items.get(i);
            if (v instanceof YamlNode.Scalar s && s.kind() == Kind.INTEGER && s.text().length() < 10) {
                values.add(Integer.valueOf(s.text().startsWith("+") ? s.text().substring(1) : s.text()));
            } else {
                problems.add(v.mark(), pathOf(key) + "[" + i + "]", v.describe()
                        + " is not a whole number (use e.g. " + example + ")");
                ok = false;
            }
        }
        return ok ? values : null;
    }

    /** An optional {@code true} or {@code false}, or {@code fallback} when the key is absent. */
    Boolean bool(String key, boolean fallback) {
        String text = text(key, "true", null);
        if (text == null) {
            return present(key) ? null : Boolean.valueOf(fallback);
        }
        if (text.equals("true") || text.equals("false")) {
            return Boolean.valueOf(text);
        }
        problems.add(node.entries().get(key).value().mark(), pathOf(key), "\"" + text
                + "\" is not true or false (use true or false)");
        return null;
    }

    /** An optional scalar converted by {@code parse} (null for refused text), or null when absent. */
    <T> T parsedOrNull(String key, String example, Function<String, T> parse, String expected) {
        return present(key) ? parsed(key, example, parse, expected) : null;
    }

    /** An optional list of mappings, or {@code fallback} when the key is absent. */
    <T> List<T> mappings(String key, String example, String uniqueKey, String what,
                         Function<MappingReader, T> reader, List<T> fallback) {
        return present(key) ? mappings(key, example, uniqueKey, what, reader) : fallback;
    }

    /** Whether the mapping has {@code key}; marks the key as known either way. */
    boolean present(String key) {
        known.add(key);
        return node.entries().containsKey(key);
    }

    /**
     * A required list of mappings, each read by {@code reader}. When {@code uniqueKey} is given, two
     * items with the same value there are a problem naming both lines.
     */
    <T> List<T> mappings(String key, String example, String uniqueKey, String what,
                         Function<MappingReader, T> reader) {
        List<YamlNode> items = sequence(key, example);
        if (items == null) {
            return null;
        }
        Map<String, Mark> seen = new HashMap<>();
        List<T> values = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            String itemPath = pathOf(key) + "[" + i + "]";
            if (uniqueKey != null && items.get(i) instanceof YamlNode.Mapping m
                    && m.entries().get(uniqueKey) != null
                    && m.entries().get(uniqueKey).value() instanceof YamlNode.Scalar s && s.kind() != Kind.NULL) {
                Mark first = seen.putIfAbsent(s.text(), s.mark());
                if (first != null) {
                    problems.add(s.mark(), itemPath + "." + uniqueKey, "duplicate " + what + " \"" + s.text()
                            + "\" at lines " + first.line() + " and " + s.mark().line() + " (keep one of them)");
                }
            }
            values.add(read(items.get(i), itemPath, example, reader));
        }
        return values.contains(null) ? null : values;
    }

    /**
     * Runs {@code constructor} unless a problem was recorded in this mapping or below it; a value the
     * record refuses becomes a problem at that key.
     */
    <T> T build(Supplier<T> constructor) {
        rejectUnknownKeys();
        if (problems.count() > problemsBefore) {
            return null;
        }
        try {
            return constructor.get();
        } catch (InvalidValueException e) {
            Entry entry = node.entries().get(e.field());
            problems.add(entry == null ? node.mark() : entry.value().mark(), pathOf(e.field()), e.problem());
            return null;
        }
    }

    private <T> T convert(String key, String text, Function<String, T> parse, String expected, String example) {
        T value = parse.apply(text);
        if (value == null) {
            problems.add(node.entries().get(key).value().mark(), pathOf(key),
                    "\"" + text + "\" is not " + expected + " (use e.g. " + example + ")");
        }
        return value;
    }

    private <T> T read(YamlNode v, String childPath, String example, Function<MappingReader, T> reader) {
        MappingReader child = of(v, childPath, example, problems);
        return child == null ? null : reader.apply(child);
    }

    private List<YamlNode> sequence(String key, String example) {
        YamlNode v = required(key, example);
        if (v == null) {
            return null;
        }
        if (v instanceof YamlNode.Sequence s) {
            return s.items();
        }
        problems.add(v.mark(), pathOf(key), "expected a list here, found " + v.describe() + " (e.g. " + example + ")");
        return null;
    }

    private String scalar(String key, YamlNode v, String example) {
        if (v instanceof YamlNode.Scalar s && s.kind() != Kind.NULL) {
            return s.text();
        }
        problems.add(v.mark(), pathOf(key), "expected a single value, found " + v.describe()
                + " (use e.g. " + example + ")");
        return null;
    }

    private YamlNode required(String key, String example) {
        known.add(key);
        Entry entry = node.entries().get(key);
        if (entry == null) {
            problems.add(node.mark(), path, "missing key " + key + " (add " + key + ": " + example + ")");
            return null;
        }
        if (entry.value() instanceof YamlNode.Scalar s && s.kind() == Kind.NULL) {
            problems.add(entry.value().mark(), pathOf(key), "no value given (use e.g. " + example + ")");
            return null;
        }
        return entry.value();
    }

    private YamlNode optional(String key) {
        known.add(key);
        Entry entry = node.entries().get(key);
        return entry == null ? null : entry.value();
    }

    private void rejectUnknownKeys() {
        for (Entry entry : node.entries().values()) {
            if (!known.contains(entry.key())) {
                problems.add(entry.keyMark(), pathOf(entry.key()), "unknown key (" + suggestion(entry.key()) + ")");
            }
        }
    }

    private String suggestion(String key) {
        for (String k : known) {
            if (k.toLowerCase(Locale.ROOT).equals(key.toLowerCase(Locale.ROOT)) || editDistance(k, key) <= 2) {
                return "did you mean " + k + "?";
            }
        }
        return "use one of " + String.join(", ", known);
    }

    private String pathOf(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    private static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
