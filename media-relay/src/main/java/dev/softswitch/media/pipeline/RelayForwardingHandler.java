package dev.softswitch.media.pipeline;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forwards every datagram received on the ingress endpoint out of the egress endpoint's socket to
 * the egress remote, reusing the received pooled buffer. A packet is dropped (and counted) when its
 * source is not the ingress remote after latching, or when the egress side has no remote or socket
 * yet or cannot take more writes.
 */
public final class RelayForwardingHandler extends SimpleChannelInboundHandler<DatagramPacket> {

    private static final Logger log = LoggerFactory.getLogger(RelayForwardingHandler.class);

    private final RelayEndpoint ingress;
    private final RelayEndpoint egress;
    private final DirectionCounter counter;

    public RelayForwardingHandler(RelayEndpoint ingress, RelayEndpoint egress, DirectionCounter counter) {
        this.ingress = Objects.requireNonNull(ingress, "ingress");
        this.egress = Objects.requireNonNull(egress, "egress");
        this.counter = Objects.requireNonNull(counter, "counter");
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
        InetSocketAddress source = packet.sender();
        if (source == null || !ingress.admit(source)) {
            counter.dropped();
            log.debug("{}: dropped packet from {}, not the latched remote", ingress, source);
            return;
        }
        Channel out = egress.channel();
        InetSocketAddress target = egress.remote();
        if (out == null || target == null || !out.isActive() || !out.isWritable()) {
            counter.dropped();
            if (log.isDebugEnabled()) {
                log.debug("{}: dropped packet from {}, {} cannot send yet", ingress, source, egress);
            }
            return;
        }
        ByteBuf payload = packet.content();
        int length = payload.readableBytes();
        // Counted before the write so that a peer which has received the packet sees it counted.
        counter.relayed(length);
        out.writeAndFlush(new DatagramPacket(payload.retain(), target), out.voidPromise());
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // A failed send or receive concerns one packet; the socket stays open for the next.
        log.debug("{}: socket error", ingress, cause);
    }
}
