package dev.softswitch.media.session;

import java.security.SecureRandom;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Hands out RTP/RTCP port pairs from a range: an even RTP port and the odd RTCP port after it
 * (RFC 3550 section 11). Each pair is drawn at random among the free ones (MED-2), so that a
 * call's ports, and the two legs of one call, cannot be guessed from another call's: the free
 * pairs are kept in an array, a draw swaps the chosen one with the last free one, so allocating and
 * releasing take constant time however full the range is, and a free pair is always found while
 * there is one. Thread-safe.
 */
public final class PortAllocator {

    private final int portMin;
    private final int portMax;
    private final RandomGenerator random;
    /** Pair indices, the first {@code freeCount} free, in no order. */
    private final int[] free;
    /** Where each pair index stands in {@code free}, or -1 while the pair is in use. */
    private final int[] position;
    private int freeCount;

    /** Covers every even port {@code p} with {@code portMin <= p} and {@code p + 1 <= portMax}; draws with a {@link SecureRandom}. */
    public PortAllocator(int portMin, int portMax) {
        this(portMin, portMax, new SecureRandom());
    }

    /** As {@link #PortAllocator(int, int)}, drawing with {@code random}; tests may pass a seeded one. */
    public PortAllocator(int portMin, int portMax, RandomGenerator random) {
        if (portMin % 2 != 0 || portMin < 0 || portMax > 65535 || portMin >= portMax) {
            throw new IllegalArgumentException("bad port range " + portMin + ".." + portMax);
        }
        this.portMin = portMin;
        this.portMax = portMax;
        this.random = Objects.requireNonNull(random, "random");
        int pairs = (portMax - portMin + 1) / 2;
        this.free = new int[pairs];
        this.position = new int[pairs];
        for (int i = 0; i < pairs; i++) {
            free[i] = i;
            position[i] = i;
        }
        this.freeCount = pairs;
    }

    /** Reserves a pair drawn at random among the free ones; returns its even (RTP) port, the odd one after it is reserved too. */
    public synchronized int allocate() throws PortsExhaustedException {
        if (freeCount == 0) {
            throw new PortsExhaustedException("all " + free.length + " RTP port pairs from "
                    + portMin + " are in use");
        }
        int drawn = random.nextInt(freeCount);
        int pair = free[drawn];
        int last = free[--freeCount];
        free[drawn] = last;
        position[last] = drawn;
        position[pair] = -1;
        return portMin + 2 * pair;
    }

    /** Returns a pair obtained from {@link #allocate()}; releasing a pair twice is a bug and throws. */
    public synchronized void release(int rtpPort) {
        int pair = (rtpPort - portMin) >> 1;
        if (rtpPort % 2 != 0 || rtpPort < portMin || pair >= free.length || position[pair] != -1) {
            throw new IllegalArgumentException("port " + rtpPort + " was not allocated here");
        }
        free[freeCount] = pair;
        position[pair] = freeCount;
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
}
