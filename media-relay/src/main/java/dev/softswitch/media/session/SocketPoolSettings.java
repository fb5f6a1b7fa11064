package dev.softswitch.media.session;

import java.time.Duration;
import java.util.Objects;

/**
 * How the relay keeps bound sockets between calls instead of binding and closing four per call
 * (issue 14); see {@link RelaySocketPool}.
 *
 * @param maxPairs     most RTP/RTCP port pairs the pool keeps bound, lent and idle together (two
 *                     file descriptors each; an rtcp-mux leg's single, one descriptor, counts as a
 *                     pair, and is chosen among singles only); past it a call binds its own pair and closes it
 *                     afterwards. 0 turns pooling off: every call binds and closes its sockets
 * @param minChoice    a call takes an idle pair only when at least this many are idle on its event
 *                     loop (or the pool is full), drawn at random among them, so that a call's ports
 *                     cannot be guessed from the last call's (MED-2); else it binds a new pair drawn
 *                     at random from the whole range, which joins the pool when the call ends
 * @param prebindPairs pairs bound when the relay starts, at most {@code maxPairs}; 0 binds lazily
 * @param quarantine   how long a returned pair must have received nothing before another call gets
 *                     it, so that late packets of the old call never reach the new one
 */
public record SocketPoolSettings(int maxPairs, int minChoice, int prebindPairs, Duration quarantine) {

    /** Up to 4,096 pairs (8,192 sockets) bound lazily, at least 32 to choose from, 500 ms of quiet. */
    public static final SocketPoolSettings DEFAULT = new SocketPoolSettings(4096, 32, 0, Duration.ofMillis(500));

    /** No pooling: every call binds its four sockets and closes them when it ends. */
    public static final SocketPoolSettings OFF = new SocketPoolSettings(0, 0, 0, Duration.ZERO);

    public SocketPoolSettings {
        Objects.requireNonNull(quarantine, "quarantine");
        if (maxPairs < 0 || minChoice < 0 || prebindPairs < 0) {
            throw new IllegalArgumentException("pool sizes must not be negative: maxPairs " + maxPairs
                    + ", minChoice " + minChoice + ", prebindPairs " + prebindPairs);
        }
        if (prebindPairs > maxPairs) {
            throw new IllegalArgumentException("prebindPairs " + prebindPairs + " exceeds maxPairs " + maxPairs);
        }
        if (quarantine.isNegative()) {
            throw new IllegalArgumentException("quarantine " + quarantine + " must not be negative");
        }
    }

    public SocketPoolSettings withMaxPairs(int pairs) {
        return new SocketPoolSettings(pairs, minChoice, Math.min(prebindPairs, pairs), quarantine);
    }

    public SocketPoolSettings withMinChoice(int pairs) {
        return new SocketPoolSettings(maxPairs, pairs, prebindPairs, quarantine);
    }

    public SocketPoolSettings withPrebindPairs(int pairs) {
        return new SocketPoolSettings(maxPairs, minChoice, pairs, quarantine);
    }

    public SocketPoolSettings withQuarantine(Duration quiet) {
        return new SocketPoolSettings(maxPairs, minChoice, prebindPairs, quiet);
    }

    /** Whether sockets are kept between calls at all. */
    public boolean pooling() {
        return maxPairs > 0;
    }
}
