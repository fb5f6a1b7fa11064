package dev.softswitch.media.session;

import dev.softswitch.media.pipeline.DirectionCounter;
import dev.softswitch.media.pipeline.PacketKind;
import dev.softswitch.media.pipeline.RelayEndpoint;
import dev.softswitch.media.pipeline.RelayForwardingHandler;
import dev.softswitch.media.pipeline.RelayTotals;
import dev.softswitch.media.pipeline.RtcpMuxReceiver;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.EventExecutor;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Builds sessions (MED-1): takes an RTP/RTCP port pair for each leg from the {@link RelaySocketPool}
 * (bound there by a {@link PortPairBinder} from the {@link PortAllocator}) on the session's event
 * loop, lends their sockets to new forwarding handlers and registers the session; when the session
 * closes, its pairs go back to the pool and the registry is told. Nothing here waits: each step is
 * a listener of the previous one. A client leg that muxes RTCP (RFC 5761) takes a single instead of a
 * pair: its RTP socket hands RTCP to the RTCP handler through an {@link RtcpMuxReceiver}.
 */
public final class SessionAllocator {

    private static final Logger log = LoggerFactory.getLogger(SessionAllocator.class);

    private final RelaySocketPool pool;
    private final InetAddress bindAddress;
    private final SessionRegistry registry;
    private final RelayTotals totals;
    private final LongSupplier nanoTime;
    private final Duration latchWindow;
    private final BooleanSupplier relayClosed;

    /**
     * @param bootstrap   the relay's datagram bootstrap, group and channel factory set; each socket
     *                    clones it with its own loop and handler
     * @param loops       the relay's event loops, each with its own shelf of pooled sockets
     * @param nativeSockets whether relay sockets are bare sockets registered with the (epoll) loops, not channels
     * @param poolSettings how sockets are kept between calls ({@link SocketPoolSettings#OFF}: not at all)
     * @param budget      how many sockets the relay may hold open, shared with the process's other relays
     * @param relayClosed whether the relay is closing; a closing relay binds no more ports
     */
    public SessionAllocator(Bootstrap bootstrap, InetAddress bindAddress, PortAllocator ports,
                            Iterable<EventExecutor> loops, boolean nativeSockets, SocketPoolSettings poolSettings,
                            SocketBudget budget,
                            SessionRegistry registry, RelayTotals totals, LongSupplier nanoTime,
                            Duration latchWindow, BooleanSupplier relayClosed) {
        this.bindAddress = Objects.requireNonNull(bindAddress, "bindAddress");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.totals = Objects.requireNonNull(totals, "totals");
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
        this.latchWindow = Objects.requireNonNull(latchWindow, "latchWindow");
        this.relayClosed = Objects.requireNonNull(relayClosed, "relayClosed");
        PortPairBinder pairs = new PortPairBinder(Objects.requireNonNull(bootstrap, "bootstrap"), bindAddress,
                Objects.requireNonNull(ports, "ports"), Objects.requireNonNull(budget, "budget"), totals, nanoTime,
                nativeSockets, relayClosed);
        this.pool = new RelaySocketPool(pairs, loops, poolSettings, nanoTime, relayClosed);
    }

    /** The bound sockets kept between calls. */
    public RelaySocketPool pool() {
        return pool;
    }

    /**
     * Takes the client pair, then the carrier pair from the pool (idle ones or newly bound), lends
     * their sockets to the new session's forwarding handlers, and completes {@code result} with it;
     * runs on {@code loop}, the loop the session will live on. If {@code result} is already
     * completed (cancelled) when the session is ready, or the relay has started closing, the
     * session is closed again, so no ports leak.
     */
    public void allocate(String callId, EventLoop loop, CompletableFuture<RelaySession> result) {
        allocate(callId, loop, false, result);
    }

    /**
     * As {@link #allocate(String, EventLoop, CompletableFuture)}; with {@code clientRtcpMux} the client leg
     * muxes RTP and RTCP on its RTP port (RFC 5761) and holds one socket instead of two.
     */
    public void allocate(String callId, EventLoop loop, boolean clientRtcpMux, CompletableFuture<RelaySession> result) {
        new Allocation(callId, loop, clientRtcpMux, result).start();
    }

    /** One {@link #allocate} in progress, on the session's event loop. */
    private final class Allocation {
        private final String callId;
        private final EventLoop loop;
        private final boolean clientRtcpMux;
        private final CompletableFuture<RelaySession> result;

        Allocation(String callId, EventLoop loop, boolean clientRtcpMux, CompletableFuture<RelaySession> result) {
            this.callId = callId;
            this.loop = loop;
            this.clientRtcpMux = clientRtcpMux;
            this.result = result;
        }

        void start() {
            pool.acquire(callId, loop, !clientRtcpMux, this::clientAcquired);
        }

        private void clientAcquired(PooledPair client, Throwable failure) {
            if (failure != null) {
                result.completeExceptionally(failure);
                return;
            }
            pool.acquire(callId, loop, (carrier, carrierFailure) -> bothAcquired(client, carrier, carrierFailure));
        }

        private void bothAcquired(PooledPair client, PooledPair carrier, Throwable failure) {
            if (failure != null) {
                pool.discard(List.of(client), () -> result.completeExceptionally(failure));
                return;
            }
            RelaySession session;
            try {
                session = newSession(client, carrier);
            } catch (RuntimeException e) {
                pool.discard(List.of(client, carrier), () -> result.completeExceptionally(e));
                return;
            }
            registry.add(session);
            withCallId(callId, () -> log.debug("relay session {} allocated: client leg port {}{}, carrier leg port {}",
                    callId, client.port(), clientRtcpMux ? " (rtcp-mux)" : "", carrier.port()));
            if (relayClosed.getAsBoolean()) {
                // MediaRelay.close() may have taken its list of sessions before this one was added.
                session.closeAsync();
                result.completeExceptionally(new IllegalStateException("media relay is closed"));
            } else if (!result.complete(session)) {
                session.closeAsync();
            }
        }

        private RelaySession newSession(PooledPair client, PooledPair carrier) {
            RelayEndpoint clientRtp = new RelayEndpoint(callId, "/client/rtp", nanoTime, latchWindow);
            RelayEndpoint clientRtcp = clientRtcpMux
                    ? RelayEndpoint.sharingRemote(clientRtp, "/client/rtcp")
                    : new RelayEndpoint(callId, "/client/rtcp", nanoTime, latchWindow);
            RelayEndpoint carrierRtp = new RelayEndpoint(callId, "/carrier/rtp", nanoTime, latchWindow);
            RelayEndpoint carrierRtcp = new RelayEndpoint(callId, "/carrier/rtcp", nanoTime, latchWindow);
            DirectionCounter clientToCarrier = new DirectionCounter(totals);
            DirectionCounter carrierToClient = new DirectionCounter(totals);
            clientRtp.attach(client.rtp());
            // Muxed: RTCP to the client goes out of the client RTP socket (a pair lent as a fallback keeps its RTCP idle).
            clientRtcp.attach(clientRtcpMux ? client.rtp() : client.rtcp());
            carrierRtp.attach(carrier.rtp());
            carrierRtcp.attach(carrier.rtcp());
            RelayForwardingHandler clientRtpIn =
                    new RelayForwardingHandler(clientRtp, carrierRtp, clientToCarrier, PacketKind.RTP, nanoTime);
            RelayForwardingHandler clientRtcpIn =
                    new RelayForwardingHandler(clientRtcp, carrierRtcp, clientToCarrier, PacketKind.RTCP, nanoTime);
            if (clientRtcpMux) {
                client.lend(new RtcpMuxReceiver(clientRtpIn, clientRtcpIn), null);
            } else {
                client.lend(clientRtpIn, clientRtcpIn);
            }
            carrier.lend(
                    new RelayForwardingHandler(carrierRtp, clientRtp, carrierToClient, PacketKind.RTP, nanoTime),
                    new RelayForwardingHandler(carrierRtcp, clientRtcp, carrierToClient, PacketKind.RTCP, nanoTime));
            List<PooledPair> pairs = List.of(client, carrier);
            RelaySession[] self = new RelaySession[1];
            self[0] = new RelaySession(callId,
                    new RelayLeg(new InetSocketAddress(bindAddress, client.port()), clientRtp, clientRtcp, loop,
                            callId, "/client", clientRtcpMux),
                    new RelayLeg(new InetSocketAddress(bindAddress, carrier.port()), carrierRtp, carrierRtcp, loop,
                            callId, "/carrier", false),
                    clientToCarrier, carrierToClient, loop,
                    then -> pool.release(pairs, then),
                    () -> {
                        registry.closed(self[0]);
                        withCallId(callId, () -> log.debug("relay session {} closed, ports {} and {} released",
                                callId, client.port(), carrier.port()));
                    }, nanoTime);
            return self[0];
        }
    }

    /** Runs {@code action} with {@code callId} in the MDC, restoring what was there. */
    static void withCallId(String callId, Runnable action) {
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
}
