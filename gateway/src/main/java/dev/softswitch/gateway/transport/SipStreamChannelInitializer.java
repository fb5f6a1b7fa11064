package dev.softswitch.gateway.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pipeline of one TCP or TLS connection, inbound or outbound (inbound order top to bottom); TLS
 * only adds its two handlers after the idle timer (RFC 3261 §26.2.1), everything below is the same
 * stream framing. An inbound connection over a {@link ConnectionLimits} cap is closed at once, with
 * no pipeline at all.
 * <pre>
 *   idle   SipIdleTimeoutHandler       closes after idleTimeout without traffic
 *   tls    SslHandler                  TLS only: TLS 1.2 / 1.3 records -> bytes
 *   shake  SipTlsHandshakeHandler      TLS only: counts failed handshakes
 *   slow   SipMessageTimeoutHandler    closes when a started message is not finished in messageTimeout
 *   frame  SipStreamFrameDecoder       bytes -> SipFrame
 *   encode SipMessageEncoder           SIPMessage -> bytes (outbound)
 *   parse  SipMessageDecoder           SipFrame -> DecodedSipMessage
 *   via    ViaReceivedHandler          received / rport on requests
 *   reject SipBadMessageHandler        400 / 513 for failures, which stop here
 *   track  SipConnectionTrackingHandler remote address -> channel
 *   deliver SipDispatchHandler         -> SipMessageHandler
 *   error  SipExceptionHandler         log, close
 * </pre>
 */
public final class SipStreamChannelInitializer extends ChannelInitializer<Channel> {

    private static final Logger LOG = LoggerFactory.getLogger(SipStreamChannelInitializer.class);

    private final TransportType transport;
    private final TransportSettings settings;
    private final SipMessageHandler handler;
    private final TransportCounters counters;
    private final SipConnectionRegistry registry;
    private final SipTlsHandlerFactory tls;
    private final SipConnectionLimiter limiter;

    /** A plain TCP connection. */
    public SipStreamChannelInitializer(TransportType transport, TransportSettings settings, SipMessageHandler handler,
            TransportCounters counters, SipConnectionRegistry registry) {
        this(transport, settings, handler, counters, registry, null);
    }

    /** A connection of {@code transport}; {@code tls} makes its SslHandler, and is given exactly when it is TLS. */
    public SipStreamChannelInitializer(TransportType transport, TransportSettings settings, SipMessageHandler handler,
            TransportCounters counters, SipConnectionRegistry registry, SipTlsHandlerFactory tls) {
        this(transport, settings, handler, counters, registry, tls, null);
    }

    /** Like the above; {@code limiter}, given for accepted connections only, admits or refuses each one. */
    SipStreamChannelInitializer(TransportType transport, TransportSettings settings, SipMessageHandler handler,
            TransportCounters counters, SipConnectionRegistry registry, SipTlsHandlerFactory tls,
            SipConnectionLimiter limiter) {
        if (!transport.isReliable()) {
            throw new IllegalArgumentException("not a stream transport: " + transport);
        }
        if ((transport == TransportType.TLS) != (tls != null)) {
            throw new IllegalArgumentException(transport + " with" + (tls == null ? "out" : "") + " a TLS handler");
        }
        this.tls = tls;
        this.transport = transport;
        this.settings = settings;
        this.handler = handler;
        this.counters = counters;
        this.registry = registry;
        this.limiter = limiter;
    }

    @Override
    protected void initChannel(Channel channel) {
        if (!admit(channel)) {
            return;
        }
        counters.connectionOpened();
        channel.closeFuture().addListener(f -> counters.connectionClosed());
        ConnectionLimits limits = settings.connectionLimits();
        ChannelPipeline p = channel.pipeline();
        p.addLast("idle", new SipIdleTimeoutHandler(limits.idleTimeout(), counters));
        if (tls != null) {
            p.addLast("tls", tls.newHandler(channel.alloc()));
            p.addLast("shake", new SipTlsHandshakeHandler(counters, tls.outbound()));
        }
        SipStreamFrameDecoder frames = new SipStreamFrameDecoder(settings.maxMessageBytes(), counters);
        p.addLast("slow", new SipMessageTimeoutHandler(frames, limits.messageTimeout(), counters));
        p.addLast("frame", frames);
        p.addLast("encode", new SipMessageEncoder(transport));
        p.addLast("parse", new SipMessageDecoder(transport));
        p.addLast("via", ViaReceivedHandler.INSTANCE);
        p.addLast("reject", new SipBadMessageHandler(transport, counters));
        p.addLast("track", new SipConnectionTrackingHandler(registry, transport));
        p.addLast("deliver", new SipDispatchHandler(handler, settings.clock(), counters));
        p.addLast("error", SipExceptionHandler.INSTANCE);
    }

    /** Takes the connection's slot, or closes it (reset, no TIME_WAIT kept) and counts why. */
    private boolean admit(Channel channel) {
        if (limiter == null || !(channel.remoteAddress() instanceof InetSocketAddress remote)) {
            return true;
        }
        InetAddress source = remote.getAddress();
        StreamCloseReason refused = limiter.acquire(source);
        if (refused != null) {
            counters.incrementClosed(refused);
            LOG.debug("Refusing SIP connection from {}: {}", remote, refused.label());
            channel.config().setOption(ChannelOption.SO_LINGER, 0);
            channel.close();
            return false;
        }
        channel.closeFuture().addListener(f -> limiter.release(source));
        return true;
    }
}
