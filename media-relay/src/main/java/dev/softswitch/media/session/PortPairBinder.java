package dev.softswitch.media.session;

import dev.softswitch.media.pipeline.ChannelSocket;
import dev.softswitch.media.pipeline.NativeRelaySocket;
import dev.softswitch.media.pipeline.PooledSocket;
import dev.softswitch.media.pipeline.PooledSocketHandler;
import dev.softswitch.media.pipeline.RelayTotals;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import io.netty.channel.IoEventLoop;
import java.net.InetAddress;
import java.util.List;
import io.netty.channel.unix.Errors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds an RTP port and its RTCP neighbour (RFC 3550 section 11) from the {@link PortAllocator} on
 * one event loop, trying up to {@link #MAX_BIND_ATTEMPTS} pairs and skipping those another process
 * holds. A skipped pair is released only once its sockets have closed. Every pair takes two sockets
 * from the {@link SocketBudget} before it is bound and gives them back once closed. A <em>single</em>
 * (an rtcp-mux leg, RFC 5761) binds the RTP port only: it reserves the pair's ports all the same,
 * RTP + 1 stays unbound, and it takes one socket from the budget. With the budget
 * spent, or the process out of file descriptors, it fails at once (no other port would do better)
 * and says so in the log at most once per {@link #WARN_INTERVAL_NANOS}, with the count held back:
 * under overload a line per call would cost what the calls need.
 */
final class PortPairBinder {

    private static final Logger log = LoggerFactory.getLogger(PortPairBinder.class);

    /** Ports in the range that another process holds are skipped; this bounds the skipping. */
    private static final int MAX_BIND_ATTEMPTS = 8;
    /** Each kind of bind failure is logged at most once in this time. */
    static final long WARN_INTERVAL_NANOS = 10_000_000_000L;
    private static final int EMFILE = 24;
    private static final int ENFILE = 23;

    private final Bootstrap bootstrap;
    private final InetAddress bindAddress;
    private final PortAllocator ports;
    private final SocketBudget budget;
    private final BooleanSupplier relayClosed;
    private final RelayTotals totals;
    private final LongSupplier nanoTime;
    private final boolean nativeSockets;
    private final Throttle portBusy;
    private final Throttle outOfSockets;

    /**
     * @param nativeSockets whether the sockets of a pair are {@link NativeRelaySocket}s on the loop (the loops are
     *                   epoll ones) rather than channels of {@code bootstrap}
     */
    PortPairBinder(Bootstrap bootstrap, InetAddress bindAddress, PortAllocator ports, SocketBudget budget,
                   RelayTotals totals, LongSupplier nanoTime, boolean nativeSockets, BooleanSupplier relayClosed) {
        this.bootstrap = bootstrap;
        this.bindAddress = bindAddress;
        this.ports = ports;
        this.budget = budget;
        this.relayClosed = relayClosed;
        this.totals = totals;
        this.nanoTime = nanoTime;
        this.nativeSockets = nativeSockets;
        this.portBusy = new Throttle(nanoTime);
        this.outOfSockets = new Throttle(nanoTime);
    }

    /** The sockets this binder's pairs count against. */
    SocketBudget budget() {
        return budget;
    }

    /**
     * Closes a pair (or single) bound here and, once its sockets have closed, returns its port and its
     * sockets to the budget, then runs {@code then}. {@code loopGone}: its event loop has shut down and
     * closed the sockets with it (no listener would run), so they are given back at once.
     */
    void unbind(BoundPair pair, boolean loopGone, Runnable then) {
        int sockets = pair.sockets();
        Runnable released = () -> {
            ports.release(pair.port());
            budget.give(sockets);
            then.run();
        };
        if (loopGone) {
            pair.rtp().closeNow();
            if (pair.rtcp() != null) {
                pair.rtcp().closeNow();
            }
            released.run();
        } else {
            AtomicInteger pending = new AtomicInteger(sockets);
            Runnable one = () -> {
                if (pending.decrementAndGet() == 0) {
                    released.run();
                }
            };
            pair.rtp().close(one);
            if (pair.rtcp() != null) {
                pair.rtcp().close(one);
            }
        }
    }

    /**
     * Binds a pair on {@code loop}, each socket idle until lent; runs on the loop and reports the bound pair or
     * the failure to {@code done}, once, on the loop.
     */
    void bind(String callId, EventLoop loop, BiConsumer<BoundPair, Throwable> done) {
        bind(callId, loop, true, done);
    }

    /**
     * Binds a pair, or with {@code withRtcp} false a single (the RTP socket only, RTP + 1 reserved but
     * unbound, one socket from the budget), as {@link #bind(String, EventLoop, BiConsumer)} does.
     */
    void bind(String callId, EventLoop loop, boolean withRtcp, BiConsumer<BoundPair, Throwable> done) {
        new Binding(callId, loop, withRtcp, done).next();
    }

    /** One {@link #bind} in progress. */
    private final class Binding {
        private final String callId;
        private final EventLoop loop;
        private final BiConsumer<BoundPair, Throwable> done;
        private final boolean withRtcp;
        /** What the binding takes from the budget: 2 for a pair, 1 for a single. */
        private final int sockets;
        private int attempt;

        Binding(String callId, EventLoop loop, boolean withRtcp, BiConsumer<BoundPair, Throwable> done) {
            this.callId = callId;
            this.loop = loop;
            this.done = done;
            this.withRtcp = withRtcp;
            this.sockets = withRtcp ? 2 : 1;
        }

        /** Tries the next pair; runs on the loop. */
        void next() {
            if (relayClosed.getAsBoolean()) {
                done.accept(null, new IllegalStateException("media relay is closed"));
                return;
            }
            if (++attempt > MAX_BIND_ATTEMPTS) {
                done.accept(null, new PortsExhaustedException("no bindable RTP port pair after " + MAX_BIND_ATTEMPTS
                        + " attempts in " + ports.portMin() + ".." + ports.portMax()));
                return;
            }
            if (!budget.tryTake(sockets)) {
                long held = outOfSockets.admit();
                if (held >= 0) {
                    log.warn("relay socket budget spent ({}; media.socketPool.reserveDescriptors keeps the rest of"
                            + " the process's file descriptors for other uses): calls get an idle pair or 503"
                            + " ({} more like this held back in the last 10 s)", budget, held);
                }
                done.accept(null, new PortsExhaustedException("the relay's socket budget is spent: " + budget));
                return;
            }
            int port;
            try {
                port = ports.allocate();
            } catch (PortsExhaustedException e) {
                budget.give(sockets);
                done.accept(null, e);
                return;
            }
            if (nativeSockets && loop instanceof IoEventLoop ioLoop) {
                NativeRelaySocket.bind(ioLoop, bindAddress, port, totals, nanoTime, ByteBufAllocator.DEFAULT,
                        (rtp, failure) -> {
                            if (failure == null) {
                                rtpBound(port, rtp);
                            } else {
                                failed(port, "RTP", port, failure, List.of(), null);
                            }
                        });
                return;
            }
            PooledSocketHandler handler = new PooledSocketHandler(totals, nanoTime);
            try {
                onLoop(bind(port, handler), rtp -> {
                    if (rtp.isSuccess()) {
                        rtpBound(port, new ChannelSocket(rtp.channel(), handler));
                    } else {
                        failed(port, "RTP", port, rtp.cause(), List.of(rtp.channel()), null);
                    }
                });
            } catch (RuntimeException e) {
                ports.release(port);
                budget.give(sockets);
                done.accept(null, e);
            }
        }

        private void rtpBound(int port, PooledSocket rtpSocket) {
            if (!withRtcp) {
                done.accept(new BoundPair(port, rtpSocket, null), null);
                return;
            }
            if (nativeSockets && loop instanceof IoEventLoop ioLoop) {
                NativeRelaySocket.bind(ioLoop, bindAddress, port + 1, totals, nanoTime, ByteBufAllocator.DEFAULT,
                        (rtcp, failure) -> {
                            if (failure == null) {
                                done.accept(new BoundPair(port, rtpSocket, rtcp), null);
                            } else {
                                failed(port, "RTCP", port + 1, failure, List.of(), rtpSocket);
                            }
                        });
                return;
            }
            PooledSocketHandler rtcpHandler = new PooledSocketHandler(totals, nanoTime);
            try {
                onLoop(bind(port + 1, rtcpHandler), rtcp -> {
                    if (rtcp.isSuccess()) {
                        done.accept(new BoundPair(port, rtpSocket, new ChannelSocket(rtcp.channel(), rtcpHandler)), null);
                    } else {
                        failed(port, "RTCP", port + 1, rtcp.cause(), List.of(rtcp.channel()), rtpSocket);
                    }
                });
            } catch (RuntimeException e) {
                rtpSocket.close(() -> {
                    ports.release(port);
                    budget.give(sockets);
                    done.accept(null, e);
                });
            }
        }

        /**
         * Closes what the failed attempt opened and returns its port and sockets; then, if the process
         * is out of file descriptors, fails the binding (another port would fail the same way), else
         * skips to the next pair.
         */
        private void failed(int port, String kind, int failedPort, Throwable cause, List<Channel> opened,
                            PooledSocket boundRtp) {
            boolean noDescriptors = outOfDescriptors(cause);
            long held = (noDescriptors ? outOfSockets : portBusy).admit();
            if (held >= 0 && noDescriptors) {
                SessionAllocator.withCallId(callId, () -> log.warn("cannot open a socket for {} port {}, the process is"
                        + " out of file descriptors: {} ({} more like this held back in the last 10 s)", kind, failedPort,
                        cause.toString(), held));
            } else if (held >= 0) {
                SessionAllocator.withCallId(callId, () -> log.warn("cannot bind {} port {}, skipping the pair: {}"
                        + " ({} more like this held back in the last 10 s)", kind, failedPort, cause.toString(), held));
            }
            Runnable release = () -> {
                ports.release(port);
                budget.give(sockets);
                if (noDescriptors) {
                    done.accept(null, new PortsExhaustedException("out of file descriptors (ulimit -n) with "
                            + budget + " relay sockets: " + cause.getMessage()));
                } else {
                    next();
                }
            };
            ChannelSocket.closeAll(opened, boundRtp == null ? release : () -> boundRtp.close(release));
        }

        private ChannelFuture bind(int port, PooledSocketHandler handler) {
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

    /** Whether {@code failure} says the process (or the system) has no file descriptor left. */
    static boolean outOfDescriptors(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof Errors.NativeIoException e) {
                int errno = Math.abs(e.expectedErr());
                if (errno == EMFILE || errno == ENFILE) {
                    return true;
                }
            }
            String message = t.getMessage();
            if (message != null && (message.contains("Too many open files") || message.contains("File table overflow"))) {
                return true;
            }
        }
        return false;
    }

    /** Lets a kind of log line through at most once per {@link #WARN_INTERVAL_NANOS}. Thread-safe. */
    static final class Throttle {
        private final LongSupplier nanoTime;
        private final AtomicLong nextAt;
        private final AtomicLong held = new AtomicLong();

        Throttle(LongSupplier nanoTime) {
            this.nanoTime = nanoTime;
            this.nextAt = new AtomicLong(nanoTime.getAsLong());
        }

        /** How many were held back since the last line if one may be logged now, else -1 (and counts it). */
        long admit() {
            long now = nanoTime.getAsLong();
            long next = nextAt.get();
            if (now - next >= 0 && nextAt.compareAndSet(next, now + WARN_INTERVAL_NANOS)) {
                return held.getAndSet(0);
            }
            held.incrementAndGet();
            return -1;
        }
    }

    /**
     * An RTP port and its RTCP neighbour, both bound; or a single, whose {@code rtcp} is {@code null}
     * (RTP + 1 reserved but unbound).
     */
    record BoundPair(int port, PooledSocket rtp, PooledSocket rtcp) {

        /** The sockets bound: 2, or 1 for a single. */
        int sockets() {
            return rtcp == null ? 1 : 2;
        }
    }
}
