package dev.softswitch.media.pipeline;

import java.util.concurrent.atomic.LongAdder;

/** Relay-wide packet and byte totals, cheap to update from every event loop thread. */
public final class RelayTotals {

    private final LongAdder packets = new LongAdder();
    private final LongAdder bytes = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private final LongAdder rtcp = new LongAdder();
    private final LongAdder refused = new LongAdder();

    void relayed(int byteCount) {
        packets.increment();
        bytes.add(byteCount);
    }

    void dropped() {
        dropped.increment();
    }

    /** A packet dropped because of its source (latching, MED-2). */
    void refused() {
        refused.increment();
        dropped.increment();
    }

    void rtcpRelayed() {
        rtcp.increment();
    }

    public long packetsRelayed() {
        return packets.sum();
    }

    public long bytesRelayed() {
        return bytes.sum();
    }

    public long packetsDropped() {
        return dropped.sum();
    }

    /** Packets dropped because of their source (latching, MED-2); included in {@link #packetsDropped()}. */
    public long packetsRefusedSource() {
        return refused.sum();
    }

    /** RTCP packets received and accepted from peers, all sessions. */
    public long rtcpPackets() {
        return rtcp.sum();
    }
}
