package dev.softswitch.gateway.config;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Optional;

/**
 * How the media relay keeps bound sockets between calls (issue 14): at most {@code maxPairs}
 * RTP/RTCP port pairs stay bound (two file descriptors each; 0 binds and closes four sockets per
 * call), {@code prebindPairs} of them bound at start rather than as calls come, and a returned pair
 * goes to another call only after {@code quarantine} without a packet. The relays together hold at
 * most the process's open-file limit less {@code reserveDescriptors} sockets (SIP connections, the
 * journal, Redis and the JVM keep those), and at least half the limit: past that budget a call gets
 * an idle pair, even one in quarantine, or {@code 503}, and the rest of the process is not starved.
 */
public record RelayPoolConfig(int maxPairs, int prebindPairs, Duration quarantine, int reserveDescriptors) {

    /** File descriptors left to the rest of the process unless configured. */
    public static final int DEFAULT_RESERVE = 1024;

    /** Up to 4,096 pairs, none bound at start, 500 ms of quiet before a pair is lent again, 1,024 descriptors kept. */
    public static final RelayPoolConfig DEFAULT = new RelayPoolConfig(4096, 0, Duration.ofMillis(500), DEFAULT_RESERVE);

    public RelayPoolConfig(int maxPairs, int prebindPairs, Duration quarantine) {
        this(maxPairs, prebindPairs, quarantine, DEFAULT_RESERVE);
    }

    public RelayPoolConfig {
        if (maxPairs < 0) {
            throw new InvalidValueException("maxPairs", maxPairs + " is negative (0 turns the pool off; e.g. 4096)");
        }
        if (prebindPairs < 0 || prebindPairs > maxPairs) {
            throw new InvalidValueException("prebindPairs", prebindPairs + " must lie within 0.." + maxPairs
                    + " (maxPairs); 0 binds as calls come");
        }
        if (quarantine == null || quarantine.isNegative()) {
            throw new InvalidValueException("quarantine", quarantine + " must not be negative (e.g. 500ms)");
        }
        if (reserveDescriptors < 0) {
            throw new InvalidValueException("reserveDescriptors", reserveDescriptors
                    + " is negative (file descriptors the relay leaves to the rest of the process; e.g. 1024)");
        }
    }

    /**
     * How many sockets the relays may hold together under the process's open-file {@code limit} (e.g.
     * {@link #processDescriptorLimit()}): the limit less {@code reserveDescriptors}, at least half of it;
     * {@link Integer#MAX_VALUE} when the limit is unknown.
     */
    public int relaySocketBudget(long limit) {
        if (limit <= 0) {
            return Integer.MAX_VALUE;
        }
        return (int) Math.min(Integer.MAX_VALUE, Math.max(limit - reserveDescriptors, limit / 2));
    }

    /**
     * A warning when the pools of {@code relays} relays (one per media address) may hold more sockets than
     * the {@linkplain #relaySocketBudget budget} under {@code limit} allows (not checked when unknown): they
     * never fill, and calls past the budget get pairs still in quarantine or 503.
     */
    public Optional<String> descriptorWarning(long limit, int relays) {
        long held = 2L * maxPairs * relays;
        int budget = relaySocketBudget(limit);
        if (limit <= 0 || held <= budget) {
            return Optional.empty();
        }
        return Optional.of("media.socketPool.maxPairs " + maxPairs + " on " + relays + " media address(es) may hold "
                + held + " file descriptors, more than the relay's budget of " + budget + " (this process's limit of "
                + limit + " (ulimit -n) less reserveDescriptors " + reserveDescriptors + "): calls past it get pairs"
                + " still in quarantine or 503. Lower maxPairs to at most " + budget / 2 / relays
                + " or raise the limit.");
    }

    /** This process's open-file limit, or -1 where the JVM does not say. */
    public static long processDescriptorLimit() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean unix
                ? unix.getMaxFileDescriptorCount() : -1;
    }
}
