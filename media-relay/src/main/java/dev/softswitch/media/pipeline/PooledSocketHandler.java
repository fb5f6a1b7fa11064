package dev.softswitch.media.pipeline;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCountUtil;
import java.util.Objects;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one handler of a pooled relay socket that is a Netty channel: hands every received datagram to
 * the receiver (forwarding stage) of the session the socket is lent to, or, while the socket is idle in the pool, drops it (counted
 * as dropped) and notes when, so that the pool lends the socket again only once its last peer has
 * gone quiet. Lent, reclaimed and read on the socket's event loop only.
 */
public final class PooledSocketHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(PooledSocketHandler.class);

    private final RelayTotals totals;
    private final LongSupplier nanoTime;
    private DatagramReceiver session;
    private long lastDroppedNanos;
    private boolean droppedAny;

    public PooledSocketHandler(RelayTotals totals, LongSupplier nanoTime) {
        this.totals = Objects.requireNonNull(totals, "totals");
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    }

    /** From the next datagram on, {@code forwarding} (a session's stage) gets what this socket receives. */
    public void lend(DatagramReceiver forwarding) {
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
        DatagramReceiver current = session;
        if (current != null && msg instanceof DatagramPacket packet) {
            try {
                current.receive(ctx.alloc(), packet.content(), packet.sender());
            } finally {
                packet.release();
            }
            return;
        }
        ReferenceCountUtil.release(msg);
        totals.dropped();
        lastDroppedNanos = nanoTime.getAsLong();
        droppedAny = true;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) throws Exception {
        // A failed send or receive concerns one datagram; the socket stays open for the next.
        log.debug("relay socket {}: socket error", ctx.channel().localAddress(), cause);
    }
}
