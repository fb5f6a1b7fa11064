package dev.softswitch.gateway.transport;

import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/** An {@link EmbeddedChannel} whose peer is {@link #REMOTE}, as a TCP connection from it would be. */
final class RemoteEmbeddedChannel extends EmbeddedChannel {

    /** TEST-NET-1 (RFC 5737): differs from any Via sent-by in these tests. */
    static final InetSocketAddress REMOTE = new InetSocketAddress("192.0.2.10", 40_000);

    RemoteEmbeddedChannel(ChannelHandler... handlers) {
        super(handlers);
    }

    @Override
    protected SocketAddress remoteAddress0() {
        return REMOTE;
    }
}
