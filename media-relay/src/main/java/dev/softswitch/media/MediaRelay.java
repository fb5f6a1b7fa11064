package dev.softswitch.media;

import dev.softswitch.media.pipeline.DirectionCounter;
import dev.softswitch.media.pipeline.PacketKind;
import dev.softswitch.media.pipeline.RelayEndpoint;
import dev.softswitch.media.pipeline.RelayForwardingHandler;
import dev.softswitch.media.pipeline.RelayTotals;
import dev.softswitch.media.session.PortAllocator;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import io.netty.channel.socket.DatagramChannel;
import io.netty.util.concurrent.EventExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The RTP/RTCP relay (PRODUCT MED-1, MED-2): allocates per-call sessions of two legs, each an even
 * RTP port and the odd RTCP port after it, and forwards packets between the legs. Uses epoll when
 * the native transport is available, NIO otherwise; all sockets share one event loop group, and
 * the four sockets of a session share one event loop so forwarding never crosses threads. A sweep
 * on each event loop checks the media timeouts of its sessions (MED-5).
 */
public final class MediaRelay implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MediaRelay.class);

    /** Ports in the range that another process holds are skipped; this bounds the skipping. */
    private static final int MAX_BIND_ATTEMPTS = 8;

    private final MediaRelayConfig config;
    private final InetAddress bindAddress;
    private final EventLoopGroup group;
    /** Group, transport and options of every relay socket; cloned per socket with its loop and handler. */
    private final Bootstrap bootstrap;
    private final PortAllocator ports;
    private final RelayTotals totals = new RelayTotals();
    private final Set<RelaySession> sessions = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final LongSupplier nanoTime;
    private final Duration latchWindow;
    private final LongAdder closedRtpExpected = new LongAdder();
    private final LongAdder closedRtpLost = new LongAdder();
    private final List<Consumer<SessionStats>> closedObservers = new CopyOnWriteArrayList<>();

    private MediaRelay(MediaRelayConfig config, InetAddress bindAddress, boolean epoll, LongSupplier nanoTime,
                       Duration sweepInterval, Duration latchWindow) {
        this.config = config;
        this.bindAddress = bindAddress;
        this.nanoTime = nanoTime;
        this.latchWindow = latchWindow;
        IoHandlerFactory ioHandlers = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        this.group = new MultiThreadIoEventLoopGroup(config.ioThreads(),
                new DefaultThreadFactory("media-relay", true), ioHandlers);
        ChannelFactory<? extends DatagramChannel> channelFactory =
                epoll ? EpollDatagramChannel::new : NioDatagramChannel::new;
        this.bootstrap = new Bootstrap().group(group).channelFactory(channelFactory);
        this.ports = new PortAllocator(config.portMin(), config.portMax());
        long interval = sweepInterval.toNanos();
        for (EventExecutor loop : group) {
            loop.scheduleAtFixedRate(() -> sweep(loop), interval, interval, TimeUnit.NANOSECONDS);
        }
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
         * leg to that source (MED-2); afterwards only the signalled address is accepted until the
         * remote is signalled again. 5 s by default; zero disables latching to other sources.
         */
        public Builder latchWindow(Duration window) {
            this.latchWindow = RelayEndpoint.checkLatchWindow(window);
            return this;
        }

        public MediaRelay start() {
            InetAddress bindAddress;
            try {
                bindAddress = InetAddress.getByName(cfg.bindHost());
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("bindHost " + cfg.bindHost() + " does not resolve", e);
            }
            MediaRelay relay = new MediaRelay(cfg, bindAddress, epoll, nanoTime, sweepInterval, latchWindow);
            log.info("media relay started on {} ports {}..{}, {} io threads, {} transport",
                    bindAddress.getHostAddress(), cfg.portMin(), cfg.portMax(), cfg.ioThreads(),
                    epoll ? "epoll" : "nio");
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
        for (EventExecutor loop : group) {
            if (loop.inEventLoop()) {
                throw new IllegalStateException("allocate blocks; on the relay's event loop use allocateAsync");
            }
        }
        try {
            return allocateAsync(callId).join();
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
        Objects.requireNonNull(callId, "callId");
        if (closed.get()) {
            return CompletableFuture.failedFuture(new IllegalStateException("media relay is closed"));
        }
        EventLoop loop = group.next();
        CompletableFuture<RelaySession> result = new CompletableFuture<>();
        try {
            loop.execute(() -> new SessionAllocation(callId, loop, result).start());
        } catch (RejectedExecutionException e) {
            result.completeExceptionally(new IllegalStateException("media relay is closed", e));
        }
        return result;
    }

    /** Ports bound by live sessions, RTP and RTCP counted separately (4 per session). */
    public int portsInUse() {
        return ports.pairsInUse() * 2;
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
     * Packets dropped because their source was neither the signalled nor the latched remote
     * (MED-2): a second source after latching, or a stranger after the latching window; part of
     * {@link #packetsDropped()}.
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
        long sum = closedRtpExpected.sum();
        for (RelaySession session : sessions) {
            SessionStats stats = session.quality();
            sum += stats.clientToCarrier().rtpExpected() + stats.carrierToClient().rtpExpected();
        }
        return sum;
    }

    /**
     * RTP packets lost (RFC 3550 A.3) on the way to the relay, all sessions since start, live and
     * closed. A live session's share can go down when a late packet arrives.
     */
    public long rtpPacketsLost() {
        long sum = closedRtpLost.sum();
        for (RelaySession session : sessions) {
            SessionStats stats = session.quality();
            sum += stats.clientToCarrier().rtpLost() + stats.carrierToClient().rtpLost();
        }
        return sum;
    }

    /** Calls {@code observer} with the final figures of every session that closes from now on. */
    public void onSessionClosed(Consumer<SessionStats> observer) {
        closedObservers.add(Objects.requireNonNull(observer, "observer"));
    }

    private void sessionClosed(SessionStats stats) {
        closedRtpExpected.add(stats.clientToCarrier().rtpExpected() + stats.carrierToClient().rtpExpected());
        closedRtpLost.add(stats.clientToCarrier().rtpLost() + stats.carrierToClient().rtpLost());
        for (Consumer<SessionStats> observer : closedObservers) {
            try {
                observer.accept(stats);
            } catch (RuntimeException e) {
                log.warn("session close observer failed for {}", stats.callId(), e);
            }
        }
    }

    /** Checks the media timeouts of the sessions on {@code loop}; runs on that loop. */
    private void sweep(EventExecutor loop) {
        long now = nanoTime.getAsLong();
        for (RelaySession session : sessions) {
            if (session.eventLoop() == loop) {
                session.sweep(now);
            }
        }
    }

    /** Runs the media timeout sweep on every event loop now and waits for it; for tests. */
    void sweepNow() throws Exception {
        List<Future<?>> runs = new ArrayList<>();
        for (EventExecutor loop : group) {
            runs.add(loop.submit(() -> sweep(loop)));
        }
        for (Future<?> run : runs) {
            run.get(5, TimeUnit.SECONDS);
        }
    }

    /** Closes every session, then the event loop group; waits a bounded time for the threads. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        CompletableFuture.allOf(sessions.stream().map(RelaySession::closeAsync).toArray(CompletableFuture[]::new))
                .exceptionally(e -> null)
                .join();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        log.info("media relay stopped after relaying {} packets", packetsRelayed());
    }

    /**
     * One {@link #allocateAsync} in progress, run on the session's event loop: binds the client pair,
     * then the carrier pair, then builds the session. Nothing here waits; each step is a listener of
     * the previous one.
     */
    private final class SessionAllocation {
        private final String callId;
        private final EventLoop loop;
        private final CompletableFuture<RelaySession> result;
        private final RelayEndpoint clientRtp;
        private final RelayEndpoint clientRtcp;
        private final RelayEndpoint carrierRtp;
        private final RelayEndpoint carrierRtcp;
        private final DirectionCounter clientToCarrier = new DirectionCounter(totals);
        private final DirectionCounter carrierToClient = new DirectionCounter(totals);

        SessionAllocation(String callId, EventLoop loop, CompletableFuture<RelaySession> result) {
            this.callId = callId;
            this.loop = loop;
            this.result = result;
            this.clientRtp = new RelayEndpoint(callId + "/client/rtp", nanoTime, latchWindow);
            this.clientRtcp = new RelayEndpoint(callId + "/client/rtcp", nanoTime, latchWindow);
            this.carrierRtp = new RelayEndpoint(callId + "/carrier/rtp", nanoTime, latchWindow);
            this.carrierRtcp = new RelayEndpoint(callId + "/carrier/rtcp", nanoTime, latchWindow);
        }

        void start() {
            new PairBinding(callId, loop,
                    () -> new RelayForwardingHandler(clientRtp, carrierRtp, clientToCarrier, PacketKind.RTP, nanoTime),
                    () -> new RelayForwardingHandler(clientRtcp, carrierRtcp, clientToCarrier, PacketKind.RTCP,
                            nanoTime),
                    this::clientBound).next();
        }

        private void clientBound(BoundPair client, Throwable failure) {
            if (failure != null) {
                result.completeExceptionally(failure);
                return;
            }
            new PairBinding(callId, loop,
                    () -> new RelayForwardingHandler(carrierRtp, clientRtp, carrierToClient, PacketKind.RTP, nanoTime),
                    () -> new RelayForwardingHandler(carrierRtcp, clientRtcp, carrierToClient, PacketKind.RTCP,
                            nanoTime),
                    (carrier, carrierFailure) -> bothBound(client, carrier, carrierFailure)).next();
        }

        private void bothBound(BoundPair client, BoundPair carrier, Throwable failure) {
            if (failure != null) {
                closeThenRelease(client, () -> result.completeExceptionally(failure));
                return;
            }
            RelaySession session;
            try {
                session = newSession(client, carrier);
            } catch (RuntimeException e) {
                closeThenRelease(client, () -> closeThenRelease(carrier, () -> result.completeExceptionally(e)));
                return;
            }
            sessions.add(session);
            withCallId(callId, () -> log.debug("relay session {} allocated: client leg port {}, carrier leg port {}",
                    callId, client.port(), carrier.port()));
            if (closed.get()) {
                // MediaRelay.close() may have taken its list of sessions before this one was added.
                session.closeAsync();
                result.completeExceptionally(new IllegalStateException("media relay is closed"));
            } else if (!result.complete(session)) {
                session.closeAsync();
            }
        }

        private RelaySession newSession(BoundPair client, BoundPair carrier) {
            clientRtp.attach(client.rtp());
            clientRtcp.attach(client.rtcp());
            carrierRtp.attach(carrier.rtp());
            carrierRtcp.attach(carrier.rtcp());
            RelaySession[] self = new RelaySession[1];
            self[0] = new RelaySession(callId,
                    new RelayLeg(new InetSocketAddress(bindAddress, client.port()), clientRtp, clientRtcp, loop,
                            callId + "/client"),
                    new RelayLeg(new InetSocketAddress(bindAddress, carrier.port()), carrierRtp, carrierRtcp, loop,
                            callId + "/carrier"),
                    clientToCarrier, carrierToClient, loop,
                    List.of(client.rtp(), client.rtcp(), carrier.rtp(), carrier.rtcp()),
                    () -> {
                        ports.release(client.port());
                        ports.release(carrier.port());
                        sessions.remove(self[0]);
                        sessionClosed(self[0].quality());
                        withCallId(callId, () -> log.debug("relay session {} closed, ports {} and {} released",
                                callId, client.port(), carrier.port()));
                    }, nanoTime);
            return self[0];
        }
    }

    /**
     * Binds an RTP port and its RTCP neighbour on one event loop, trying up to
     * {@link #MAX_BIND_ATTEMPTS} pairs and skipping those another process holds. A skipped pair is
     * released only once its sockets have closed. Reports the bound pair or the failure, once.
     */
    private final class PairBinding {
        private final String callId;
        private final EventLoop loop;
        private final Supplier<ChannelHandler> rtpHandler;
        private final Supplier<ChannelHandler> rtcpHandler;
        private final BiConsumer<BoundPair, Throwable> done;
        private int attempt;

        PairBinding(String callId, EventLoop loop, Supplier<ChannelHandler> rtpHandler,
                    Supplier<ChannelHandler> rtcpHandler, BiConsumer<BoundPair, Throwable> done) {
            this.callId = callId;
            this.loop = loop;
            this.rtpHandler = rtpHandler;
            this.rtcpHandler = rtcpHandler;
            this.done = done;
        }

        /** Tries the next pair; runs on the loop. */
        void next() {
            if (closed.get()) {
                done.accept(null, new IllegalStateException("media relay is closed"));
                return;
            }
            if (++attempt > MAX_BIND_ATTEMPTS) {
                done.accept(null, new PortsExhaustedException("no bindable RTP port pair after " + MAX_BIND_ATTEMPTS
                        + " attempts in " + config.portMin() + ".." + config.portMax()));
                return;
            }
            int port;
            try {
                port = ports.allocate();
            } catch (PortsExhaustedException e) {
                done.accept(null, e);
                return;
            }
            try {
                onLoop(bind(port, rtpHandler.get()), rtp -> rtpBound(port, rtp));
            } catch (RuntimeException e) {
                ports.release(port);
                done.accept(null, e);
            }
        }

        private void rtpBound(int port, ChannelFuture rtp) {
            if (!rtp.isSuccess()) {
                skip(port, "RTP", port, rtp.cause(), List.of(rtp.channel()));
                return;
            }
            try {
                onLoop(bind(port + 1, rtcpHandler.get()), rtcp -> rtcpBound(port, rtp.channel(), rtcp));
            } catch (RuntimeException e) {
                RelaySession.closeAll(List.of(rtp.channel()), () -> {
                    ports.release(port);
                    done.accept(null, e);
                });
            }
        }

        private void rtcpBound(int port, Channel rtp, ChannelFuture rtcp) {
            if (rtcp.isSuccess()) {
                done.accept(new BoundPair(port, rtp, rtcp.channel()), null);
            } else {
                skip(port, "RTCP", port + 1, rtcp.cause(), List.of(rtp, rtcp.channel()));
            }
        }

        private void skip(int port, String kind, int failedPort, Throwable cause, List<Channel> opened) {
            withCallId(callId, () -> log.warn("cannot bind {} port {}, skipping the pair: {}",
                    kind, failedPort, cause.toString()));
            RelaySession.closeAll(opened, () -> {
                ports.release(port);
                next();
            });
        }

        private ChannelFuture bind(int port, ChannelHandler handler) {
            return bootstrap.clone(loop).handler(handler).bind(bindAddress, port);
        }

        /**
         * Runs {@code step} on the loop when {@code future} completes. A bind that failed before
         * registration (no file descriptor left) reports on Netty's global executor instead.
         */
        private void onLoop(ChannelFuture future, Consumer<ChannelFuture> step) {
            future.addListener((ChannelFuture f) -> {
                if (loop.inEventLoop()) {
                    step.accept(f);
                } else {
                    loop.execute(() -> step.accept(f));
                }
            });
        }
    }

    /** Closes both sockets of {@code pair}, then returns its ports and runs {@code then}. */
    private void closeThenRelease(BoundPair pair, Runnable then) {
        RelaySession.closeAll(List.of(pair.rtp(), pair.rtcp()), () -> {
            ports.release(pair.port());
            then.run();
        });
    }

    /** Runs {@code action} with {@code callId} in the MDC, restoring what was there. */
    private static void withCallId(String callId, Runnable action) {
        String outer = MDC.get("callId");
        MDC.put("callId", callId);
        try {
            action.run();
        } finally {
            if (outer == null) {
                MDC.remove("callId");
            } else {
                MDC.put("callId", outer);
            }
        }
    }

    /** An RTP port and its RTCP neighbour, both bound. */
    private record BoundPair(int port, Channel rtp, Channel rtcp) {
    }
}
