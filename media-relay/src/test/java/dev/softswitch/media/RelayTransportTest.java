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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every relay socket shares one receive-buffer allocator, sized and batched as Netty's own default for datagrams. */
class RelayTransportTest {

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void relaySocketsShareOneAllocatorWithNettysDatagramDefaults(boolean epoll) throws Exception {
        if (epoll && !Epoll.isAvailable()) {
            return;
        }
        RelayTransport transport = new RelayTransport(1, epoll);
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

    private static Channel bind(Bootstrap bootstrap) throws InterruptedException {
        return bootstrap.handler(new ChannelHandlerAdapter() { }).bind(InetAddress.getLoopbackAddress(), 0).sync().channel();
    }
}
