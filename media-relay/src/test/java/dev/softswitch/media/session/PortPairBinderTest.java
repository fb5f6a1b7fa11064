package dev.softswitch.media.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.softswitch.media.pipeline.ChannelSocket;
import dev.softswitch.media.pipeline.RelayTotals;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.EventLoop;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import io.netty.channel.ChannelException;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.unix.Errors;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Closing what a failed bind left behind always finishes: a socket that could not even be created (no
 * file descriptor left: Netty hands back a channel that never registered) is not a reason to keep
 * the port pair, the other socket and the waiting call for good. Out of file descriptors, a binding
 * fails at once instead of trying seven more ports, gives back what it took, and its log line is
 * throttled.
 */
class PortPairBinderTest {

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());

    @AfterEach
    void tearDown() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void aSocketThatCouldNotBeCreatedAndABoundOneAreBothClosedAndTheContinuationRuns() throws Exception {
        ChannelFuture notCreated = new Bootstrap().group(group)
                .channelFactory(() -> {
                    throw new IllegalStateException("newSocketDgram(..) failed: Too many open files");
                })
                .handler(new ChannelHandlerAdapter() { })
                .bind(InetAddress.getLoopbackAddress(), 0);
        assertThat(notCreated.isDone()).isTrue();
        assertThat(notCreated.isSuccess()).isFalse();
        Channel bound = new Bootstrap().group(group).channel(NioDatagramChannel.class)
                .handler(new ChannelHandlerAdapter() { })
                .bind(InetAddress.getLoopbackAddress(), 0).sync().channel();

        CompletableFuture<Void> then = new CompletableFuture<>();
        group.next().execute(() -> ChannelSocket.closeAll(List.of(bound, notCreated.channel()), () -> then.complete(null)));

        then.get(5, TimeUnit.SECONDS);
        assertThat(bound.closeFuture().isDone()).isTrue();
    }

    @Test
    void outOfFileDescriptorsTheBindingFailsAtOnceAndGivesBackItsPortAndSockets() throws Exception {
        assumeNativeErrors();
        AtomicInteger sockets = new AtomicInteger();
        Bootstrap noDescriptors = new Bootstrap().group(group).channelFactory(() -> {
            sockets.incrementAndGet();
            throw new ChannelException(new Errors.NativeIoException("newSocketDgram", -24));
        });
        PortAllocator ports = new PortAllocator(40000, 40015);
        SocketBudget budget = SocketBudget.of(100);
        PortPairBinder binder = new PortPairBinder(noDescriptors, InetAddress.getLoopbackAddress(), ports, budget,
                new RelayTotals(), System::nanoTime, false, () -> false);

        CompletableFuture<Throwable> failure = new CompletableFuture<>();
        group.next().execute(() -> binder.bind("call", group.next(), (pair, cause) -> failure.complete(cause)));

        assertThat(failure.get(5, TimeUnit.SECONDS)).isInstanceOf(PortsExhaustedException.class)
                .hasMessageContaining("out of file descriptors");
        assertThat(sockets.get()).as("one socket() tried, not one per port").isEqualTo(1);
        assertThat(ports.pairsInUse()).isZero();
        assertThat(budget.open()).isZero();
    }

    @Test
    void aSingleTakesOneSocketAndLeavesItsRtcpPortReservedButUnbound() throws Exception {
        int base = 20000 + 2 * java.util.concurrent.ThreadLocalRandom.current().nextInt(15000);
        PortAllocator ports = new PortAllocator(base, base + 15);
        SocketBudget budget = SocketBudget.of(100);
        Bootstrap bootstrap = new Bootstrap().group(group).channel(NioDatagramChannel.class);
        PortPairBinder binder = new PortPairBinder(bootstrap, InetAddress.getLoopbackAddress(), ports, budget,
                new RelayTotals(), System::nanoTime, false, () -> false);
        EventLoop loop = group.next();

        CompletableFuture<PortPairBinder.BoundPair> bound = new CompletableFuture<>();
        loop.execute(() -> binder.bind("call", loop, false, (pair, cause) -> {
            if (cause != null) {
                bound.completeExceptionally(cause);
            } else {
                bound.complete(pair);
            }
        }));
        PortPairBinder.BoundPair single = bound.get(5, TimeUnit.SECONDS);

        assertThat(single.rtcp()).isNull();
        assertThat(single.sockets()).isEqualTo(1);
        assertThat(single.rtp().isOpen()).isTrue();
        assertThat(budget.open()).as("one socket for a single").isEqualTo(1);
        assertThat(ports.pairsInUse()).as("the pair's ports stay reserved").isEqualTo(1);
        try (DatagramSocket rtcpPort = new DatagramSocket(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), single.port() + 1))) {
            assertThat(rtcpPort.isBound()).as("RTP + 1 is not bound by the relay").isTrue();
        }

        CompletableFuture<Void> unbound = new CompletableFuture<>();
        loop.execute(() -> binder.unbind(single, false, () -> unbound.complete(null)));
        unbound.get(5, TimeUnit.SECONDS);
        assertThat(budget.open()).isZero();
        assertThat(ports.pairsInUse()).isZero();
        assertThat(single.rtp().isOpen()).isFalse();
    }

    /** On epoll loops both sockets of a pair are bare ones (level-triggered, one system call a packet). */
    @Test
    void onEpollLoopsAPairIsTwoBareSockets() throws Exception {
        Assumptions.assumeTrue(Epoll.isAvailable(), "native epoll is not available here");
        EventLoopGroup epoll = new MultiThreadIoEventLoopGroup(1, io.netty.channel.epoll.EpollIoHandler.newFactory());
        try {
            int base = 20000 + 2 * java.util.concurrent.ThreadLocalRandom.current().nextInt(15000);
            PortAllocator ports = new PortAllocator(base, base + 15);
            SocketBudget budget = SocketBudget.of(100);
            Bootstrap bootstrap = new Bootstrap().group(epoll).channel(io.netty.channel.epoll.EpollDatagramChannel.class);
            PortPairBinder binder = new PortPairBinder(bootstrap, InetAddress.getLoopbackAddress(), ports, budget,
                    new RelayTotals(), System::nanoTime, true, () -> false);
            EventLoop loop = epoll.next();
            CompletableFuture<PortPairBinder.BoundPair> bound = new CompletableFuture<>();
            loop.execute(() -> binder.bind("call", loop, (pair, cause) -> {
                if (cause != null) {
                    bound.completeExceptionally(cause);
                } else {
                    bound.complete(pair);
                }
            }));
            PortPairBinder.BoundPair pair = bound.get(5, TimeUnit.SECONDS);

            assertThat(pair.rtp()).isInstanceOf(dev.softswitch.media.pipeline.NativeRelaySocket.class);
            assertThat(pair.rtcp()).isInstanceOf(dev.softswitch.media.pipeline.NativeRelaySocket.class);
            assertThat(((dev.softswitch.media.pipeline.NativeRelaySocket) pair.rtp()).localPort()).isEqualTo(pair.port());
            assertThat(((dev.softswitch.media.pipeline.NativeRelaySocket) pair.rtcp()).localPort())
                    .isEqualTo(pair.port() + 1);
            assertThat(budget.open()).isEqualTo(2);

            CompletableFuture<Void> unbound = new CompletableFuture<>();
            loop.execute(() -> binder.unbind(pair, false, () -> unbound.complete(null)));
            unbound.get(5, TimeUnit.SECONDS);
            assertThat(budget.open()).isZero();
            assertThat(ports.pairsInUse()).isZero();
            assertThat(pair.rtp().isOpen()).isFalse();
        } finally {
            epoll.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void onlyRunningOutOfDescriptorsCountsAsSuch() {
        assumeNativeErrors();
        assertThat(PortPairBinder.outOfDescriptors(new ChannelException(new Errors.NativeIoException("socket", -24))))
                .isTrue();
        assertThat(PortPairBinder.outOfDescriptors(new Errors.NativeIoException("socket", -23))).isTrue();
        assertThat(PortPairBinder.outOfDescriptors(new ChannelException("Failed to open a socket.",
                new java.net.SocketException("Too many open files")))).isTrue();
        assertThat(PortPairBinder.outOfDescriptors(new Errors.NativeIoException("bind", -98))).isFalse();
        assertThat(PortPairBinder.outOfDescriptors(new java.net.BindException("Address already in use"))).isFalse();
    }

    @Test
    void aThrottleLetsOneLineThroughPerIntervalAndCountsTheRest() {
        AtomicLong now = new AtomicLong(5);
        PortPairBinder.Throttle throttle = new PortPairBinder.Throttle(now::get);
        assertThat(throttle.admit()).isZero();
        assertThat(throttle.admit()).isEqualTo(-1);
        now.addAndGet(PortPairBinder.WARN_INTERVAL_NANOS - 1);
        assertThat(throttle.admit()).isEqualTo(-1);
        now.addAndGet(1);
        assertThat(throttle.admit()).as("held back since the last line").isEqualTo(2);
        assertThat(throttle.admit()).isEqualTo(-1);
    }

    /** Netty's native errors (what epoll reports EMFILE with) need its native library, loaded with epoll. */
    private static void assumeNativeErrors() {
        Assumptions.assumeTrue(Epoll.isAvailable(), "native epoll is not available here");
    }
}
