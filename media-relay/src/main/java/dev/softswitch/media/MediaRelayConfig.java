package dev.softswitch.media;

import java.util.Objects;

/**
 * Where the relay binds and which UDP ports it may use. Ports are handed out in pairs, an even RTP
 * port and the next odd RTCP port (RFC 3550 section 11), so {@code portMin} must be even.
 *
 * @param bindHost  local address every relay socket binds to
 * @param portMin   lowest port of the range, even, at least 1024
 * @param portMax   highest port of the range, at most 65535
 * @param ioThreads number of event loop threads shared by all sessions
 */
public record MediaRelayConfig(String bindHost, int portMin, int portMax, int ioThreads) {

    static final int LOWEST_PORT = 1024;
    static final int HIGHEST_PORT = 65535;

    public MediaRelayConfig {
        Objects.requireNonNull(bindHost, "bindHost");
        if (bindHost.isBlank()) {
            throw new IllegalArgumentException("bindHost must not be blank");
        }
        if (portMin < LOWEST_PORT || portMax > HIGHEST_PORT) {
            throw new IllegalArgumentException("port range " + portMin + ".." + portMax
                    + " must lie within " + LOWEST_PORT + ".." + HIGHEST_PORT);
        }
        if (portMin % 2 != 0) {
            throw new IllegalArgumentException("portMin " + portMin + " must be even (RTP on even ports)");
        }
        if (portMin >= portMax) {
            throw new IllegalArgumentException("portMin " + portMin + " must be below portMax " + portMax);
        }
        if (ioThreads < 1) {
            throw new IllegalArgumentException("ioThreads " + ioThreads + " must be at least 1");
        }
    }
}
