package dev.softswitch.gateway.config;

import java.time.Duration;
import java.util.List;

/**
 * The media relay's address and UDP port range (RTP takes the even port, RTCP the next, RFC 3550
 * §11), how long an answered call may go without RTP before it is ended (MED-5): {@code timeout}
 * while active, {@code holdTimeout} while on hold, and how bound sockets are kept between calls.
 * {@code moreHosts} are further relay addresses, each with the same port range, pool and its own relay
 * thread: one address holds at most a quarter of its port range in calls (4 ports a call).
 * {@code clientRtcpMux}: a client offering a=rtcp-mux (RFC 5761) gets it, and its leg one socket instead of
 * two (default); false answers every client without it (RTCP on RTP + 1), for clients that offer it and
 * still send RTCP to the next port.
 */
public record MediaConfig(String host, int portMin, int portMax, Duration timeout, Duration holdTimeout,
                          RelayPoolConfig socketPool, List<String> moreHosts, boolean clientRtcpMux) {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_HOLD_TIMEOUT = Duration.ofHours(2);

    /** A relay with the default media timeouts and socket pool. */
    public MediaConfig(String host, int portMin, int portMax) {
        this(host, portMin, portMax, DEFAULT_TIMEOUT, DEFAULT_HOLD_TIMEOUT);
    }

    /** A relay with the default socket pool. */
    public MediaConfig(String host, int portMin, int portMax, Duration timeout, Duration holdTimeout) {
        this(host, portMin, portMax, timeout, holdTimeout, RelayPoolConfig.DEFAULT);
    }

    /** A relay on one address. */
    public MediaConfig(String host, int portMin, int portMax, Duration timeout, Duration holdTimeout,
                       RelayPoolConfig socketPool) {
        this(host, portMin, portMax, timeout, holdTimeout, socketPool, List.of(), true);
    }

    public MediaConfig {
        Checks.notBlank("host", host);
        moreHosts = List.copyOf(moreHosts == null ? List.of() : moreHosts);
        for (String more : moreHosts) {
            Checks.notBlank("moreHosts", more);
            if (more.equals(host) || moreHosts.indexOf(more) != moreHosts.lastIndexOf(more)) {
                throw new InvalidValueException("moreHosts", more + " is named twice (each address has its own ports)");
            }
        }
        Checks.port("portMin", portMin);
        Checks.port("portMax", portMax);
        if (portMin % 2 != 0) {
            throw new InvalidValueException("portMin", portMin + " is odd (RTP uses even ports; use " + (portMin - 1)
                    + " or " + (portMin + 1) + ")");
        }
        if (portMin >= portMax) {
            throw new InvalidValueException("portMax", portMax + " is not above portMin " + portMin
                    + " (use a larger number, e.g. " + Math.min(65535, portMin + 9999) + ")");
        }
        if (timeout == null || timeout.isZero() || timeout.isNegative()) {
            throw new InvalidValueException("timeout", timeout + " must be positive (e.g. 30s)");
        }
        if (holdTimeout == null || holdTimeout.compareTo(timeout) < 0) {
            throw new InvalidValueException("holdTimeout", holdTimeout + " must not be shorter than timeout " + timeout
                    + " (e.g. 2h)");
        }
        if (socketPool == null) {
            throw new InvalidValueException("socketPool", "is missing (e.g. { maxPairs: 4096 })");
        }
        int pairs = (portMax - portMin + 1) / 2;
        if (socketPool.prebindPairs() > pairs) {
            throw new InvalidValueException("prebindPairs", socketPool.prebindPairs() + " is more than the " + pairs
                    + " port pairs in " + portMin + ".." + portMax);
        }
    }
}
