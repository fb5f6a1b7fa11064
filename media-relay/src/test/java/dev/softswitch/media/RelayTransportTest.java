package dev.softswitch.media;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerAdapter;
import io.netty.channel.MaxMessagesRecvByteBufAllocator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every relay socket shares one receive-buffer allocator, sized and batched as Netty's own default for datagrams;
 * a relay on an IPv4 address opens IPv4 sockets (the kernel lists them in /proc/net/udp, not udp6).
 */
class RelayTransportTest {

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void relaySocketsShareOneAllocatorWithNettysDatagramDefaults(boolean epoll) throws Exception {
        if (epoll && !Epoll.isAvailable()) {
            return;
        }
        RelayTransport transport = new RelayTransport(1, epoll, InetAddress.getLoopbackAddress());
        try {
            Channel a = bind(transport.bootstrap().clone(transport.next()));
            Channel b = bind(transport.bootstrap().clone(transport.next()));
            Bootstrap plain = new Bootstrap().group(transport.next())
                    .channel(epoll ? EpollDatagramChannel.class : NioDatagramChannel.class);
            Channel byDefault = bind(plain);

            RecvByteBufAllocator shared = a.config().getRecvByteBufAllocator();
            assertThat((Object) b.config().getRecvByteBufAllocator()).isSameAs(shared);
            RecvByteBufAllocator netty = byDefault.config().getRecvByteBufAllocator();
            assertThat((Object) netty).isNotSameAs(shared).hasSameClassAs(shared);
            assertThat(((MaxMessagesRecvByteBufAllocator) shared).maxMessagesPerRead())
                    .isEqualTo(((MaxMessagesRecvByteBufAllocator) netty).maxMessagesPerRead());
            assertThat(shared.newHandle().guess()).isEqualTo(netty.newHandle().guess());
            for (Channel c : new Channel[] {a, b, byDefault}) {
                c.close().sync();
            }
        } finally {
            transport.shutdown();
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aRelayOnAnIpv4AddressOpensIpv4Sockets(boolean epoll) throws Exception {
        if (epoll && !Epoll.isAvailable() || !Files.isReadable(Path.of("/proc/net/udp"))) {
            return;
        }
        InetAddress v4 = InetAddress.getByName("127.0.0.1");
        RelayTransport transport = new RelayTransport(1, epoll, v4);
        try {
            Channel relay = transport.bootstrap().clone(transport.next()).handler(new ChannelHandlerAdapter() { })
                    .bind(v4, 0).sync().channel();
            int port = ((InetSocketAddress) relay.localAddress()).getPort();
            String hexPort = String.format(":%04X ", port);
            assertThat(Files.readString(Path.of("/proc/net/udp"))).as("IPv4 sockets").contains(hexPort);
            if (Files.isReadable(Path.of("/proc/net/udp6"))) {
                assertThat(Files.readString(Path.of("/proc/net/udp6"))).as("IPv6 sockets").doesNotContain(hexPort);
            }
            relay.close().sync();
        } finally {
            transport.shutdown();
        }
    }

    private static Channel bind(Bootstrap bootstrap) throws InterruptedException {
        return bootstrap.handler(new ChannelHandlerAdapter() { }).bind(InetAddress.getLoopbackAddress(), 0).sync().channel();
    }
}
