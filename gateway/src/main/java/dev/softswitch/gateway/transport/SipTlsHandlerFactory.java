package dev.softswitch.gateway.transport;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.net.InetSocketAddress;

/** Makes the {@code SslHandler} at the head of one TLS connection: as a server, or as a client toward one peer. */
@FunctionalInterface
public interface SipTlsHandlerFactory {

    SslHandler newHandler(ByteBufAllocator alloc);

    /** Whether the connection was opened by the gateway (a client handshake). */
    default boolean outbound() {
        return false;
    }

    static SipTlsHandlerFactory server(SslContext context) {
        return context::newHandler;
    }

    /** A client toward {@code peer}: the peer's host (name or literal) is what its certificate must name (SNI too). */
    static SipTlsHandlerFactory client(SslContext context, InetSocketAddress peer) {
        return new SipTlsHandlerFactory() {
            @Override
            public SslHandler newHandler(ByteBufAllocator alloc) {
                return context.newHandler(alloc, peer.getHostString(), peer.getPort());
            }

            @Override
            public boolean outbound() {
                return true;
            }
        };
    }
}
