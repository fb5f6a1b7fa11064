package dev.softswitch.media.session;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.EventLoop;
import java.net.InetAddress;
import java.util.List;
import io.netty.channel.unix.Errors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds an RTP port and its RTCP neighbour (RFC 3550 section 11) from the {@link PortAllocator} on
 * one event loop, trying up to {@link #MAX_BIND_ATTEMPTS} pairs and skipping those another process
 * holds. A skipped pair is released only once its sockets have closed. Every pair takes two sockets
 * from the {@link SocketBudget} before it is bound and gives them back once closed; with the budget
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
    private final Throttle portBusy;
    private final Throttle outOfSockets;

    PortPairBinder(Bootstrap bootstrap, InetAddress bindAddress, PortAllocator ports, SocketBudget budget,
                   LongSupplier nanoTime, BooleanSupplier relayClosed) {
        this.bootstrap = bootstrap;
        this.bindAddress = bindAddress;
        this.ports = ports;
        this.budget = budget;
        this.relayClosed = relayClosed;
        this.portBusy = new Throttle(nanoTime);
        this.outOfSockets = new Throttle(nanoTime);
    }

    /** The sockets this binder's pairs count against. */
    SocketBudget budget() {
        return budget;
    }

    /**
     * Closes a pair bound here and, once both sockets have closed, returns its port and its two
     * sockets to the budget, then runs {@code then}. {@code loopGone}: its event loop has shut down and
     * closed the sockets with it (no listener would run), so both are given back at once.
     */
    void unbind(BoundPair pair, boolean loopGone, Runnable then) {
        Runnable released = () -> {
            ports.release(pair.port());
            budget.give(2);
            then.run();
        };
        if (loopGone) {
            pair.rtp().close();
            pair.rtcp().close();
            released.run();
        } else {
            closeAll(List.of(pair.rtp(), pair.rtcp()), released);
        }
    }

    /**
     * Binds a pair on {@code loop} with a fresh handler from each supplier; runs on the loop and
     * reports the bound pair or the failure to {@code done}, once, on the loop.
     */
    void bind(String callId, EventLoop loop, Supplier<ChannelHandler> rtpHandler, Supplier<ChannelHandler> rtcpHandler,
              BiConsumer<BoundPair, Throwable> done) {
        new Binding(callId, loop, rtpHandler, rtcpHandler, done).next();
    }

    /** One {@link #bind} in progress. */
    private final class Binding {
        private final String callId;
        private final EventLoop loop;
        private final Supplier<ChannelHandler> rtpHandler;
        private final Supplier<ChannelHandler> rtcpHandler;
        private final BiConsumer<BoundPair, Throwable> done;
        private int attempt;

        Binding(String callId, EventLoop loop, Supplier<ChannelHandler> rtpHandler,
                Supplier<ChannelHandler> rtcpHandler, BiConsumer<BoundPair, Throwable> done) {
            this.callId = callId;
            this.loop = loop;
            this.rtpHandler = rtpHandler;
            this.rtcpHandler = rtcpHandler;
            this.done = done;
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
            if (!budget.tryTake(2)) {
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
                budget.give(2);
                done.accept(null, e);
                return;
            }
            try {
                onLoop(bind(port, rtpHandler.get()), rtp -> rtpBound(port, rtp));
            } catch (RuntimeException e) {
                ports.release(port);
                budget.give(2);
                done.accept(null, e);
            }
        }

        private void rtpBound(int port, ChannelFuture rtp) {
            if (!rtp.isSuccess()) {
                failed(port, "RTP", port, rtp.cause(), List.of(rtp.channel()));
                return;
            }
            try {
                onLoop(bind(port + 1, rtcpHandler.get()), rtcp -> rtcpBound(port, rtp.channel(), rtcp));
            } catch (RuntimeException e) {
                closeAll(List.of(rtp.channel()), () -> {
                    ports.release(port);
                    budget.give(2);
                    done.accept(null, e);
                });
            }
        }

        private void rtcpBound(int port, Channel rtp, ChannelFuture rtcp) {
            if (rtcp.isSuccess()) {
                done.accept(new BoundPair(port, rtp, rtcp.channel()), null);
            } else {
                failed(port, "RTCP", port + 1, rtcp.cause(), List.of(rtp, rtcp.channel()));
            }
        }

        /**
         * Closes what the failed attempt opened and returns its port and sockets; then, if the process
         * is out of file descriptors, fails the binding (another port would fail the same way), else
         * skips to the next pair.
         */
        private void failed(int port, String kind, int failedPort, Throwable cause, List<Channel> opened) {
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
            closeAll(opened, () -> {
                ports.release(port);
                budget.give(2);
                if (noDescriptors) {
                    done.accept(null, new PortsExhaustedException("out of file descriptors (ulimit -n) with "
                            + budget + " relay sockets: " + cause.getMessage()));
                } else {
                    next();
                }
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

    /** Closes {@code channels} and runs {@code then} once every one of them has closed. */
    static void closeAll(List<Channel> channels, Runnable then) {
        if (channels.isEmpty()) {
            then.run();
            return;
        }
        AtomicInteger pending = new AtomicInteger(channels.size());
        ChannelFutureListener whenAllClosed = f -> {
            if (pending.decrementAndGet() == 0) {
                then.run();
            }
        };
        for (Channel channel : channels) {
            if (!channel.isOpen() && !channel.isRegistered()) {
                // Its socket was never created (no file descriptor left): nothing to close.
                if (pending.decrementAndGet() == 0) {
                    then.run();
                }
            } else if (channel.isRegistered()) {
                channel.close().addListener(whenAllClosed);
            } else {
                // Never registered: its socket could not be created (no file descriptor left) or it was
                // refused by the loop. close() would throw here for want of an event loop, and the port
                // pair, the other socket and the waiting call would be held for good.
                channel.unsafe().closeForcibly();
                if (pending.decrementAndGet() == 0) {
                    then.run();
                }
            }
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

    /** An RTP port and its RTCP neighbour, both bound. */
    record BoundPair(int port, Channel rtp, Channel rtcp) {
    }
}
