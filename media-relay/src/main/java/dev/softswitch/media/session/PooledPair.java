package dev.softswitch.media.session;

import dev.softswitch.media.pipeline.DatagramReceiver;
import dev.softswitch.media.pipeline.PooledSocket;
import dev.softswitch.media.session.PortPairBinder.BoundPair;
import io.netty.channel.EventLoop;
import java.util.Objects;

/**
 * A bound RTP/RTCP port pair of the {@link RelaySocketPool}, lent to one session at a time. Its
 * sockets stay bound between sessions; only the handler they deliver to changes. A <em>single</em>
 * (an rtcp-mux client leg, RFC 5761) has an RTP socket only: its {@link #rtcp()} is {@code null}.
 * Used on its event loop only.
 */
final class PooledPair {

    /** Where the pair is: with a session, back in the pool, or closed for good. */
    enum State { LENT, RETURNED, CLOSED }

    private final BoundPair bound;
    private final EventLoop loop;
    private State state = State.LENT;
    /** When the pair came back, or when its quarantine last restarted because a packet came in. */
    private long quietFromNanos;

    PooledPair(BoundPair bound, EventLoop loop) {
        this.bound = Objects.requireNonNull(bound, "bound");
        this.loop = Objects.requireNonNull(loop, "loop");
    }

    int port() {
        return bound.port();
    }

    PooledSocket rtp() {
        return bound.rtp();
    }

    /** The RTCP socket, {@code null} for a single. */
    PooledSocket rtcp() {
        return bound.rtcp();
    }

    /** Whether this is a pair (an RTCP socket beside the RTP one) rather than a single. */
    boolean hasRtcp() {
        return bound.rtcp() != null;
    }

    /** The sockets bound: 2 for a pair, 1 for a single. */
    int sockets() {
        return bound.sockets();
    }

    BoundPair bound() {
        return bound;
    }

    EventLoop loop() {
        return loop;
    }

    State state() {
        return state;
    }

    /**
     * Hands what the sockets receive to a session's forwarding handlers. {@code rtcpForwarding} may be
     * {@code null} (an rtcp-mux leg): a pair's RTCP socket then stays reclaimed, dropping and counting
     * what it receives.
     */
    void lend(DatagramReceiver rtpForwarding, DatagramReceiver rtcpForwarding) {
        bound.rtp().lend(rtpForwarding);
        if (bound.rtcp() != null) {
            if (rtcpForwarding == null) {
                bound.rtcp().reclaim();
            } else {
                bound.rtcp().lend(rtcpForwarding);
            }
        }
        state = State.LENT;
    }

    /** Takes the sockets back from the session: from now on what they receive is dropped. */
    void reclaim(long nowNanos) {
        bound.rtp().reclaim();
        if (bound.rtcp() != null) {
            bound.rtcp().reclaim();
        }
        quietFromNanos = nowNanos;
        state = State.RETURNED;
    }

    /** Marks the pair taken out of the pool for a session that has not lent its handlers yet. */
    void take() {
        state = State.LENT;
    }

    void markClosed() {
        bound.rtp().reclaim();
        if (bound.rtcp() != null) {
            bound.rtcp().reclaim();
        }
        state = State.CLOSED;
    }

    /** When the pair's quarantine ends if nothing more comes in. */
    long quietFromNanos() {
        return quietFromNanos;
    }

    /**
     * Whether neither socket has received anything for {@code quarantineNanos} since the pair came
     * back; if one has, the quarantine restarts from now.
     */
    boolean quietFor(long nowNanos, long quarantineNanos) {
        long since = nowNanos - quarantineNanos;
        if (quietFromNanos - since > 0) {
            return false;
        }
        if (bound.rtp().quietSince(since) && (bound.rtcp() == null || bound.rtcp().quietSince(since))) {
            return true;
        }
        quietFromNanos = nowNanos;
        return false;
    }

    /** Whether its sockets (both, or a single's one) are still open and bound. */
    boolean isOpen() {
        return bound.rtp().isOpen() && (bound.rtcp() == null || bound.rtcp().isOpen());
    }
}
