package dev.softswitch.gateway.config;

/** Where call detail records are appended, one JSON object a line. */
public record CdrConfig(String file) {

    public CdrConfig {
        Checks.notBlank("file", file);
    }
}
