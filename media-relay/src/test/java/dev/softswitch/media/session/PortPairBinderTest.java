package dev.softswitch.media.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Closing what a failed bind left behind always finishes: a socket that could not even be created (no
 * file descriptor left: Netty hands back a channel that never registered) is not a reason to keep
 * the port pair, the other socket and the waiting call for good.
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
        group.next().execute(() -> PortPairBinder.closeAll(List.of(bound, notCreated.channel()), () -> then.complete(null)));

        then.get(5, TimeUnit.SECONDS);
        assertThat(bound.closeFuture().isDone()).isTrue();
    }
}
