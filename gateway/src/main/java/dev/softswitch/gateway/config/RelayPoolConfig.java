package dev.softswitch.gateway.config;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Optional;

/**
 * How the media relay keeps bound sockets between calls (issue 14): at most {@code maxPairs}
 * RTP/RTCP port pairs stay bound (two file descriptors each; 0 binds and closes four sockets per
 * call), {@code prebindPairs} of them bound at start rather than as calls come, and a returned pair
 * goes to another call only after {@code quarantine} without a packet.
 */
public record RelayPoolConfig(int maxPairs, int prebindPairs, Duration quarantine) {

    /** Up to 4,096 pairs, none bound at start, 500 ms of quiet before a pair is lent again. */
    public static final RelayPoolConfig DEFAULT = new RelayPoolConfig(4096, 0, Duration.ofMillis(500));

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
    }

    /**
     * A warning when the pool may hold more than half of the process's file descriptors ({@code limit}, e.g.
     * {@link #processDescriptorLimit()}; not checked when unknown): the rest must serve the calls the pool
     * cannot, SIP connections and the journal, and a relay out of descriptors refuses calls.
     */
    public Optional<String> descriptorWarning(long limit) {
        long held = 2L * maxPairs;
        if (limit <= 0 || held <= limit / 2) {
            return Optional.empty();
        }
        return Optional.of("media.socketPool.maxPairs " + maxPairs + " may hold " + held + " file descriptors, more"
                + " than half of this process's limit of " + limit + " (ulimit -n): calls beyond the rest cannot bind"
                + " relay ports. Lower maxPairs to at most " + limit / 4 + " or raise the limit.");
    }

    /** This process's open-file limit, or -1 where the JVM does not say. */
    public static long processDescriptorLimit() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean unix
                ? unix.getMaxFileDescriptorCount() : -1;
    }
}
