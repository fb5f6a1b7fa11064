package dev.softswitch.media.session;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.EventLoop;
import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds an RTP port and its RTCP neighbour (RFC 3550 section 11) from the {@link PortAllocator} on
 * one event loop, trying up to {@link #MAX_BIND_ATTEMPTS} pairs and skipping those another process
 * holds. A skipped pair is released only once its sockets have closed.
 */
final class PortPairBinder {

    private static final Logger log = LoggerFactory.getLogger(PortPairBinder.class);

    /** Ports in the range that another process holds are skipped; this bounds the skipping. */
    private static final int MAX_BIND_ATTEMPTS = 8;

    private final Bootstrap bootstrap;
    private final InetAddress bindAddress;
    private final PortAllocator ports;
    private final BooleanSupplier relayClosed;

    PortPairBinder(Bootstrap bootstrap, InetAddress bindAddress, PortAllocator ports, BooleanSupplier relayClosed) {
        this.bootstrap = bootstrap;
        this.bindAddress = bindAddress;
        this.ports = ports;
        this.relayClosed = relayClosed;
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
                closeAll(List.of(rtp.channel()), () -> {
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
            SessionAllocator.withCallId(callId, () -> log.warn("cannot bind {} port {}, skipping the pair: {}",
                    kind, failedPort, cause.toString()));
            closeAll(opened, () -> {
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
            if (channel.isRegistered()) {
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

    /** An RTP port and its RTCP neighbour, both bound. */
    record BoundPair(int port, Channel rtp, Channel rtcp) {
    }
}
