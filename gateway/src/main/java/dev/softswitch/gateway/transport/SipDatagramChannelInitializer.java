package dev.softswitch.gateway.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.DatagramPacketEncoder;

/**
 * The pipeline of a UDP listen socket (inbound order top to bottom):
 * <pre>
 *   frame   SipDatagramDecoder                    DatagramPacket -> SipFrame
 *   encode  DatagramPacketEncoder(SipMessageEncoder) AddressedEnvelope&lt;SIPMessage&gt; -> DatagramPacket
 *   parse   SipMessageDecoder                     SipFrame -> DecodedSipMessage
 *   via     ViaReceivedHandler                    received / rport on requests
 *   reject  SipBadMessageHandler                  400 / 513 for failures, which stop here
 *   deliver SipDispatchHandler                    -> SipMessageHandler
 *   error   SipExceptionHandler                   log (the socket stays open)
 * </pre>
 */
public final class SipDatagramChannelInitializer extends ChannelInitializer<Channel> {

    private final TransportSettings settings;
    private final SipMessageHandler handler;
    private final TransportCounters counters;

    public SipDatagramChannelInitializer(TransportSettings settings, SipMessageHandler handler, TransportCounters counters) {
        this.settings = settings;
        this.handler = handler;
        this.counters = counters;
    }

    @Override
    protected void initChannel(Channel channel) {
        ChannelPipeline p = channel.pipeline();
        p.addLast("frame", new SipDatagramDecoder(settings.maxMessageBytes(), counters));
        p.addLast("encode", new DatagramPacketEncoder<>(new SipMessageEncoder(TransportType.UDP)));
        p.addLast("parse", new SipMessageDecoder(TransportType.UDP));
        p.addLast("via", ViaReceivedHandler.INSTANCE);
        p.addLast("reject", new SipBadMessageHandler(TransportType.UDP, counters));
        p.addLast("deliver", new SipDispatchHandler(handler, settings.clock(), counters));
        p.addLast("error", SipExceptionHandler.INSTANCE);
    }
}
