package dev.softswitch.media.pipeline;

import dev.softswitch.media.rtp.RtpStreamStatistics;
import io.netty.buffer.ByteBuf;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;

/**
 * Figures of one direction of one session: packets and bytes relayed, RTCP packets, RTP reception
 * statistics (loss, jitter), SRTP failures and the time of the last RTP packet; also feeds the
 * relay-wide totals. Updated on the session's event loop only.
 */
public final class DirectionCounter {

    private final RelayTotals totals;
    private final LongAdder packets = new LongAdder();
    private final LongAdder bytes = new LongAdder();
    private final LongAdder rtcpPackets = new LongAdder();
    private final LongAdder rejected = new LongAdder();
    private final RtpStreamStatistics rtp = new RtpStreamStatistics();
    /** Monotonic nanos of the last RTP packet received in this direction; read on the event loop. */
    private long lastRtpNanos;
    private boolean rtpSeen;

    public DirectionCounter(RelayTotals totals) {
        this.totals = Objects.requireNonNull(totals, "totals");
    }

    void relayed(int byteCount) {
        packets.increment();
        bytes.add(byteCount);
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
        rejected.increment();
        totals.dropped();
    }

    void rtpReceived(ByteBuf packet, long nanos) {
        rtp.received(packet, nanos);
        lastRtpNanos = nanos;
        rtpSeen = true;
    }

    void rtcpReceived() {
        rtcpPackets.increment();
        totals.rtcpRelayed();
    }

    public long packets() {
        return packets.sum();
    }

    public long bytes() {
        return bytes.sum();
    }

    /** RTCP packets received from the peer and accepted (relayed or not). */
    public long rtcpPackets() {
        return rtcpPackets.sum();
    }

    /** Packets refused by SRTP authentication or replay protection. */
    public long rejected() {
        return rejected.sum();
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
