package dev.softswitch.gateway.config;

import java.util.List;

/**
 * A configuration that refuses to load. Each problem is one line of the form
 * {@code file:line:column: path: what is wrong (how to fix it)}; the message joins them.
 */
public final class ConfigException extends RuntimeException {

    private final List<String> problems;

    public ConfigException(List<String> problems) {
        super(String.join("\n", problems));
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a ConfigException needs at least one problem");
        }
        this.problems = List.copyOf(problems);
    }

    public ConfigException(String problem) {
        this(List.of(problem));
    }

    /** The problems found, in file order, one line each. */
    public List<String> problems() {
        return problems;
    }

    /** Formats one problem line; the path is left out when empty. */
    static String format(String source, int line, int column, String path, String problem) {
        return source + ":" + line + ":" + column + ": " + (path.isEmpty() ? "" : path + ": ") + problem;
    }
}
