package dev.softswitch.media.session;

/**
 * Quality figures of one direction of a relayed call (MED-4), as received by the relay from the
 * sending peer: packets and bytes relayed (RTP and RTCP, bytes as sent on), RTCP packets received,
 * RTP packets expected and lost (RFC 3550 A.3, loss on the way from the peer to the relay) and the
 * interarrival jitter (A.8) in timestamp units and in milliseconds, and packets refused by SRTP.
 */
public record DirectionStats(long packets, long bytes, long rtcpPackets, long rtpExpected, long rtpLost,
                             long jitter, double jitterMillis, long srtpRejected) {

    public static final DirectionStats EMPTY = new DirectionStats(0, 0, 0, 0, 0, 0, 0.0, 0);

    public DirectionStats {
        if (packets < 0 || bytes < 0 || rtcpPackets < 0 || rtpExpected < 0 || rtpLost < 0 || jitter < 0
                || jitterMillis < 0 || srtpRejected < 0) {
            throw new IllegalArgumentException("media figures must not be negative");
        }
    }

    /** Lost over expected, 0 when nothing was expected. */
    public double lossRatio() {
        return rtpExpected == 0 ? 0.0 : (double) rtpLost / rtpExpected;
    }
}
