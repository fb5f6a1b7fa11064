package dev.softswitch.media.rtp;

import io.netty.buffer.ByteBuf;

/**
 * Reception statistics of the RTP stream of one direction (RFC 3550 appendix A): the extended
 * highest sequence number and the cumulative loss of A.1 and A.3, and the interarrival jitter of
 * A.8 in the integer form (scaled by 16). Unlike A.1 a new source is accepted at its first packet,
 * without probation, because the relay relays only streams that signalling announced. A change of
 * SSRC starts a new source and keeps what the previous one counted.
 *
 * <p>Written by one thread (the session's event loop) and nothing is allocated per packet; other
 * threads read the figures through {@link #snapshot}, which may lag by a packet.
 */
public final class RtpStreamStatistics {

    /** RFC 3550 A.1. */
    static final int MAX_DROPOUT = 3000;
    static final int MAX_MISORDER = 100;
    static final int SEQ_MOD = 1 << 16;
    static final int DEFAULT_CLOCK_RATE = 8000;
    private static final int MIN_RTP_HEADER = 12;

    // Current source (A.1), touched by the writer only.
    private boolean sourceKnown;
    private int ssrc;
    private int maxSeq;
    private long cycles;
    private int baseSeq;
    private int badSeq;
    private long received;
    private boolean transitKnown;
    private int transit;
    /** A.8 jitter times 16, in timestamp units. */
    private int jitterScaled;

    // Earlier sources of this direction, folded in when the SSRC changes.
    private long previousExpected;
    private long previousReceived;

    // Published for readers.
    private volatile long publishedLost;
    private volatile long publishedExpected;
    private volatile int publishedJitter;
    private volatile int clockRate = DEFAULT_CLOCK_RATE;

    /** The RTP clock rate of the stream's payload (8000 for G.711, 48000 for Opus); default 8000. */
    public void clockRate(int hz) {
        if (hz <= 0) {
            throw new IllegalArgumentException("clock rate " + hz + " must be positive");
        }
        clockRate = hz;
    }

    public int clockRate() {
        return clockRate;
    }

    /**
     * Accounts one received RTP packet. Packets shorter than an RTP header or not of version 2 are
     * ignored.
     *
     * @param packet       the RTP packet from its reader index, not modified
     * @param arrivalNanos the arrival time on a monotonic nanosecond clock
     */
    public void received(ByteBuf packet, long arrivalNanos) {
        int at = packet.readerIndex();
        if (packet.readableBytes() < MIN_RTP_HEADER || (packet.getByte(at) & 0xC0) != 0x80) {
            return;
        }
        received(packet.getUnsignedShort(at + 2), packet.getInt(at + 4), packet.getInt(at + 8), arrivalNanos);
    }

    /** Accounts one received RTP packet given its header fields; see {@link #received(ByteBuf, long)}. */
    public void received(int seq, int rtpTimestamp, int packetSsrc, long arrivalNanos) {
        if (!sourceKnown || packetSsrc != ssrc) {
            if (sourceKnown) {
                previousExpected += expectedOfSource();
                previousReceived += received;
            }
            sourceKnown = true;
            ssrc = packetSsrc;
            initSeq(seq);
            received = 1;
            transitKnown = false;
        } else if (!updateSeq(seq)) {
            publish();
            return;
        }
        updateJitter(rtpTimestamp, arrivalNanos);
        publish();
    }

    private void initSeq(int seq) {
        baseSeq = seq;
        maxSeq = seq;
        badSeq = SEQ_MOD + 1;
        cycles = 0;
        received = 0;
    }

    /** RFC 3550 A.1 update_seq without probation; false if the packet is not counted. */
    private boolean updateSeq(int seq) {
        int udelta = (seq - maxSeq) & 0xFFFF;
        if (udelta < MAX_DROPOUT) {
            if (seq < maxSeq) {
                cycles += SEQ_MOD;
            }
            maxSeq = seq;
        } else if (udelta <= SEQ_MOD - MAX_MISORDER) {
            // A very large jump: restart the count if the next packet confirms it.
            if (seq == badSeq) {
                initSeq(seq);
            } else {
                badSeq = (seq + 1) & 0xFFFF;
                return false;
            }
        }
        // else: duplicate or reordered packet, counted as received.
        received++;
        return true;
    }

    /** RFC 3550 A.8, integer form: J += |D| - ((J + 8) >> 4), J scaled by 16. */
    private void updateJitter(int rtpTimestamp, long arrivalNanos) {
        int arrival = (int) ((arrivalNanos / 1_000L) * clockRate / 1_000_000L);
        int newTransit = arrival - rtpTimestamp;
        if (transitKnown) {
            int d = newTransit - transit;
            if (d < 0) {
                d = -d;
            }
            jitterScaled += d - ((jitterScaled + 8) >> 4);
        }
        transit = newTransit;
        transitKnown = true;
    }

    private long expectedOfSource() {
        return sourceKnown ? cycles + maxSeq - baseSeq + 1 : 0;
    }

    private void publish() {
        long expected = previousExpected + expectedOfSource();
        publishedExpected = expected;
        publishedLost = expected - (previousReceived + received);
        publishedJitter = jitterScaled >> 4;
    }

    /** Packets expected from the sequence numbers seen (A.3), all sources of this direction. */
    public long expected() {
        return publishedExpected;
    }

    /**
     * Cumulative packets lost (A.3): expected minus received, never below zero (duplicates can
     * make the difference negative).
     */
    public long lost() {
        return Math.max(0, publishedLost);
    }

    /** Interarrival jitter (A.8) in timestamp units. */
    public int jitter() {
        return publishedJitter;
    }

    /** Interarrival jitter in milliseconds at the stream's clock rate. */
    public double jitterMillis() {
        return publishedJitter * 1000.0 / clockRate;
    }
}
