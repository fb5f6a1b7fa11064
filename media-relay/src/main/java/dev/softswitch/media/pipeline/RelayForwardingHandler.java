package dev.softswitch.media.pipeline;

import dev.softswitch.media.pipeline.RelayEndpoint.Admission;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The packet path of one relay socket, in stages: receive, admit (the ingress endpoint checks the
 * source), decrypt (the ingress endpoint's inbound transformer), latch (on an SRTP endpoint, only
 * once the packet has passed authentication), statistics, encrypt (the egress endpoint's outbound
 * transformer), send out of the egress socket to the egress remote, reusing the received pooled
 * buffer (see {@link RelaySocket#send}). The stages run for a Netty channel's datagram or, as a
 * {@link DatagramReceiver}, for any relay socket's. A packet is dropped (and counted) when the ingress endpoint refuses its source (see
 * {@link RelayEndpoint#admit}), when a transformer refuses it, or when the egress side has no
 * remote or socket yet or cannot take more writes.
 */
public final class RelayForwardingHandler extends SimpleChannelInboundHandler<DatagramPacket>
        implements DatagramReceiver {

    private static final Logger log = LoggerFactory.getLogger(RelayForwardingHandler.class);

    private final RelayEndpoint ingress;
    private final RelayEndpoint egress;
    private final DirectionCounter counter;
    private final PacketKind kind;
    private final LongSupplier nanoTime;

    /** An RTP socket's handler timed by {@link System#nanoTime()}. */
    public RelayForwardingHandler(RelayEndpoint ingress, RelayEndpoint egress, DirectionCounter counter) {
        this(ingress, egress, counter, PacketKind.RTP, System::nanoTime);
    }

    /**
     * @param kind     RTP feeds the reception statistics and the media timeout; RTCP is counted
     * @param nanoTime monotonic clock for arrival times (jitter, media timeout)
     */
    public RelayForwardingHandler(RelayEndpoint ingress, RelayEndpoint egress, DirectionCounter counter,
                                  PacketKind kind, LongSupplier nanoTime) {
        this.ingress = Objects.requireNonNull(ingress, "ingress");
        this.egress = Objects.requireNonNull(egress, "egress");
        this.counter = Objects.requireNonNull(counter, "counter");
        this.kind = Objects.requireNonNull(kind, "kind");
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
        receive(ctx.alloc(), packet.content(), packet.sender());
    }

    @Override
    public void receive(ByteBufAllocator alloc, ByteBuf received, InetSocketAddress source) {
        // Read once, so that admission and decryption agree when SRTP is switched on or off meanwhile.
        PacketTransformer decrypt = ingress.inbound();
        Admission admission = source == null ? Admission.REFUSED : ingress.admit(source, decrypt != null);
        if (admission == Admission.REFUSED) {
            counter.refused();
            log.debug("{}: dropped packet from {}, a source that has not proved itself", ingress, source);
            return;
        }
        // The received buffer is released by the socket after this returns; a transformer's new buffer is ours.
        ByteBuf payload = transform(decrypt, received, alloc);
        if (payload == null) {
            return;
        }
        if (admission == Admission.NEEDS_PROOF && !ingress.latchProven(source)) {
            counter.refused();
            log.debug("{}: dropped authenticated packet from {}, the remote changed meanwhile", ingress, source);
            releaseIfOwned(payload, received);
            return;
        }
        if (kind == PacketKind.RTP) {
            counter.rtpReceived(payload, nanoTime.getAsLong());
        } else {
            counter.rtcpReceived();
        }
        RelaySocket out = egress.socket();
        InetSocketAddress target = egress.remote();
        if (out == null || target == null || !out.canSend()) {
            counter.dropped();
            if (log.isDebugEnabled()) {
                log.debug("{}: dropped packet from {}, {} cannot send yet", ingress, source, egress);
            }
            releaseIfOwned(payload, received);
            return;
        }
        ByteBuf outgoing = transform(egress.outbound(), payload, alloc);
        if (outgoing != payload) {
            releaseIfOwned(payload, received);
        }
        if (outgoing == null) {
            return;
        }
        // Counted before the write so that a peer which has received the packet sees it counted.
        counter.relayed(outgoing.readableBytes());
        out.send(outgoing, target);
        releaseIfOwned(outgoing, received);
    }

    /** Runs a stage; returns the packet to go on with, or {@code null} (counted) if it was refused. */
    private ByteBuf transform(PacketTransformer stage, ByteBuf payload, ByteBufAllocator alloc) {
        if (stage == null) {
            return payload;
        }
        ByteBuf result = stage.transform(payload, alloc);
        if (result == null) {
            counter.reject();
            if (log.isDebugEnabled()) {
                log.debug("{}: dropped {} packet refused by {}", ingress, kind, stage);
            }
        }
        return result;
    }

    private static void releaseIfOwned(ByteBuf buffer, ByteBuf received) {
        if (buffer != received) {
            buffer.release();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // A failed send or receive concerns one packet; the socket stays open for the next.
        log.debug("{}: socket error", ingress, cause);
    }
}
