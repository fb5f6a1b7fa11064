package dev.softswitch.media.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.IoEventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The bare relay socket on a real epoll loop and 127.0.0.1: what it receives goes to the lent receiver with its
 * sender, or is dropped and counted while idle (and then it is not quiet); what it sends arrives from its port;
 * once closed its port is free again.
 */
class NativeRelaySocketTest {

    private final RelayTotals totals = new RelayTotals();
    private final AtomicLong clock = new AtomicLong(1_000);
    private MultiThreadIoEventLoopGroup group;
    private IoEventLoop loop;

    @BeforeEach
    void start() {
        Assumptions.assumeTrue(Epoll.isAvailable(), "native epoll is not available here");
        group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        loop = (IoEventLoop) group.next();
    }

    @AfterEach
    void stop() {
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void receivesForTheLentReceiverDropsWhileIdleSendsAndFreesItsPortOnClose() throws Exception {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        NativeRelaySocket socket = bind(loopback, 0);
        int port = socket.localPort();
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        try (DatagramSocket peer = new DatagramSocket(0, loopback)) {
            peer.setSoTimeout(5_000);
            InetSocketAddress relay = new InetSocketAddress(loopback, port);
            loop.submit(() -> socket.lend((alloc, content, sender) -> received.add(
                    content.toString(StandardCharsets.US_ASCII) + " from " + sender.getPort()))).get(5, TimeUnit.SECONDS);

            send(peer, "rtcp 1", relay);
            assertThat(received.poll(5, TimeUnit.SECONDS)).isEqualTo("rtcp 1 from " + peer.getLocalPort());

            loop.submit(socket::reclaim).get(5, TimeUnit.SECONDS);
            send(peer, "late", relay);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (totals.packetsDropped() == 0 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertThat(totals.packetsDropped()).isEqualTo(1);
            assertThat(received).isEmpty();
            assertThat(loop.submit(() -> socket.quietSince(clock.get())).get(5, TimeUnit.SECONDS)).isFalse();
            assertThat(loop.submit(() -> socket.quietSince(clock.get() + 1)).get(5, TimeUnit.SECONDS)).isTrue();

            io.netty.buffer.ByteBuf report = Unpooled.copiedBuffer("report", StandardCharsets.US_ASCII);
            loop.submit(() -> socket.send(report, new InetSocketAddress(loopback, peer.getLocalPort())))
                    .get(5, TimeUnit.SECONDS);
            assertThat(report.refCnt()).as("the packet stays the caller's").isEqualTo(1);
            report.release();
            DatagramPacket back = new DatagramPacket(new byte[64], 64);
            peer.receive(back);
            assertThat(new String(back.getData(), 0, back.getLength(), StandardCharsets.US_ASCII)).isEqualTo("report");
            assertThat(back.getPort()).isEqualTo(port);
        }
        CompletableFuture<Void> closed = new CompletableFuture<>();
        socket.close(() -> closed.complete(null));
        closed.get(5, TimeUnit.SECONDS);
        assertThat(socket.isOpen()).isFalse();
        try (DatagramSocket again = new DatagramSocket(port, loopback)) {
            assertThat(again.getLocalPort()).as("the port is free once closed").isEqualTo(port);
        }
    }

    @Test
    void onAnIpv6AddressItRelaysIpv6() throws Exception {
        InetAddress v6 = InetAddress.getByName("::1");
        NativeRelaySocket socket;
        try {
            socket = bind(v6, 0);
        } catch (java.util.concurrent.ExecutionException e) {
            Assumptions.abort("no IPv6 loopback here: " + e.getCause());
            return;
        }
        BlockingQueue<InetSocketAddress> senders = new LinkedBlockingQueue<>();
        loop.submit(() -> socket.lend((alloc, content, sender) -> senders.add(sender))).get(5, TimeUnit.SECONDS);
        try (DatagramSocket peer = new DatagramSocket(0, v6)) {
            peer.setSoTimeout(5_000);
            send(peer, "rtcp", new InetSocketAddress(v6, socket.localPort()));
            assertThat(senders.poll(5, TimeUnit.SECONDS)).isEqualTo(new InetSocketAddress(v6, peer.getLocalPort()));
            io.netty.buffer.ByteBuf three = PooledByteBufAllocator.DEFAULT.directBuffer().writeBytes(new byte[] {1, 2, 3});
            loop.submit(() -> socket.send(three, new InetSocketAddress(v6, peer.getLocalPort()))).get(5, TimeUnit.SECONDS);
            three.release();
            DatagramPacket back = new DatagramPacket(new byte[8], 8);
            peer.receive(back);
            assertThat(back.getLength()).isEqualTo(3);
        }
        CompletableFuture<Void> closed = new CompletableFuture<>();
        socket.close(() -> closed.complete(null));
        closed.get(5, TimeUnit.SECONDS);
    }

    /**
     * One datagram a wake-up is enough only if the socket is level-triggered: a burst queued while the loop was
     * busy (an edge-triggered socket would report it once) is read whole, in order; and in a few wake-ups, not one
     * a datagram, since a probing wake-up finds the queue and the socket drains it from then on.
     */
    @Test
    void aBurstQueuedWhileTheLoopWasBusyIsReadWhole() throws Exception {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        NativeRelaySocket socket = bind(loopback, 0);
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        loop.submit(() -> socket.lend((alloc, content, sender) -> received.add(
                content.toString(StandardCharsets.US_ASCII)))).get(5, TimeUnit.SECONDS);
        int burst = 200;
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        try (DatagramSocket peer = new DatagramSocket(0, loopback)) {
            loop.execute(() -> {
                try {
                    release.await(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            InetSocketAddress relay = new InetSocketAddress(loopback, socket.localPort());
            for (int i = 0; i < burst; i++) {
                send(peer, "rtp " + i, relay);
            }
            release.countDown();
            for (int i = 0; i < burst; i++) {
                assertThat(received.poll(5, TimeUnit.SECONDS)).as("datagram %d of the burst", i).isEqualTo("rtp " + i);
            }
        }
        assertThat(totals.packetsDropped()).isZero();
        int wakeUps = loop.submit(socket::wakeUps).get(5, TimeUnit.SECONDS);
        assertThat(wakeUps).as("wake-ups for a queue of %d", burst)
                .isLessThanOrEqualTo(NativeRelaySocket.PROBE_EVERY + burst / NativeRelaySocket.MAX_DATAGRAMS_PER_READ + 1);
        CompletableFuture<Void> closed = new CompletableFuture<>();
        socket.close(() -> closed.complete(null));
        closed.get(5, TimeUnit.SECONDS);
    }

    @Test
    void aTakenPortIsReportedAndNothingStaysOpen() throws Exception {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        try (DatagramSocket taken = new DatagramSocket(0, loopback)) {
            CompletableFuture<Throwable> failure = new CompletableFuture<>();
            loop.execute(() -> NativeRelaySocket.bind(loop, loopback, taken.getLocalPort(), totals, clock::get,
                    PooledByteBufAllocator.DEFAULT, (s, e) -> failure.complete(e)));
            assertThat(failure.get(5, TimeUnit.SECONDS)).hasMessageContaining("Address already in use");
        }
    }

    private NativeRelaySocket bind(InetAddress address, int port) throws Exception {
        CompletableFuture<NativeRelaySocket> bound = new CompletableFuture<>();
        loop.execute(() -> NativeRelaySocket.bind(loop, address, port, totals, clock::get, PooledByteBufAllocator.DEFAULT,
                (s, e) -> {
                    if (e != null) {
                        bound.completeExceptionally(e);
                    } else {
                        bound.complete(s);
                    }
                }));
        return bound.get(5, TimeUnit.SECONDS);
    }

    private static void send(DatagramSocket from, String text, InetSocketAddress to) throws Exception {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        from.send(new DatagramPacket(bytes, bytes.length, to));
    }
}
