package dev.softswitch.gateway.config;

/**
 * One SIP listening socket; {@code transport} is {@code udp}, {@code tcp} or {@code tls}. A tls one
 * names its PEM {@code certificate} (chain) and private {@code key}, relative to the configuration
 * file; without both it gets a self-signed demo certificate at start (fit for loopback only).
 */
public record ListenConfig(String transport, String host, int port, String certificate, String key) {

    public ListenConfig {
        transport = Checks.transport("transport", transport);
        Checks.notBlank("host", host);
        Checks.port("port", port);
        if (!transport.equals("tls") && (certificate != null || key != null)) {
            throw new InvalidValueException(certificate != null ? "certificate" : "key", "only a tls listen point"
                    + " takes a certificate and key (remove it, or use transport: tls)");
        }
        if ((certificate == null) != (key == null)) {
            throw new InvalidValueException(certificate == null ? "key" : "certificate", "a tls listen point needs"
                    + " both certificate and key (add " + (certificate == null ? "certificate: cert.pem" : "key: key.pem")
                    + ", or leave both out for a self-signed demo certificate)");
        }
        if (certificate != null) {
            Checks.notBlank("certificate", certificate);
            Checks.notBlank("key", key);
        }
    }

    /** A listen point without certificate files. */
    public ListenConfig(String transport, String host, int port) {
        this(transport, host, port, null, null);
    }

    public boolean isTls() {
        return transport.equals("tls");
    }

    /** Whether the gateway makes a self-signed certificate for this listen point at start. */
    public boolean needsDemoCertificate() {
        return isTls() && certificate == null;
    }
}
