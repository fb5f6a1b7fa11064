package dev.softswitch.gateway.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import dev.softswitch.gateway.config.YamlNode.Entry;
import dev.softswitch.gateway.config.YamlNode.Kind;
import dev.softswitch.gateway.config.YamlNode.Mark;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Builds a {@link YamlNode} tree from Jackson's YAML token stream, keeping each token's location.
 * Refuses what a plain tree would hide: duplicate keys, aliases and a second document.
 */
final class YamlTreeReader {

    private static final YAMLFactory FACTORY = new YAMLFactory();

    private final YAMLParser parser;
    private final String source;

    private YamlTreeReader(YAMLParser parser, String source) {
        this.parser = parser;
        this.source = source;
    }

    static YamlNode read(String text, String source) {
        try (YAMLParser parser = FACTORY.createParser(text)) {
            YamlTreeReader reader = new YamlTreeReader(parser, source);
            JsonToken first = parser.nextToken();
            if (first == null) {
                throw new ConfigException(ConfigException.format(source, 1, 1, "",
                        "the file is empty (start from " + GatewayConfig.DEFAULT_RESOURCE + ")"));
            }
            YamlNode root = reader.value(first, "");
            if (parser.nextToken() != null) {
                throw reader.problem(reader.mark(), "", "a second YAML document starts here, after a --- line"
                        + " (keep the whole configuration in one document)");
            }
            return root;
        } catch (JsonProcessingException e) {
            throw syntaxError(e, source);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // reading from a String does not fail
        }
    }

    private YamlNode value(JsonToken token, String path) throws IOException {
        Mark mark = mark();
        if (parser.isCurrentAlias()) {
            throw problem(mark, path, "aliases (*" + parser.getText() + ") are not supported (write the value out)");
        }
        switch (token) {
            case START_OBJECT:
                return mapping(mark, path);
            case START_ARRAY:
                return sequence(mark, path);
            case VALUE_NULL:
                return new YamlNode.Scalar("", Kind.NULL, mark);
            case VALUE_STRING:
                return new YamlNode.Scalar(parser.getText(), Kind.STRING, mark);
            case VALUE_NUMBER_INT:
                return new YamlNode.Scalar(parser.getText(), Kind.INTEGER, mark);
            default:
                return new YamlNode.Scalar(parser.getText(), Kind.OTHER, mark);
        }
    }

    private YamlNode.Mapping mapping(Mark mark, String path) throws IOException {
        Map<String, Entry> entries = new LinkedHashMap<>();
        JsonToken t;
        while ((t = parser.nextToken()) == JsonToken.FIELD_NAME) {
            String key = parser.currentName();
            Mark keyMark = mark();
            String childPath = path.isEmpty() ? key : path + "." + key;
            Entry earlier = entries.get(key);
            if (earlier != null) {
                throw problem(keyMark, childPath, "duplicate key, already at line " + earlier.keyMark().line()
                        + " (keep one of them)");
            }
            YamlNode value = value(parser.nextToken(), childPath);
            entries.put(key, new Entry(key, keyMark, value));
        }
        if (t != JsonToken.END_OBJECT) {
            throw new IllegalStateException("unexpected token " + t + " in a YAML mapping");
        }
        return new YamlNode.Mapping(Collections.unmodifiableMap(entries), mark);
    }

    private YamlNode.Sequence sequence(Mark mark, String path) throws IOException {
        List<YamlNode> items = new ArrayList<>();
        JsonToken t;
        while ((t = parser.nextToken()) != JsonToken.END_ARRAY) {
            if (t == null) {
                throw new IllegalStateException("YAML sequence ended without END_ARRAY");
            }
            items.add(value(t, path + "[" + items.size() + "]"));
        }
        return new YamlNode.Sequence(List.copyOf(items), mark);
    }

    private Mark mark() {
        JsonLocation l = parser.currentTokenLocation();
        return new Mark(l.getLineNr(), l.getColumnNr());
    }

    private ConfigException problem(Mark mark, String path, String problem) {
        return new ConfigException(ConfigException.format(source, mark.line(), mark.column(), path, problem));
    }

    /** Turns a SnakeYAML scanner or parser error into one line pointing at the problem. */
    private static ConfigException syntaxError(JsonProcessingException e, String source) {
        if (e.getCause() instanceof MarkedYAMLException m && m.getProblemMark() != null) {
            String problem = m.getProblem() == null ? "" : m.getProblem()
                    .replace(" (Do not use \\t(TAB) for indentation)", "")
                    .replace("character '\\t(TAB)'", "a tab")
                    .replaceAll("\\.$", "")
                    .trim();
            StringBuilder fix = new StringBuilder();
            if (m.getContext() != null && m.getContextMark() != null) {
                fix.append(m.getContext().trim()).append(" that starts at ")
                        .append(m.getContextMark().getLine() + 1).append(':')
                        .append(m.getContextMark().getColumn() + 1).append("; ");
            }
            fix.append(hint(problem));
            return new ConfigException(ConfigException.format(source, m.getProblemMark().getLine() + 1,
                    m.getProblemMark().getColumn() + 1, "", "YAML syntax error: " + problem + " (" + fix + ")"));
        }
        JsonLocation l = e.getLocation();
        int line = l == null ? 1 : Math.max(1, l.getLineNr());
        int column = l == null ? 1 : Math.max(1, l.getColumnNr());
        return new ConfigException(ConfigException.format(source, line, column, "",
                "YAML syntax error: " + e.getOriginalMessage().trim() + " (" + hint("") + ")"));
    }

    private static String hint(String problem) {
        if (problem.contains("a tab")) {
            return "indent with spaces, not tabs";
        }
        if (problem.contains("mapping values are not allowed")) {
            return "quote a value that contains ': ', or check the indentation";
        }
        if (problem.contains("end of stream")) {
            return "close the quote or bracket";
        }
        return "check the indentation, quotes and brackets";
    }
}
