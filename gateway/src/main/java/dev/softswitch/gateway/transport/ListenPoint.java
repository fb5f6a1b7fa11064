package dev.softswitch.gateway.transport;

import io.netty.handler.ssl.SslContext;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * A local address the transport binds for one transport; port 0 picks a free port (tests). A TLS
 * listen point carries the server context holding its certificate and key; others carry none.
 */
public record ListenPoint(TransportType transport, String host, int port, SslContext tls) {

    public ListenPoint {
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(host, "host");
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        if ((transport == TransportType.TLS) != (tls != null)) {
            throw new IllegalArgumentException(transport == TransportType.TLS
                    ? "a TLS listen point needs a server context" : transport + " listen points carry no TLS context");
        }
        if (tls != null && !tls.isServer()) {
            throw new IllegalArgumentException("a TLS listen point needs a server context, not a client one");
        }
    }

    /** A UDP or TCP listen point. */
    public ListenPoint(TransportType transport, String host, int port) {
        this(transport, host, port, null);
    }

    /** A TLS listen point presenting {@code server}'s certificate. */
    public static ListenPoint tls(String host, int port, SslContext server) {
        return new ListenPoint(TransportType.TLS, host, port, server);
    }

    public InetSocketAddress socketAddress() {
        return new InetSocketAddress(host, port);
    }

    @Override
    public String toString() {
        return transport + " " + host + ":" + port;
    }
}
