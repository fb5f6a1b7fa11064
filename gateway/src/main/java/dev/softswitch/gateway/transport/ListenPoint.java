package dev.softswitch.gateway.transport;

import java.net.InetSocketAddress;
import java.util.Objects;

/** A local address the transport binds for one transport; port 0 picks a free port (tests). */
public record ListenPoint(TransportType transport, String host, int port) {

    public ListenPoint {
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(host, "host");
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }

    public InetSocketAddress socketAddress() {
        return new InetSocketAddress(host, port);
    }
}
