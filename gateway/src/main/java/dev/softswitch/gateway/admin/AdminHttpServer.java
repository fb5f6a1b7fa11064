package dev.softswitch.gateway.admin;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin HTTP endpoint: {@code GET /metrics} in the Prometheus text format and {@code GET /health}
 * (OPS-1), and the authenticated admin API under {@code /api/v1/} (OPS-2). One event-loop thread serves both the listening socket and its connections.
 */
public final class AdminHttpServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AdminHttpServer.class);
    private static final int MAX_REQUEST_BYTES = 64 * 1024;

    private final String host;
    private final int port;
    private final PrometheusMeterRegistry registry;
    private final AdminApi api;
    private EventLoopGroup group;
    private Channel channel;

    /** A server for {@code host:port}; port 0 picks a free port, see {@link #localAddress()}. */
    public AdminHttpServer(String host, int port, PrometheusMeterRegistry registry) {
        this(host, port, registry, null);
    }

    /** A server that also serves the admin API {@code api} under {@code /api/v1/} (null: no API). */
    public AdminHttpServer(String host, int port, PrometheusMeterRegistry registry, AdminApi api) {
        this.api = api;
        this.host = Objects.requireNonNull(host, "host");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is out of range (use 0..65535)");
        }
        this.port = port;
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    /** Binds the socket; returns once the server accepts connections. */
    public synchronized AdminHttpServer start() {
        if (group != null) {
            throw new IllegalStateException("already started");
        }
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        AdminHttpHandler handler = new AdminHttpHandler(registry, api);
        try {
            channel = new ServerBootstrap()
                    .group(group)
                    .channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ChannelPipeline p = ch.pipeline();
                            p.addLast(new HttpServerCodec());
                            p.addLast(new HttpServerKeepAliveHandler());
                            p.addLast(new HttpObjectAggregator(MAX_REQUEST_BYTES));
                            p.addLast(handler);
                        }
                    })
                    .bind(host, port).syncUninterruptibly().channel();
        } catch (RuntimeException e) {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            group = null;
            throw e;
        }
        log.info("Admin HTTP listening on {}", localAddress());
        return this;
    }

    /** The bound address; useful after binding port 0. */
    public synchronized InetSocketAddress localAddress() {
        if (channel == null) {
            throw new IllegalStateException("not started");
        }
        return (InetSocketAddress) channel.localAddress();
    }

    /** Closes the socket and stops the event loop; calling it twice is harmless. */
    @Override
    public synchronized void close() {
        if (group == null) {
            return;
        }
        if (channel != null) {
            channel.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
            channel = null;
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        group = null;
        log.info("Admin HTTP stopped");
    }
}
