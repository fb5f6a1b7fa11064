package dev.softswitch.gateway.config;

import java.util.List;

/**
 * The admin HTTP endpoint: open {@code /metrics} and {@code /health}, and the admin API under {@code /api/v1/}
 * for the bearer {@code tokens} (none: the API answers 401 to everyone). {@code allowedHosts} are the
 * {@code Host} header values the API accepts (DNS rebinding); empty means the bind address and port plus
 * their {@code localhost} and {@code 127.0.0.1} forms.
 */
public record HttpConfig(String host, int port, List<ApiTokenConfig> tokens, List<String> allowedHosts) {

    public HttpConfig {
        Checks.notBlank("host", host);
        Checks.port("port", port);
        tokens = List.copyOf(tokens);
        allowedHosts = List.copyOf(allowedHosts);
        for (String h : allowedHosts) {
            Checks.notBlank("allowedHosts", h);
        }
    }

    /** An endpoint without API tokens, allowing its default hosts. */
    public HttpConfig(String host, int port) {
        this(host, port, List.of(), List.of());
    }
}
