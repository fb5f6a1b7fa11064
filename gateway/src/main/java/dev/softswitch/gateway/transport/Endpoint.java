package dev.softswitch.gateway.transport;

import java.net.InetSocketAddress;
import java.util.Objects;

/** A remote SIP peer: socket address plus the transport used to reach it. */
public record Endpoint(InetSocketAddress address, TransportType transport) {

    public Endpoint {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(transport, "transport");
    }

    public static Endpoint of(String host, int port, TransportType transport) {
        return new Endpoint(new InetSocketAddress(host, port), transport);
    }

    @Override
    public String toString() {
        return transport + ":" + address.getHostString() + ":" + address.getPort();
    }
}
