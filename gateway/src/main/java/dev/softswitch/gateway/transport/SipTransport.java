package dev.softswitch.gateway.transport;

import dev.softswitch.gateway.log.RateLimitedLog;
import gov.nist.javax.sip.header.Via;
import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.AttributeKey;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SIP transport layer on Netty (RFC 3261 §18, SIG-1): binds every listen point, UDP, TCP and
 * TLS (§26), hands parsed messages to a {@link SipMessageHandler} and sends messages, reusing TCP and
 * TLS connections in both directions. Connections it opens over TLS verify the peer with the client
 * context it is given (by default the JDK's trusted CAs). Uses epoll where available, else NIO.
 */
public final class SipTransport implements SipSender, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SipTransport.class);
    /** Send failures follow what peers do (vanish, reset): one line a minute per kind. */
    private static final RateLimitedLog SEND_FAILURES = RateLimitedLog.of(LOG);
    /** Receive buffer for one datagram: larger than any limit, so oversize is seen, not truncated. */
    private static final int DATAGRAM_BUFFER_BYTES = 65_535;
    private static final int UDP_SOCKET_BUFFER_BYTES = 4 * 1024 * 1024;
    private static final int CONNECT_TIMEOUT_MILLIS = 5_000;
    /** On an epoll UDP listen channel: sends from threads other than its event loop ({@link DirectDatagrams}). */
    private static final AttributeKey<DirectDatagrams> DIRECT = AttributeKey.valueOf(SipTransport.class, "direct");

    private final List<ListenPoint> listenPoints;
    private final SipMessageHandler handler;
    private final TransportSettings settings;
    private final TransportCounters counters = new TransportCounters();
    private final SipConnectionRegistry connections = new SipConnectionRegistry();
    private final SipConnectionLimiter limiter;
    private final Map<TransportType, Channel> boundChannels = new EnumMap<>(TransportType.class);
    private final List<Channel> listenChannels = new ArrayList<>();
    private final boolean epoll = Epoll.isAvailable();
    private EventLoopGroup group;
    private Bootstrap connector;
    private SipTlsClients tlsClients;

    /** A transport whose outbound TLS connections trust the JDK's CAs only. */
    public SipTransport(List<ListenPoint> listenPoints, SipMessageHandler handler, TransportSettings settings) {
        this(listenPoints, handler, settings, null);
    }

    /** {@code tlsClients} verify the servers of outbound TLS connections; null for the JDK's trusted CAs. */
    public SipTransport(List<ListenPoint> listenPoints, SipMessageHandler handler, TransportSettings settings,
            SipTlsClients tlsClients) {
        this.listenPoints = List.copyOf(listenPoints);
        this.handler = Objects.requireNonNull(handler, "handler");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.tlsClients = tlsClients;
        this.limiter = new SipConnectionLimiter(settings.connectionLimits());
        if (this.listenPoints.isEmpty()) {
            throw new IllegalArgumentException("at least one listen point is needed");
        }
    }

    /** Binds every listen point; on any failure unbinds what was bound and throws {@link TransportBindException}. */
    public synchronized void start() throws InterruptedException {
        if (group != null) {
            throw new IllegalStateException("already started");
        }
        if (tlsClients == null) {
            try {
                tlsClients = SipTlsClients.jdkTrustStore();
            } catch (SSLException e) {
                throw new IllegalStateException("cannot build the TLS client context: " + e.getMessage(), e);
            }
        }
        IoHandlerFactory ioHandler = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        group = new MultiThreadIoEventLoopGroup(settings.eventLoopThreads(), ioHandler);
        connector = new Bootstrap().group(group)
                .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MILLIS)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new SipStreamChannelInitializer(TransportType.TCP, settings, handler, counters, connections));
        for (ListenPoint lp : listenPoints) {
            ChannelFuture bound = bind(lp).await();
            if (!bound.isSuccess()) {
                close();
                throw new TransportBindException(lp, bound.cause());
            }
            synchronized (listenChannels) {
                listenChannels.add(bound.channel());
                boundChannels.putIfAbsent(lp.transport(), bound.channel());
                DirectDatagrams direct = DirectDatagrams.of(bound.channel());
                if (direct != null) {
                    bound.channel().attr(DIRECT).set(direct);
                }
            }
            LOG.info("SIP {} listening on {} ({})", lp.transport(), bound.channel().localAddress(), epoll ? "epoll" : "nio");
        }
    }

    private ChannelFuture bind(ListenPoint lp) {
        if (lp.transport() == TransportType.UDP) {
            return new Bootstrap().group(group)
                    .channel(epoll ? EpollDatagramChannel.class : NioDatagramChannel.class)
                    .option(ChannelOption.RECVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(DATAGRAM_BUFFER_BYTES))
                    // Bursts of thousands of datagrams must queue in the kernel, not be dropped
                    // (the kernel caps this at net.core.rmem_max / wmem_max).
                    .option(ChannelOption.SO_RCVBUF, UDP_SOCKET_BUFFER_BYTES)
                    .option(ChannelOption.SO_SNDBUF, UDP_SOCKET_BUFFER_BYTES)
                    .handler(new SipDatagramChannelInitializer(settings, handler, counters))
                    .bind(lp.socketAddress());
        }
        Class<? extends ServerChannel> serverChannel = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        return new ServerBootstrap().group(group)
                .channel(serverChannel)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new SipStreamChannelInitializer(lp.transport(), settings, handler, counters, connections,
                        lp.tls() == null ? null : SipTlsHandlerFactory.server(lp.tls()), limiter))
                .bind(lp.socketAddress());
    }

    /** The bound address of the first listen point of {@code transport} (the real port if 0 was asked). */
    @Override
    public InetSocketAddress localAddress(TransportType transport) {
        Channel channel = listenChannel(transport);
        if (channel == null) {
            throw new IllegalStateException("no " + transport + " listen point is bound");
        }
        return (InetSocketAddress) channel.localAddress();
    }

    @Override
    public void send(SIPMessage message, Endpoint destination) {
        // Encoded on the sender's thread: the event loop only writes bytes, and a message the sender changes
        // afterwards (a retransmission) never races with its encoding.
        sendEncoded(message, destination);
    }

    @Override
    public byte[] sendEncoded(SIPMessage message, Endpoint destination) {
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(destination, "destination");
        byte[] bytes = SipMessageEncoder.encode(message, destination.transport());
        sendBytes(bytes, destination, message.getFirstLine().trim());
        return bytes;
    }

    @Override
    public void resend(byte[] bytes, Endpoint destination) {
        sendBytes(bytes, destination, "a message again");
    }

    /** RFC 3261 §18.2.2: see {@link SipSender#sendResponse}. */
    @Override
    public void sendResponse(SIPResponse response) {
        sendEncodedResponse(response, null);
    }

    /**
     * Like {@link #sendResponse(SIPResponse)}, but over a stream transport on the connection the request
     * arrived from while it is open (the Via names it only when the client asked for {@code rport}); only
     * once it is gone is a new one opened to the Via's received/rport or sent-by.
     */
    @Override
    public void sendResponse(SIPResponse response, Endpoint requestSource) {
        sendEncodedResponse(response, requestSource);
    }

    /** Encoded once, here on the sender's thread; the bytes go out now and, for a retransmission, again later. */
    @Override
    public EncodedResponse sendEncodedResponse(SIPResponse response, Endpoint requestSource) {
        Objects.requireNonNull(response, "response");
        EncodedResponse encoded = EncodedResponse.of(response, viaDestination(response.getTopmostVia(), response));
        resendResponse(encoded, requestSource);
        return encoded;
    }

    @Override
    public EncodedResponse sendEncodedResponse(OutgoingResponse response, Endpoint requestSource) {
        EncodedResponse encoded = new EncodedResponse(response.encode(), response.statusCode(),
                viaDestination(response.topVia(), response));
        resendResponse(encoded, requestSource);
        return encoded;
    }

    @Override
    public EncodedResponse sendTrying(SIPRequest request, Endpoint requestSource) {
        EncodedResponse encoded = EncodedResponse.trying(request, viaDestination(request.getTopmostVia(), "100 Trying"));
        resendResponse(encoded, requestSource);
        return encoded;
    }

    @Override
    public void resendResponse(EncodedResponse response, Endpoint requestSource) {
        Channel channel = requestSource != null && requestSource.transport().isReliable()
                ? connections.find(requestSource) : null;
        if (channel != null) {
            channel.writeAndFlush(Unpooled.wrappedBuffer(response.bytes())).addListener(failureLogger(channel.remoteAddress()));
        } else if (response.viaDestination() != null) {
            sendBytes(response.bytes(), response.viaDestination(), "a " + response.statusCode() + " response");
        }
    }

    /**
     * Where a response's top Via sends it (§18.2.2), or null (logged) when it names nowhere usable; {@code what}
     * names the response in the log.
     */
    private static Endpoint viaDestination(Via via, Object what) {
        if (via == null) {
            LOG.warn("Cannot send a response without a Via: {}", firstLine(what));
            return null;
        }
        TransportType transport;
        try {
            transport = TransportType.parse(via.getTransport());
        } catch (IllegalArgumentException e) {
            LOG.warn("Cannot send a response over transport {}", via.getTransport());
            return null;
        }
        try {
            return new Endpoint(ViaResponseAddress.resolve(via), transport);
        } catch (IllegalArgumentException e) {
            LOG.debug("Cannot send {}: {}", firstLine(what), e.getMessage());
            return null;
        }
    }

    private static Object firstLine(Object what) {
        return what instanceof SIPResponse response ? response.getFirstLine() : what;
    }

    private void sendBytes(byte[] bytes, Endpoint destination, Object what) {
        if (destination.transport().isReliable()) {
            sendOnConnection(bytes, destination, what);
        } else {
            sendDatagram(bytes, destination.address());
        }
    }

    private void sendDatagram(byte[] bytes, InetSocketAddress destination) {
        Channel udp = datagramChannelFor(destination);
        if (udp == null) {
            throw new IllegalStateException("no UDP listen point is bound");
        }
        DirectDatagrams direct = udp.attr(DIRECT).get();
        if (direct != null && !udp.eventLoop().inEventLoop() && direct.trySend(bytes, destination)) {
            return;
        }
        udp.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(bytes), destination))
                .addListener(failureLogger(destination));
    }

    /** {@code what} names the message in a failure's log line (its first line, or a response's status). */
    private void sendOnConnection(byte[] bytes, Endpoint destination, Object what) {
        if (connector == null) {
            throw new IllegalStateException("not started");
        }
        ChannelFuture connection = connections.findOrConnect(destination, this::connect);
        connection.addListener((ChannelFutureListener) f -> {
            if (f.isSuccess()) {
                f.channel().writeAndFlush(Unpooled.wrappedBuffer(bytes)).addListener(failureLogger(f.channel().remoteAddress()));
            } else {
                SEND_FAILURES.warn("connect:" + f.cause().getClass().getName(), "Cannot connect to {} to send {}: {}",
                        destination, what, f.cause().toString());
            }
        });
    }

    /** Opens a connection of {@code destination}'s transport; a TLS one is verified against its host. */
    private ChannelFuture connect(Endpoint destination) {
        if (destination.transport() != TransportType.TLS) {
            return connector.connect(destination.address());
        }
        return connector.clone()
                .handler(new SipStreamChannelInitializer(TransportType.TLS, settings, handler, counters, connections,
                        SipTlsHandlerFactory.client(tlsClients.forPeer(destination.address()), destination.address())))
                .connect(destination.address());
    }

    private static ChannelFutureListener failureLogger(Object destination) {
        return f -> {
            if (!f.isSuccess()) {
                SEND_FAILURES.warn("send:" + f.cause().getClass().getName(), "Sending to {} failed: {}", destination,
                        f.cause().toString());
            }
        };
    }

    /**
     * The UDP socket to send to {@code destination} from: one bound to the same address family (an IPv4
     * socket cannot reach an IPv6 peer, RFC 5118), else the first UDP listen point.
     */
    private Channel datagramChannelFor(InetSocketAddress destination) {
        synchronized (listenChannels) {
            InetAddress to = destination.getAddress();
            for (Channel c : listenChannels) {
                if (c instanceof DatagramChannel && to != null && c.localAddress() instanceof InetSocketAddress local
                        && local.getAddress().getClass() == to.getClass()) {
                    return c;
                }
            }
            return boundChannels.get(TransportType.UDP);
        }
    }

    private Channel listenChannel(TransportType transport) {
        synchronized (listenChannels) {
            return boundChannels.get(transport);
        }
    }

    /** Datagrams sent straight from the sending thread ({@link DirectDatagrams}), not through an event loop. */
    long datagramsSentDirect() {
        synchronized (listenChannels) {
            long sum = 0;
            for (Channel c : listenChannels) {
                DirectDatagrams direct = c.attr(DIRECT).get();
                sum += direct == null ? 0 : direct.sent();
            }
            return sum;
        }
    }

    public TransportCounters counters() {
        return counters;
    }

    public long bytesReceived() {
        return counters.bytesReceived();
    }

    public long messagesReceived() {
        return counters.messagesReceived();
    }

    public long parseFailures() {
        return counters.parseFailures();
    }

    public long badRequestsSent() {
        return counters.badRequestsSent();
    }

    public long tooLargeSent() {
        return counters.tooLargeSent();
    }

    public long tlsHandshakeFailures() {
        return counters.tlsHandshakeFailures();
    }

    /** Open TCP and TLS connections, inbound and outbound. */
    public int openConnections() {
        return connections.size();
    }

    /** Closes listen sockets and connections and stops the event loops; waits at most a few seconds. */
    @Override
    public synchronized void close() {
        if (group == null) {
            return;
        }
        synchronized (listenChannels) {
            for (Channel c : listenChannels) {
                DirectDatagrams direct = c.attr(DIRECT).getAndSet(null);
                if (direct != null) {
                    direct.close();
                }
            }
            listenChannels.forEach(Channel::close);
            listenChannels.clear();
            boundChannels.clear();
        }
        connections.channels().forEach(Channel::close);
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        group = null;
        connector = null;
    }
}
