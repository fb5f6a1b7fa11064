package dev.softswitch.media.pipeline;

import dev.softswitch.media.rtp.RtpStreamStatistics;
import io.netty.buffer.ByteBuf;
import java.util.Objects;

/**
 * Figures of one direction of one session: packets and bytes relayed, RTCP packets, RTP reception
 * statistics (loss, jitter), SRTP failures and the time of the last RTP packet; also feeds the
 * relay-wide totals. Updated on the session's event loop only: one writer, so the counts are volatile
 * longs rather than {@code LongAdder}s, 8 bytes each instead of a 32-byte object (issue 14, heap per call).
 */
public final class DirectionCounter {

    private final RelayTotals totals;
    private volatile long packets;
    private volatile long bytes;
    private volatile long rtcpPackets;
    private volatile long rejected;
    private final RtpStreamStatistics rtp = new RtpStreamStatistics();
    /** Monotonic nanos of the last RTP packet received in this direction; read on the event loop. */
    private long lastRtpNanos;
    private boolean rtpSeen;

    public DirectionCounter(RelayTotals totals) {
        this.totals = Objects.requireNonNull(totals, "totals");
    }

    void relayed(int byteCount) {
        packets = packets + 1; // the event loop is the only writer
        bytes = bytes + byteCount;
        totals.relayed(byteCount);
    }

    void dropped() {
        totals.dropped();
    }

    /** A packet from a source the ingress endpoint does not accept (latching, MED-2). */
    void refused() {
        totals.refused();
    }

    /** A packet refused by a transformer stage (SRTP authentication or replay check). */
    void reject() {
        rejected = rejected + 1;
        totals.dropped();
    }

    void rtpReceived(ByteBuf packet, long nanos) {
        rtp.received(packet, nanos);
        lastRtpNanos = nanos;
        rtpSeen = true;
    }

    void rtcpReceived() {
        rtcpPackets = rtcpPackets + 1;
        totals.rtcpRelayed();
    }

    public long packets() {
        return packets;
    }

    public long bytes() {
        return bytes;
    }

    /** RTCP packets received from the peer and accepted (relayed or not). */
    public long rtcpPackets() {
        return rtcpPackets;
    }

    /** Packets refused by SRTP authentication or replay protection. */
    public long rejected() {
        return rejected;
    }

    public RtpStreamStatistics rtp() {
        return rtp;
    }

    /** Whether an RTP packet has arrived in this direction; call on the session's event loop. */
    public boolean rtpSeen() {
        return rtpSeen;
    }

    /** When the last RTP packet arrived; meaningful if {@link #rtpSeen()}; call on the event loop. */
    public long lastRtpNanos() {
        return lastRtpNanos;
    }
}
