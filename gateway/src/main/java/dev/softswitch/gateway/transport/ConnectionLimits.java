package dev.softswitch.gateway.transport;

import java.time.Duration;
import java.util.Objects;

/**
 * Bounds on inbound TCP and TLS connections (issue 11): at most {@code maxConnections} open at once and
 * {@code maxPerAddress} from one source IP, the rest closed at accept; a connection with no traffic
 * either way for {@code idleTimeout} is closed, and so is one that started a message and did not finish
 * it within {@code messageTimeout} (slowloris). Each connection's buffer is bounded by the transport's
 * {@code maxMessageBytes}.
 */
public record ConnectionLimits(int maxConnections, int maxPerAddress, Duration idleTimeout, Duration messageTimeout) {

    public static final int DEFAULT_MAX_CONNECTIONS = 10_000;
    public static final int DEFAULT_MAX_PER_ADDRESS = 100;
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(120);
    public static final Duration DEFAULT_MESSAGE_TIMEOUT = Duration.ofSeconds(10);

    public ConnectionLimits {
        if (maxConnections < 1) {
            throw new IllegalArgumentException("maxConnections must be at least 1: " + maxConnections);
        }
        if (maxPerAddress < 1 || maxPerAddress > maxConnections) {
            throw new IllegalArgumentException("maxPerAddress must be within [1, maxConnections " + maxConnections
                    + "]: " + maxPerAddress);
        }
        requirePositive("idleTimeout", idleTimeout);
        requirePositive("messageTimeout", messageTimeout);
    }

    public static ConnectionLimits defaults() {
        return new ConnectionLimits(DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_PER_ADDRESS, DEFAULT_IDLE_TIMEOUT,
                DEFAULT_MESSAGE_TIMEOUT);
    }

    private static void requirePositive(String name, Duration value) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + value);
        }
    }
}
