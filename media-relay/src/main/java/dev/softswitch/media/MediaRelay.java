package dev.softswitch.media;

import dev.softswitch.media.pipeline.RelayEndpoint;
import dev.softswitch.media.pipeline.RelayTotals;
import dev.softswitch.media.session.MediaTimeoutWatcher;
import dev.softswitch.media.session.PortAllocator;
import dev.softswitch.media.session.PortsExhaustedException;
import dev.softswitch.media.session.RelayLeg;
import dev.softswitch.media.session.RelaySession;
import dev.softswitch.media.session.RelaySocketPool;
import dev.softswitch.media.session.SessionAllocator;
import dev.softswitch.media.session.SessionRegistry;
import dev.softswitch.media.session.SessionStats;
import dev.softswitch.media.session.SocketBudget;
import dev.softswitch.media.session.SocketPoolSettings;
import io.netty.channel.EventLoop;
import io.netty.channel.epoll.Epoll;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The RTP/RTCP relay (PRODUCT MED-1, MED-2): allocates per-call sessions of two legs, each an even
 * RTP port and the odd RTCP port after it, and forwards packets between the legs. Uses epoll when
 * the native transport is available, NIO otherwise; all sockets share one event loop group, and
 * the sockets of a session (four, or three when the client leg muxes RTCP on its RTP port, RFC 5761)
 * share one event loop so forwarding never crosses threads. A sweep
 * on each event loop checks the media timeouts of its sessions (MED-5). A façade: the event loops
 * are a {@code RelayTransport}, binding a session is a {@link SessionAllocator}, the sockets kept
 * bound between calls a {@link RelaySocketPool}, the live sessions a {@link SessionRegistry} and the
 * sweep a {@link MediaTimeoutWatcher}.
 */
public final class MediaRelay implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MediaRelay.class);

    private final RelayTransport transport;
    private final PortAllocator ports;
    private final RelayTotals totals = new RelayTotals();
    private final SessionRegistry sessions = new SessionRegistry();
    private final SessionAllocator allocator;
    private final RelaySocketPool pool;
    private final MediaTimeoutWatcher timeouts;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Sessions allocated with the client leg muxing RTCP on its RTP port (RFC 5761). */
    private final LongAdder rtcpMuxSessions = new LongAdder();

    private MediaRelay(MediaRelayConfig config, InetAddress bindAddress, boolean epoll, LongSupplier nanoTime,
                       Duration sweepInterval, Duration latchWindow, SocketPoolSettings pooling, SocketBudget budget) {
        this.transport = new RelayTransport(config.ioThreads(), epoll, bindAddress);
        this.ports = new PortAllocator(config.portMin(), config.portMax());
        this.allocator = new SessionAllocator(transport.bootstrap(), bindAddress, ports, transport.loops(), epoll, pooling, budget,
                sessions, totals, nanoTime, latchWindow, closed::get);
        this.pool = allocator.pool();
        this.timeouts = new MediaTimeoutWatcher(transport.loops(), sessions, nanoTime, sweepInterval);
    }

    /** Starts a relay with the native epoll transport if available, NIO otherwise. */
    public static MediaRelay start(MediaRelayConfig cfg) {
        return builder(cfg).start();
    }

    static MediaRelay start(MediaRelayConfig cfg, boolean epoll) {
        return builder(cfg).epoll(epoll).start();
    }

    /** A relay with settings beyond the configuration: transport, time source, sweep interval, latching window. */
    public static Builder builder(MediaRelayConfig cfg) {
        return new Builder(cfg);
    }

    /** Builds a {@link MediaRelay}; every setting has a default. */
    public static final class Builder {
        private final MediaRelayConfig cfg;
        private boolean epoll = Epoll.isAvailable();
        private LongSupplier nanoTime = System::nanoTime;
        private Duration sweepInterval = Duration.ofSeconds(1);
        private Duration latchWindow = RelayEndpoint.DEFAULT_LATCH_WINDOW;
        private SocketPoolSettings pooling = SocketPoolSettings.DEFAULT;
        private SocketBudget budget = SocketBudget.unlimited();

        private Builder(MediaRelayConfig cfg) {
            this.cfg = Objects.requireNonNull(cfg, "cfg");
        }

        /** Native epoll ({@code true}, the default where available) or NIO. */
        public Builder epoll(boolean useEpoll) {
            if (useEpoll && !Epoll.isAvailable()) {
                throw new IllegalStateException("native epoll is not available", Epoll.unavailabilityCause());
            }
            this.epoll = useEpoll;
            return this;
        }

        /** The monotonic clock for packet arrival times, media timeouts and latching windows; tests pass a fake one. */
        public Builder nanoTime(LongSupplier clock) {
            this.nanoTime = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** How often each event loop checks its sessions for media timeouts; 1 s by default. */
        public Builder sweepInterval(Duration interval) {
            if (interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException("sweep interval " + interval + " must be positive");
            }
            this.sweepInterval = interval;
            return this;
        }

        /**
         * How long after a leg's remote is signalled ({@link RelayLeg#setRemoteRtp}: call setup or
         * re-INVITE) the first packet from another source than the signalled address may latch the
         * leg to that source, if the source has proved itself (MED-2: SRTP authentication, or an
         * allowed IP address on a plain leg); afterwards only the signalled address is accepted
         * until the remote is signalled again. 5 s by default; zero disables latching to other
         * sources.
         */
        public Builder latchWindow(Duration window) {
            this.latchWindow = RelayEndpoint.checkLatchWindow(window);
            return this;
        }

        /**
         * How bound sockets are kept between calls: {@link SocketPoolSettings#DEFAULT} unless set;
         * {@link SocketPoolSettings#OFF} binds and closes four sockets per call.
         */
        public Builder socketPool(SocketPoolSettings settings) {
            this.pooling = Objects.requireNonNull(settings, "settings");
            return this;
        }

        /**
         * How many sockets the relay may hold open at once, shared with the process's other relays;
         * {@link SocketBudget#unlimited()} unless set. A pair that would overdraw it is not bound: the
         * call gets an idle pair, even one in quarantine, or is refused.
         */
        public Builder socketBudget(SocketBudget sockets) {
            this.budget = Objects.requireNonNull(sockets, "sockets");
            return this;
        }

        /**
         * Starts the relay; with {@link SocketPoolSettings#prebindPairs} set, binds those pairs
         * first (failing if they cannot all be bound).
         */
        public MediaRelay start() {
            InetAddress bindAddress;
            try {
                bindAddress = InetAddress.getByName(cfg.bindHost());
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("bindHost " + cfg.bindHost() + " does not resolve", e);
            }
            MediaRelay relay = new MediaRelay(cfg, bindAddress, epoll, nanoTime, sweepInterval, latchWindow, pooling,
                    budget);
            if (pooling.prebindPairs() > 0) {
                try {
                    relay.pool.prebind(pooling.prebindPairs()).join();
                } catch (CompletionException e) {
                    relay.close();
                    throw new IllegalStateException("cannot bind " + pooling.prebindPairs() + " relay port pairs at start",
                            e.getCause());
                }
            }
            log.info("media relay started on {} ports {}..{}, {} io threads, {} transport, pool of up to {} port"
                            + " pairs ({} bound at start)", bindAddress.getHostAddress(), cfg.portMin(), cfg.portMax(),
                    cfg.ioThreads(), relay.transport.name(), pooling.maxPairs(), pooling.prebindPairs());
            return relay;
        }
    }

    /**
     * Binds the four sockets of a new session. Blocks until they are bound (microseconds when the
     * relay is idle, more under CPU contention; a thread that must not stall uses
     * {@link #allocateAsync}); must not be called from the relay's own event loop.
     *
     * @throws PortsExhaustedException if no free port pair can be bound for one of the legs
     * @throws IllegalStateException if the relay is closed or this is one of its event loops
     */
    public RelaySession allocate(String callId) throws PortsExhaustedException {
        return allocate(callId, false);
    }

    /**
     * As {@link #allocate(String)}; with {@code clientRtcpMux} the client leg muxes RTP and RTCP on its RTP
     * port (RFC 5761), three sockets in all: see {@link #allocateAsync(String, boolean)}.
     */
    public RelaySession allocate(String callId, boolean clientRtcpMux) throws PortsExhaustedException {
        if (transport.inEventLoop()) {
            throw new IllegalStateException("allocate blocks; on the relay's event loop use allocateAsync");
        }
        try {
            return allocateAsync(callId, clientRtcpMux).join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof PortsExhaustedException exhausted) {
                throw new PortsExhaustedException(exhausted.getMessage(), exhausted);
            }
            if (cause instanceof IllegalStateException closedRelay) {
                throw new IllegalStateException(closedRelay.getMessage(), closedRelay);
            }
            throw e;
        }
    }

    /**
     * Binds the four sockets of a new session without blocking the caller: the binding runs on the
     * event loop the session will live on, and the future completes there, so dependent stages that
     * must not run on the relay's thread should use an {@code *Async} variant with their own
     * executor. Port pairs that another process holds are skipped as by {@link #allocate}. If the
     * future is cancelled or already completed when the session is ready, the session is closed
     * again, so no ports leak.
     *
     * @return the session; or failed with {@link PortsExhaustedException} if no free port pair can
     *         be bound for one of the legs, with {@link IllegalStateException} if the relay is closed
     */
    public CompletableFuture<RelaySession> allocateAsync(String callId) {
        return allocateAsync(callId, false);
    }

    /**
     * As {@link #allocateAsync(String)}; with {@code clientRtcpMux} (the client offered a=rtcp-mux and
     * its formats can be demultiplexed, RFC 5761) the client leg binds its RTP port only: RTCP from the
     * client arrives there and RTCP to it is sent from there to its RTP address, with one latch for both
     * ({@link RelayLeg#isRtcpMux()}, {@code clientLeg().localRtcp()} is {@code localRtp()}). The session then
     * holds three sockets instead of four. The carrier leg is never muxed.
     */
    public CompletableFuture<RelaySession> allocateAsync(String callId, boolean clientRtcpMux) {
        Objects.requireNonNull(callId, "callId");
        if (closed.get()) {
            return CompletableFuture.failedFuture(new IllegalStateException("media relay is closed"));
        }
        EventLoop loop = transport.next();
        CompletableFuture<RelaySession> result = new CompletableFuture<>();
        try {
            loop.execute(() -> allocator.allocate(callId, loop, clientRtcpMux, result));
        } catch (RejectedExecutionException e) {
            result.completeExceptionally(new IllegalStateException("media relay is closed", e));
        }
        if (clientRtcpMux) {
            result.thenRun(rtcpMuxSessions::increment);
        }
        return result;
    }

    /** Sessions allocated since start whose client leg muxes RTCP on its RTP port (RFC 5761). */
    public long rtcpMuxSessions() {
        return rtcpMuxSessions.sum();
    }

    /**
     * Ports (sockets) bound by live sessions, RTP and RTCP counted separately: 4 per session, 3 when the
     * client leg muxes RTCP; idle pooled ones are not.
     */
    public int portsInUse() {
        return Math.max(0, pool.boundSockets() - pool.idleSockets());
    }

    /** Ports (sockets) bound and idle in the socket pool, waiting for the next call (in quarantine or ready). */
    public int portsPooled() {
        return pool.idleSockets();
    }

    /** The sockets this relay counts against, shared with the process's other relays. */
    public SocketBudget socketBudget() {
        return allocator.pool().socketBudget();
    }

    /**
     * Port pairs lent to a call before their quarantine was over, because no other could be bound
     * (range or file descriptors exhausted): late packets of the previous call may reach such a call.
     */
    public long pairsLentInQuarantine() {
        return pool.lentInQuarantine();
    }

    public int sessionsActive() {
        return sessions.size();
    }

    /** Packets forwarded since start, all sessions, RTP and RTCP. */
    public long packetsRelayed() {
        return totals.packetsRelayed();
    }

    /** UDP payload bytes forwarded since start. */
    public long bytesRelayed() {
        return totals.bytesRelayed();
    }

    /** Packets received but not forwarded: source refused by latching, SRTP refusal, or no remote to send to. */
    public long packetsDropped() {
        return totals.packetsDropped();
    }

    /**
     * Packets dropped because of their source (MED-2): on a plain leg a source whose IP address is
     * neither the signalled one nor an allowed one, a second source after latching, or a stranger
     * after the latching window; part of {@link #packetsDropped()}. On an SRTP leg a packet that
     * fails authentication is counted as an SRTP refusal instead.
     */
    public long packetsRefusedSource() {
        return totals.packetsRefusedSource();
    }

    /** RTCP packets received from peers and accepted, all sessions. */
    public long rtcpPackets() {
        return totals.rtcpPackets();
    }

    /** RTP packets expected (RFC 3550 A.3) by all sessions since start, live and closed. */
    public long rtpPacketsExpected() {
        return sessions.rtpPacketsExpected();
    }

    /**
     * RTP packets lost (RFC 3550 A.3) on the way to the relay, all sessions since start, live and
     * closed. A live session's share can go down when a late packet arrives.
     */
    public long rtpPacketsLost() {
        return sessions.rtpPacketsLost();
    }

    /** Calls {@code observer} with the final figures of every session that closes from now on. */
    public void onSessionClosed(Consumer<SessionStats> observer) {
        sessions.onSessionClosed(observer);
    }

    /** Runs the media timeout sweep on every event loop now and waits for it; for tests. */
    void sweepNow() throws Exception {
        timeouts.sweepNow();
    }

    /** Closes every session, then the idle pooled sockets, then the event loop group; waits a bounded time. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        List<CompletableFuture<Void>> closing = new ArrayList<>();
        for (RelaySession session : sessions.sessions()) {
            closing.add(session.closeAsync());
        }
        CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new))
                .exceptionally(e -> null)
                .join();
        try {
            pool.close().get(5, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            log.warn("closing the relay's idle sockets failed; the event loop shutdown closes them", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        transport.shutdown();
        log.info("media relay stopped after relaying {} packets", packetsRelayed());
    }
}
