package dev.softswitch.gateway.config;

import java.util.List;
import java.util.Map;

/** A YAML value together with the place it was read from, so that every problem can name its line. */
sealed interface YamlNode permits YamlNode.Scalar, YamlNode.Sequence, YamlNode.Mapping {

    Mark mark();

    /** How the node reads in a problem line, e.g. {@code "abc"} or {@code a list}. */
    String describe();

    /** A 1-based line and column. */
    record Mark(int line, int column) implements Comparable<Mark> {
        @Override
        public int compareTo(Mark o) {
            return line != o.line ? Integer.compare(line, o.line) : Integer.compare(column, o.column);
        }
    }

    enum Kind { STRING, INTEGER, OTHER, NULL }

    /** A scalar keeps its source text, so {@code 0.0530} stays exact and {@code NO} stays a string. */
    record Scalar(String text, Kind kind, Mark mark) implements YamlNode {
        @Override
        public String describe() {
            return kind == Kind.NULL ? "no value" : "\"" + text + "\"";
        }
    }

    record Sequence(List<YamlNode> items, Mark mark) implements YamlNode {
        @Override
        public String describe() {
            return "a list";
        }
    }

    record Entry(String key, Mark keyMark, YamlNode value) {
    }

    /** Entries in file order. */
    record Mapping(Map<String, Entry> entries, Mark mark) implements YamlNode {
        @Override
        public String describe() {
            return "a mapping";
        }
    }
}
