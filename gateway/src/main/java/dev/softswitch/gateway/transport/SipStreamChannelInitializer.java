package dev.softswitch.gateway.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;

/**
 * The pipeline of one TCP or TLS connection, inbound or outbound (inbound order top to bottom); TLS
 * only adds its two handlers first (RFC 3261 §26.2.1), everything below is the same stream framing:
 * <pre>
 *   tls    SslHandler                  TLS only: TLS 1.2 / 1.3 records -> bytes
 *   shake  SipTlsHandshakeHandler      TLS only: counts failed handshakes
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

    private final TransportType transport;
    private final TransportSettings settings;
    private final SipMessageHandler handler;
    private final TransportCounters counters;
    private final SipConnectionRegistry registry;
    private final SipTlsHandlerFactory tls;

    /** A plain TCP connection. */
    public SipStreamChannelInitializer(TransportType transport, TransportSettings settings, SipMessageHandler handler,
            TransportCounters counters, SipConnectionRegistry registry) {
        this(transport, settings, handler, counters, registry, null);
    }

    /** A connection of {@code transport}; {@code tls} makes its SslHandler, and is given exactly when it is TLS. */
    public SipStreamChannelInitializer(TransportType transport, TransportSettings settings, SipMessageHandler handler,
            TransportCounters counters, SipConnectionRegistry registry, SipTlsHandlerFactory tls) {
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
    }

    @Override
    protected void initChannel(Channel channel) {
        ChannelPipeline p = channel.pipeline();
        if (tls != null) {
            p.addLast("tls", tls.newHandler(channel.alloc()));
            p.addLast("shake", new SipTlsHandshakeHandler(counters, tls.outbound()));
        }
        p.addLast("frame", new SipStreamFrameDecoder(settings.maxMessageBytes(), counters));
        p.addLast("encode", new SipMessageEncoder(transport));
        p.addLast("parse", new SipMessageDecoder(transport));
        p.addLast("via", ViaReceivedHandler.INSTANCE);
        p.addLast("reject", new SipBadMessageHandler(transport, counters));
        p.addLast("track", new SipConnectionTrackingHandler(registry, transport));
        p.addLast("deliver", new SipDispatchHandler(handler, settings.clock(), counters));
        p.addLast("error", SipExceptionHandler.INSTANCE);
    }
}
