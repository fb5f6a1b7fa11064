package dev.softswitch.media.session;

import dev.softswitch.media.pipeline.PooledSocketHandler;
import dev.softswitch.media.session.PortPairBinder.BoundPair;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandler;
import io.netty.channel.EventLoop;
import java.util.Objects;

/**
 * A bound RTP/RTCP port pair of the {@link RelaySocketPool}, lent to one session at a time. Its
 * sockets stay bound between sessions; only the handler they deliver to changes. Used on its event
 * loop only.
 */
final class PooledPair {

    /** Where the pair is: with a session, back in the pool, or closed for good. */
    enum State { LENT, RETURNED, CLOSED }

    private final BoundPair bound;
    private final PooledSocketHandler rtpHandler;
    private final PooledSocketHandler rtcpHandler;
    private final EventLoop loop;
    private State state = State.LENT;
    /** When the pair came back, or when its quarantine last restarted because a packet came in. */
    private long quietFromNanos;

    PooledPair(BoundPair bound, EventLoop loop) {
        this.bound = Objects.requireNonNull(bound, "bound");
        this.loop = Objects.requireNonNull(loop, "loop");
        this.rtpHandler = bound.rtp().pipeline().get(PooledSocketHandler.class);
        this.rtcpHandler = bound.rtcp().pipeline().get(PooledSocketHandler.class);
        if (rtpHandler == null || rtcpHandler == null) {
            throw new IllegalArgumentException("port " + bound.port() + " was not bound with pooled socket handlers");
        }
    }

    int port() {
        return bound.port();
    }

    Channel rtp() {
        return bound.rtp();
    }

    Channel rtcp() {
        return bound.rtcp();
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

    /** Hands what the sockets receive to a session's forwarding handlers. */
    void lend(ChannelInboundHandler rtpForwarding, ChannelInboundHandler rtcpForwarding) {
        rtpHandler.lend(rtpForwarding);
        rtcpHandler.lend(rtcpForwarding);
        state = State.LENT;
    }

    /** Takes the sockets back from the session: from now on what they receive is dropped. */
    void reclaim(long nowNanos) {
        rtpHandler.reclaim();
        rtcpHandler.reclaim();
        quietFromNanos = nowNanos;
        state = State.RETURNED;
    }

    /** Marks the pair taken out of the pool for a session that has not lent its handlers yet. */
    void take() {
        state = State.LENT;
    }

    void markClosed() {
        rtpHandler.reclaim();
        rtcpHandler.reclaim();
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
        if (rtpHandler.quietSince(since) && rtcpHandler.quietSince(since)) {
            return true;
        }
        quietFromNanos = nowNanos;
        return false;
    }

    /** Whether both sockets are still open and bound. */
    boolean isOpen() {
        return bound.rtp().isActive() && bound.rtcp().isActive();
    }
}
