package dev.softswitch.media.pipeline;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandler;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.util.Objects;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one handler of a pooled relay socket: hands every received datagram to the forwarding handler
 * of the session the socket is lent to, or, while the socket is idle in the pool, drops it (counted
 * as dropped) and notes when, so that the pool lends the socket again only once its last peer has
 * gone quiet. Lent, reclaimed and read on the socket's event loop only.
 */
public final class PooledSocketHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(PooledSocketHandler.class);

    private final RelayTotals totals;
    private final LongSupplier nanoTime;
    private ChannelInboundHandler session;
    private long lastDroppedNanos;
    private boolean droppedAny;

    public PooledSocketHandler(RelayTotals totals, LongSupplier nanoTime) {
        this.totals = Objects.requireNonNull(totals, "totals");
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    }

    /** From the next datagram on, {@code forwarding} (a session's handler) gets what this socket receives. */
    public void lend(ChannelInboundHandler forwarding) {
        this.session = Objects.requireNonNull(forwarding, "forwarding");
    }

    /** From the next datagram on, what this socket receives is dropped; the session had it last. */
    public void reclaim() {
        this.session = null;
    }

    /** Whether a session holds the socket. */
    public boolean isLent() {
        return session != null;
    }

    /** Whether no datagram has been dropped here (while idle) at or after {@code sinceNanos}. */
    public boolean quietSince(long sinceNanos) {
        return !droppedAny || lastDroppedNanos - sinceNanos < 0;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        ChannelInboundHandler current = session;
        if (current != null) {
            current.channelRead(ctx, msg);
            return;
        }
        ReferenceCountUtil.release(msg);
        totals.dropped();
        lastDroppedNanos = nanoTime.getAsLong();
        droppedAny = true;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) throws Exception {
        ChannelInboundHandler current = session;
        if (current != null) {
            current.exceptionCaught(ctx, cause);
        } else {
            // A failed receive on an idle socket concerns one datagram; the socket stays in the pool.
            log.debug("idle relay socket {}: socket error", ctx.channel().localAddress(), cause);
        }
    }
}
