package dev.softswitch.media.session;

import java.util.BitSet;

/**
 * Hands out RTP/RTCP port pairs from a range: an even RTP port and the odd RTCP port after it
 * (RFC 3550 section 11). Freed pairs go to the back of the queue, so a port just released is the
 * last to be reused and late packets of an ended call are unlikely to reach a new one. Thread-safe.
 */
public final class PortAllocator {

    private final int portMin;
    private final int portMax;
    private final int[] free;
    private final BitSet inUse;
    private int head;
    private int freeCount;

    /** Covers every even port {@code p} with {@code portMin <= p} and {@code p + 1 <= portMax}. */
    public PortAllocator(int portMin, int portMax) {
        if (portMin % 2 != 0 || portMin < 0 || portMax > 65535 || portMin >= portMax) {
            throw new IllegalArgumentException("bad port range " + portMin + ".." + portMax);
        }
        this.portMin = portMin;
        this.portMax = portMax;
        int pairs = (portMax - portMin + 1) / 2;
        this.free = new int[pairs];
        this.inUse = new BitSet(pairs);
        for (int i = 0; i < pairs; i++) {
            free[i] = portMin + 2 * i;
        }
        this.freeCount = pairs;
    }

    /** Reserves a pair and returns its even (RTP) port; the odd port after it is reserved too. */
    public synchronized int allocate() throws PortsExhaustedException {
        if (freeCount == 0) {
            throw new PortsExhaustedException("all " + free.length + " RTP port pairs from "
                    + portMin + " are in use");
        }
        int port = free[head];
        head = (head + 1) % free.length;
        freeCount--;
        inUse.set(index(port));
        return port;
    }

    /** Returns a pair obtained from {@link #allocate()}; releasing a pair twice is a bug and throws. */
    public synchronized void release(int rtpPort) {
        int i = index(rtpPort);
        if (rtpPort % 2 != 0 || i < 0 || i >= free.length || !inUse.get(i)) {
            throw new IllegalArgumentException("port " + rtpPort + " was not allocated here");
        }
        inUse.clear(i);
        free[(head + freeCount) % free.length] = rtpPort;
        freeCount++;
    }

    /** Pairs currently allocated. */
    public synchronized int pairsInUse() {
        return free.length - freeCount;
    }

    /** The lowest port of the range. */
    public int portMin() {
        return portMin;
    }

    /** The highest port of the range. */
    public int portMax() {
        return portMax;
    }

    /** Total number of pairs in the range. */
    public int capacity() {
        return free.length;
    }

    private int index(int port) {
        return (port - portMin) >> 1;
    }
}
