package dev.softswitch.gateway.config;

/** The admin HTTP endpoint serving {@code /metrics} and {@code /health}. */
public record HttpConfig(String host, int port) {

    public HttpConfig {
        Checks.notBlank("host", host);
        Checks.port("port", port);
    }
}
