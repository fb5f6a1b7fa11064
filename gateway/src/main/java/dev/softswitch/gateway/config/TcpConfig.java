package dev.softswitch.gateway.config;

import java.time.Duration;

/**
 * Bounds on inbound TCP and TLS connections (issue 11): at most {@code maxConnections} open and
 * {@code maxPerAddress} from one source IP (the rest are closed at accept); one with no traffic for
 * {@code idleTimeout}, or that started a message and did not finish it within {@code messageTimeout}, is
 * closed.
 */
public record TcpConfig(int maxConnections, int maxPerAddress, Duration idleTimeout, Duration messageTimeout) {

    /** 10,000 connections, 100 per address, 120 s idle, 10 s to finish a message. */
    public static final TcpConfig DEFAULT = new TcpConfig(10_000, 100, Duration.ofSeconds(120), Duration.ofSeconds(10));

    public TcpConfig {
        Checks.between("maxConnections", maxConnections, 1, 1_000_000);
        if (maxPerAddress < 1 || maxPerAddress > maxConnections) {
            throw new InvalidValueException("maxPerAddress", maxPerAddress + " is out of range (use 1.."
                    + maxConnections + ", at most maxConnections)");
        }
        Checks.positive("idleTimeout", idleTimeout);
        Checks.positive("messageTimeout", messageTimeout);
        if (messageTimeout.compareTo(idleTimeout) > 0) {
            throw new InvalidValueException("messageTimeout", "must not be longer than idleTimeout ("
                    + idleTimeout.toSeconds() + "s); a message takes seconds, e.g. messageTimeout: 10s");
        }
    }
}
