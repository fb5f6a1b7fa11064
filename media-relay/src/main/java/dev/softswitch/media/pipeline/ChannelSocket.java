package dev.softswitch.media.pipeline;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A relay socket that is a Netty datagram channel: every relay socket where native epoll is not available (NIO);
 * on epoll they are {@link NativeRelaySocket}s. Pooled, it receives through its {@link PooledSocketHandler}.
 */
public final class ChannelSocket implements PooledSocket {

    private final Channel channel;
    private final PooledSocketHandler handler;

    /** {@code handler}: the channel's pooled-socket handler, {@code null} for a channel that is only sent out of. */
    public ChannelSocket(Channel channel, PooledSocketHandler handler) {
        this.channel = Objects.requireNonNull(channel, "channel");
        this.handler = handler;
    }

    /** A channel only sent out of (tests). */
    public ChannelSocket(Channel channel) {
        this(channel, null);
    }

    public Channel channel() {
        return channel;
    }

    @Override
    public boolean canSend() {
        return channel.isActive() && channel.isWritable();
    }

    @Override
    public void send(ByteBuf packet, InetSocketAddress target) {
        // Netty releases its reference once written.
        channel.writeAndFlush(new DatagramPacket(packet.retain(), target), channel.voidPromise());
    }

    @Override
    public void lend(DatagramReceiver receiver) {
        pooled().lend(receiver);
    }

    @Override
    public void reclaim() {
        pooled().reclaim();
    }

    @Override
    public boolean quietSince(long sinceNanos) {
        return pooled().quietSince(sinceNanos);
    }

    @Override
    public boolean isOpen() {
        return channel.isActive();
    }

    @Override
    public void close(Runnable then) {
        closeAll(List.of(channel), then);
    }

    @Override
    public void closeNow() {
        channel.close();
    }

    private PooledSocketHandler pooled() {
        if (handler == null) {
            throw new IllegalStateException(channel + " was not bound with a pooled socket handler");
        }
        return handler;
    }

    /** Closes {@code channels} and runs {@code then} once every one of them has closed. */
    public static void closeAll(List<Channel> channels, Runnable then) {
        if (channels.isEmpty()) {
            then.run();
            return;
        }
        AtomicInteger pending = new AtomicInteger(channels.size());
        Runnable one = () -> {
            if (pending.decrementAndGet() == 0) {
                then.run();
            }
        };
        for (Channel channel : channels) {
            if (!channel.isOpen() && !channel.isRegistered()) {
                // Its socket was never created (no file descriptor left): nothing to close.
                one.run();
            } else if (channel.isRegistered()) {
                channel.close().addListener(f -> one.run());
            } else {
                // Never registered: refused by the loop. close() would throw here for want of an event loop, and
                // the port pair, the other socket and the waiting call would be held for good.
                channel.unsafe().closeForcibly();
                one.run();
            }
        }
    }
}
