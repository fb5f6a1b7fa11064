package dev.softswitch.gateway.transport;

import io.netty.handler.ssl.SslContext;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.net.ssl.SSLException;

/**
 * The client contexts of the TLS connections the gateway opens: one per configured peer (a trunk
 * whose certificate its own CA vouches for), and {@code fallback}, trusting the JDK's CAs, for the rest.
 */
public record SipTlsClients(SslContext fallback, Map<InetSocketAddress, SslContext> byPeer) {

    public SipTlsClients {
        Objects.requireNonNull(fallback, "fallback");
        byPeer = Map.copyOf(byPeer);
        if (!fallback.isClient() || byPeer.values().stream().anyMatch(c -> !c.isClient())) {
            throw new IllegalArgumentException("outbound TLS needs client contexts");
        }
    }

    /** The JDK's trusted CAs for every peer. */
    public static SipTlsClients jdkTrustStore() throws SSLException {
        return new SipTlsClients(SipTlsContexts.client(List.of()), Map.of());
    }

    /** The context that verifies {@code peer}. */
    public SslContext forPeer(InetSocketAddress peer) {
        return byPeer.getOrDefault(peer, fallback);
    }
}
