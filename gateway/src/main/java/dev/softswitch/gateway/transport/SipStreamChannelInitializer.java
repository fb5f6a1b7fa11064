package dev.softswitch.gateway.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;

/**
 * The pipeline of one TCP connection, inbound or outbound (inbound order top to bottom):
 * <pre>
 *   [tls]  SslHandler                  (TLS listen points, later issue: added first, nothing else changes)
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

    public SipStreamChannelInitializer(TransportType transport, TransportSettings settings, SipMessageHandler handler,
            TransportCounters counters, SipConnectionRegistry registry) {
        if (!transport.isReliable()) {
            throw new IllegalArgumentException("not a stream transport: " + transport);
        }
        this.transport = transport;
        this.settings = settings;
        this.handler = handler;
        this.counters = counters;
        this.registry = registry;
    }

    @Override
    protected void initChannel(Channel channel) {
        ChannelPipeline p = channel.pipeline();
        p.addLast("frame", new SipStreamFrameDecoder(settings.maxMessageBytes(), counters));
        p.addLast("encode", new SipMessageEncoder(transport));
        p.addLast("parse", new SipMessageDecoder(transport));
        p.addLast("via", ViaReceivedHandler.INSTANCE);
        p.addLast("reject", new SipBadMessageHandler(transport, counters));
        p.addLast("track", new SipConnectionTrackingHandler(registry));
        p.addLast("deliver", new SipDispatchHandler(handler, settings.clock(), counters));
        p.addLast("error", SipExceptionHandler.INSTANCE);
    }
}
