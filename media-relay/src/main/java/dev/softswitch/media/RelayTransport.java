package dev.softswitch.media;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.concurrent.TimeUnit;

/**
 * The event loops and the UDP transport of every relay socket: native epoll or NIO, one group of
 * daemon threads named {@code media-relay}, one bootstrap that each socket clones with its own loop
 * and handler. A relay bound to an IPv4 address opens IPv4 sockets: Netty's default is an IPv6 socket,
 * through which every datagram's source comes as an IPv4-mapped IPv6 address to be converted back, and
 * every destination the other way.
 */
final class RelayTransport {

    /**
     * The receive-buffer sizing of every relay channel (NIO; on epoll the sockets are bare
     * {@code NativeRelaySocket}s): what Netty gives a datagram channel by default (2,048-byte
     * buffers, up to 16 datagrams a read), one stateless instance shared by all sockets instead of one each
     * (issue 14: 96 bytes a call).
     */
    static final RecvByteBufAllocator RECEIVE_BUFFERS = new FixedRecvByteBufAllocator(2048).maxMessagesPerRead(16);

    private final boolean epoll;
    private final EventLoopGroup group;
    private final Bootstrap bootstrap;

    RelayTransport(int ioThreads, boolean epoll, InetAddress bindAddress) {
        this.epoll = epoll;
        IoHandlerFactory ioHandlers = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        this.group = new MultiThreadIoEventLoopGroup(ioThreads,
                new DefaultThreadFactory("media-relay", true), ioHandlers);
        ChannelFactory<? extends DatagramChannel> channelFactory;
        if (bindAddress instanceof Inet4Address) {
            channelFactory = epoll ? () -> new EpollDatagramChannel(SocketProtocolFamily.INET)
                    : () -> new NioDatagramChannel(SocketProtocolFamily.INET);
        } else {
            channelFactory = epoll ? EpollDatagramChannel::new : NioDatagramChannel::new;
        }
        this.bootstrap = new Bootstrap().group(group).channelFactory(channelFactory)
                .option(ChannelOption.RECVBUF_ALLOCATOR, RECEIVE_BUFFERS);
    }

    /** Group, transport and options of every relay channel (NIO); clone it per socket. */
    Bootstrap bootstrap() {
        return bootstrap;
    }

    /** The event loops, each serving the sockets of its sessions. */
    Iterable<EventExecutor> loops() {
        return group;
    }

    /** The loop for a new session, round robin. */
    EventLoop next() {
        return group.next();
    }

    /** Whether the calling thread is one of the relay's event loops. */
    boolean inEventLoop() {
        for (EventExecutor loop : group) {
            if (loop.inEventLoop()) {
                return true;
            }
        }
        return false;
    }

    /** "epoll" or "nio", for the log. */
    String name() {
        return epoll ? "epoll" : "nio";
    }

    /** Stops the event loops; waits a bounded time for the threads. */
    void shutdown() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
