package dev.softswitch.media.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.socket.SocketProtocolFamily;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * A relayed datagram leaves an epoll socket with one sendto on its event loop and arrives whole; off the loop
 * the caller is told to write it through the channel instead.
 */
class DirectSendTest {

    @Test
    void onTheSocketsLoopTheDatagramIsSentAtOnceAndArrivesWhole() throws Exception {
        Assumptions.assumeTrue(Epoll.isAvailable(), "native epoll is not available here");
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        try (DatagramSocket peer = new DatagramSocket(0, loopback)) {
            peer.setSoTimeout(5_000);
            Channel out = new Bootstrap().group(group).channelFactory(() -> new EpollDatagramChannel(SocketProtocolFamily.INET))
                    .handler(new ChannelHandlerAdapter() { }).bind(loopback, 0).sync().channel();
            InetSocketAddress target = new InetSocketAddress(loopback, peer.getLocalPort());
            ByteBuf packet = PooledByteBufAllocator.DEFAULT.directBuffer(64);
            packet.writeBytes("xxRTP payload".getBytes(StandardCharsets.US_ASCII));
            packet.skipBytes(2);

            assertThat(DirectSend.trySend(out, packet, target)).as("off the loop").isFalse();
            CompletableFuture<Boolean> sent = new CompletableFuture<>();
            out.eventLoop().execute(() -> sent.complete(DirectSend.trySend(out, packet, target)));

            assertThat(sent.get(5, TimeUnit.SECONDS)).isTrue();
            DatagramPacket received = new DatagramPacket(new byte[100], 100);
            peer.receive(received);
            assertThat(new String(received.getData(), 0, received.getLength(), StandardCharsets.US_ASCII))
                    .isEqualTo("RTP payload");
            assertThat(received.getPort()).isEqualTo(((InetSocketAddress) out.localAddress()).getPort());
            assertThat(packet.refCnt()).as("the buffer stays the caller's").isEqualTo(1);
            packet.release();
            out.close().sync();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
