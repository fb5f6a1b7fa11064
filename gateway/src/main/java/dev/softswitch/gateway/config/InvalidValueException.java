package dev.softswitch.gateway.config;

/**
 * Thrown by a configuration record whose field holds a value it refuses. The loader turns it into a
 * {@link ConfigException} line that points at the field in the YAML file.
 */
public final class InvalidValueException extends IllegalArgumentException {

    private final String field;
    private final String problem;

    public InvalidValueException(String field, String problem) {
        super(field + ": " + problem);
        this.field = field;
        this.problem = problem;
    }

    /** The YAML key of the refused value, e.g. {@code port}. */
    public String field() {
        return field;
    }

    /** What is wrong and how to fix it, e.g. {@code 70000 is not a valid port (use 1..65535)}. */
    public String problem() {
        return problem;
    }
}
