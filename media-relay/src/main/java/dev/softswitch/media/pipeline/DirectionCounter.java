package dev.softswitch.media.pipeline;

import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;

/** Packets and bytes relayed in one direction of one session; also feeds the relay-wide totals. */
public final class DirectionCounter {

    private final RelayTotals totals;
    private final LongAdder packets = new LongAdder();
    private final LongAdder bytes = new LongAdder();

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

    public long packets() {
        return packets.sum();
    }

    public long bytes() {
        return bytes.sum();
    }
}
