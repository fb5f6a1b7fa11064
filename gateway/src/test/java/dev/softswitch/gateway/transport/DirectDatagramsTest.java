package dev.softswitch.gateway.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Datagrams sent from any thread straight on an epoll UDP socket, and nothing once it is closed. */
class DirectDatagramsTest {

    private static final int TIMEOUT_MILLIS = 5_000;

    private EventLoopGroup group;

    @AfterEach
    void stop() {
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    private Channel bound(String host) throws InterruptedException {
        assumeTrue(Epoll.isAvailable(), "epoll");
        group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        return new Bootstrap().group(group).channel(EpollDatagramChannel.class)
                .handler(new ChannelInboundHandlerAdapter()).bind(host, 0).sync().channel();
    }

    @Test
    void sendsFromTheCallingThreadWithTheListenSocketsAddressOverIpv4AndIpv6() throws Exception {
        for (String host : new String[] {"127.0.0.1", "::1"}) {
            Channel channel = bound(host);
            DirectDatagrams direct = DirectDatagrams.of(channel);
            try (DatagramSocket peer = new DatagramSocket(0, InetAddress.getByName(host))) {
                peer.setSoTimeout(TIMEOUT_MILLIS);
                byte[] bytes = ("OPTIONS sip:" + host + " SIP/2.0\r\n\r\n").getBytes(StandardCharsets.US_ASCII);

                assertThat(direct.trySend(bytes, (InetSocketAddress) peer.getLocalSocketAddress())).isTrue();

                DatagramPacket got = new DatagramPacket(new byte[2048], 2048);
                peer.receive(got);
                assertThat(Arrays.copyOf(got.getData(), got.getLength())).isEqualTo(bytes);
                assertThat(got.getPort()).isEqualTo(((InetSocketAddress) channel.localAddress()).getPort());
                assertThat(direct.sent()).isEqualTo(1);
            }
            channel.close().sync();
            stop();
        }
    }

    @Test
    void threadsSendingAtOnceEachGetTheirDatagramThrough() throws Exception {
        Channel channel = bound("127.0.0.1");
        DirectDatagrams direct = DirectDatagrams.of(channel);
        int threads = 4;
        int each = 150;
        try (DatagramSocket peer = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            peer.setSoTimeout(TIMEOUT_MILLIS);
            peer.setReceiveBufferSize(1 << 20);
            InetSocketAddress to = (InetSocketAddress) peer.getLocalSocketAddress();
            CountDownLatch go = new CountDownLatch(1);
            Thread[] senders = new Thread[threads];
            for (int t = 0; t < threads; t++) {
                int id = t;
                senders[t] = new Thread(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                    for (int i = 0; i < each; i++) {
                        // A different length per thread: a buffer shared between threads would mix them up.
                        String text = id + ":" + i + ":" + "x".repeat(100 + id * 300);
                        if (!direct.trySend(text.getBytes(StandardCharsets.US_ASCII), to)) {
                            throw new AssertionError("not sent: " + text);
                        }
                    }
                });
                senders[t].start();
            }
            go.countDown();
            Set<String> seen = new HashSet<>();
            for (int n = 0; n < threads * each; n++) {
                DatagramPacket got = new DatagramPacket(new byte[2048], 2048);
                peer.receive(got);
                String text = new String(got.getData(), 0, got.getLength(), StandardCharsets.US_ASCII);
                int id = Integer.parseInt(text.substring(0, text.indexOf(':')));
                assertThat(text).endsWith(":" + "x".repeat(100 + id * 300));
                seen.add(text.substring(0, text.lastIndexOf(':')));
            }
            for (Thread t : senders) {
                t.join(TIMEOUT_MILLIS);
            }
            assertThat(seen).hasSize(threads * each);
            assertThat(direct.sent()).isEqualTo(threads * each);
        }
    }

    @Test
    void afterCloseNothingIsSentAndTheCallerIsToldToUseTheChannel() throws Exception {
        Channel channel = bound("127.0.0.1");
        DirectDatagrams direct = DirectDatagrams.of(channel);
        direct.close();
        try (DatagramSocket peer = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            peer.setSoTimeout(300);
            assertThat(direct.trySend(new byte[] {'x'}, (InetSocketAddress) peer.getLocalSocketAddress())).isFalse();
            DatagramPacket got = new DatagramPacket(new byte[16], 16);
            try {
                peer.receive(got);
                throw new AssertionError("a datagram went out after close");
            } catch (SocketTimeoutException expected) {
                assertThat(direct.sent()).isZero();
            }
        }
    }

    @Test
    void aChannelClosedByItselfStopsTheDirectSendsToo() throws Exception {
        Channel channel = bound("127.0.0.1");
        DirectDatagrams direct = DirectDatagrams.of(channel);
        channel.close().sync();
        channel.eventLoop().submit(() -> { }).sync(); // the close listeners have run
        // Not only refused by the closed descriptor: closed here, before the number can be reused.
        assertThat(direct.isOpen()).isFalse();
        assertThat(direct.trySend(new byte[] {'x'}, new InetSocketAddress(InetAddress.getLoopbackAddress(), 9)))
                .isFalse();
        assertThat(direct.sent()).isZero();
    }

    @Test
    void whatCannotGoInOneDatagramOrToNoAddressIsLeftToTheChannel() throws Exception {
        Channel channel = bound("127.0.0.1");
        DirectDatagrams direct = DirectDatagrams.of(channel);
        assertThat(direct.trySend(new byte[70_000], new InetSocketAddress(InetAddress.getLoopbackAddress(), 9))).isFalse();
        assertThat(direct.trySend(new byte[1], InetSocketAddress.createUnresolved("nowhere.invalid", 5060))).isFalse();
        assertThat(direct.sent()).isZero();
    }

    @Test
    void aNioChannelHasNoDirectPath() throws Exception {
        EventLoopGroup nio = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            Channel channel = new Bootstrap().group(nio).channel(NioDatagramChannel.class)
                    .handler(new ChannelInboundHandlerAdapter()).bind("127.0.0.1", 0).sync().channel();
            assertThat(DirectDatagrams.of(channel)).isNull();
            channel.close().sync();
        } finally {
            nio.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }
}
