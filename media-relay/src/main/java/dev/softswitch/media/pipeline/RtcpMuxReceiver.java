package dev.softswitch.media.pipeline;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * What the RTP socket of an rtcp-mux leg (RFC 5761) hands its datagrams to: RTCP goes to the RTCP
 * handler, everything else to the RTP handler. RFC 5761 section 4: a packet whose second byte (RTP
 * marker and payload type, or RTCP packet type) is 192 to 223 is RTCP, so RTP payload types 64 to 95
 * cannot be muxed. A packet too short to tell goes to the RTP handler, which drops it as any runt.
 * Reads one byte and allocates nothing per packet; called on the socket's event loop.
 */
public final class RtcpMuxReceiver implements DatagramReceiver {

    /** The lowest second byte of an RTCP packet (RFC 5761 section 4). */
    static final int FIRST_RTCP_TYPE = 192;
    /** The highest second byte of an RTCP packet. */
    static final int LAST_RTCP_TYPE = 223;

    private final DatagramReceiver rtp;
    private final DatagramReceiver rtcp;

    public RtcpMuxReceiver(DatagramReceiver rtp, DatagramReceiver rtcp) {
        this.rtp = Objects.requireNonNull(rtp, "rtp");
        this.rtcp = Objects.requireNonNull(rtcp, "rtcp");
    }

    @Override
    public void receive(ByteBufAllocator alloc, ByteBuf content, InetSocketAddress sender) {
        (isRtcp(content) ? rtcp : rtp).receive(alloc, content, sender);
    }

    /** Whether {@code packet} is RTCP by RFC 5761 section 4; reads without moving its indices. */
    public static boolean isRtcp(ByteBuf packet) {
        if (packet.readableBytes() < 2) {
            return false;
        }
        int type = packet.getUnsignedByte(packet.readerIndex() + 1);
        return type >= FIRST_RTCP_TYPE && type <= LAST_RTCP_TYPE;
    }
}
