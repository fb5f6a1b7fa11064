package dev.softswitch.gateway.config;

/** One SIP listening socket; {@code transport} is {@code udp} or {@code tcp} (TLS comes later). */
public record ListenConfig(String transport, String host, int port) {

    public ListenConfig {
        transport = Checks.transport("transport", transport);
        Checks.notBlank("host", host);
        Checks.port("port", port);
    }
}
