package dev.softswitch.gateway.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Function;

/**
 * Open stream connections by remote endpoint (address and transport: a TLS connection is never
 * reused for TCP, nor the reverse), inbound and outbound alike, so that requests and responses reuse
 * them (RFC 3261 §18.2.2, §18.1.1). Outbound ones are kept from the moment the connect starts, so
 * concurrent sends share one connection.
 */
public final class SipConnectionRegistry {

    private final ConcurrentMap<Endpoint, ChannelFuture> connections = new ConcurrentHashMap<>();

    void register(Channel channel, TransportType transport) {
        if (channel.remoteAddress() instanceof InetSocketAddress remote) {
            connections.put(new Endpoint(remote, transport), channel.newSucceededFuture());
        }
    }

    void unregister(Channel channel, TransportType transport) {
        if (channel.remoteAddress() instanceof InetSocketAddress remote) {
            connections.computeIfPresent(new Endpoint(remote, transport), (k, v) -> v.channel() == channel ? null : v);
        }
    }

    /** The open connection to {@code remote}, or null. */
    public Channel find(Endpoint remote) {
        ChannelFuture future = connections.get(remote);
        return future != null && future.isSuccess() && future.channel().isActive() ? future.channel() : null;
    }

    /** The connection to {@code remote}, connected or connecting, started by {@code connector} if needed. */
    ChannelFuture findOrConnect(Endpoint remote, Function<Endpoint, ChannelFuture> connector) {
        return connections.compute(remote, (k, existing) -> isUsable(existing) ? existing : watch(k, connector.apply(k)));
    }

    private ChannelFuture watch(Endpoint remote, ChannelFuture connecting) {
        connecting.channel().closeFuture().addListener(f -> connections.remove(remote, connecting));
        return connecting;
    }

    private static boolean isUsable(ChannelFuture future) {
        return future != null && (!future.isDone() || (future.isSuccess() && future.channel().isActive()));
    }

    /** Every connection known now, for closing. */
    List<Channel> channels() {
        List<Channel> channels = new ArrayList<>();
        connections.values().forEach(f -> channels.add(f.channel()));
        return channels;
    }

    public int size() {
        return connections.size();
    }
}
