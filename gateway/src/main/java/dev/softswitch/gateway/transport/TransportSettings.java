package dev.softswitch.gateway.transport;

import java.time.Clock;
import java.util.Objects;

/**
 * Tunables of {@link SipTransport}.
 *
 * <p>{@code maxMessageBytes} bounds a whole message (start line, headers and body) on every
 * transport; anything larger is answered with 513 (RFC 3261 §21.5.14). The default, 16 KiB, holds
 * an INVITE with a large SDP offer and long Record-Route sets with room to spare, while keeping the
 * memory a stalled TCP peer can pin small. The upper bound is the largest UDP payload.
 * {@code eventLoopThreads} 0 means Netty's default (twice the cores). {@code connectionLimits} bound
 * TCP and TLS connections: how many, from one address, and how long idle or mid-message.
 */
public record TransportSettings(int maxMessageBytes, int eventLoopThreads, Clock clock,
        ConnectionLimits connectionLimits) {

    public static final int DEFAULT_MAX_MESSAGE_BYTES = 16_384;
    /** The smallest limit accepted: a plain INVITE must fit. */
    public static final int MIN_MAX_MESSAGE_BYTES = 512;
    /** The largest UDP payload over IPv4. */
    public static final int MAX_MAX_MESSAGE_BYTES = 65_507;

    public TransportSettings {
        if (maxMessageBytes < MIN_MAX_MESSAGE_BYTES || maxMessageBytes > MAX_MAX_MESSAGE_BYTES) {
            throw new IllegalArgumentException("maxMessageBytes must be within [" + MIN_MAX_MESSAGE_BYTES
                    + ", " + MAX_MAX_MESSAGE_BYTES + "]: " + maxMessageBytes);
        }
        if (eventLoopThreads < 0) {
            throw new IllegalArgumentException("eventLoopThreads must not be negative: " + eventLoopThreads);
        }
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(connectionLimits, "connectionLimits");
    }

    public static TransportSettings defaults() {
        return new TransportSettings(DEFAULT_MAX_MESSAGE_BYTES, 0, Clock.systemUTC(), ConnectionLimits.defaults());
    }

    public TransportSettings withMaxMessageBytes(int bytes) {
        return new TransportSettings(bytes, eventLoopThreads, clock, connectionLimits);
    }

    public TransportSettings withEventLoopThreads(int threads) {
        return new TransportSettings(maxMessageBytes, threads, clock, connectionLimits);
    }

    public TransportSettings withClock(Clock newClock) {
        return new TransportSettings(maxMessageBytes, eventLoopThreads, newClock, connectionLimits);
    }

    public TransportSettings withConnectionLimits(ConnectionLimits limits) {
        return new TransportSettings(maxMessageBytes, eventLoopThreads, clock, limits);
    }
}
