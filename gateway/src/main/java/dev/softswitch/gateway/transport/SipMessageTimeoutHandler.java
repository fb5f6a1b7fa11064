package dev.softswitch.gateway.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes a TCP or TLS connection that started a message and did not finish it within the message
 * timeout (slowloris: a peer that trickles or stalls an unfinished header pins a buffer and a socket).
 * Sits just before the {@link SipStreamFrameDecoder} and asks it, after each read, whether a message
 * is under way; the clock starts at a message's first byte and stops when a frame comes out.
 */
final class SipMessageTimeoutHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(SipMessageTimeoutHandler.class);

    private final SipStreamFrameDecoder frames;
    private final long timeoutNanos;
    private final TransportCounters counters;
    private ScheduledFuture<?> deadline;

    SipMessageTimeoutHandler(SipStreamFrameDecoder frames, Duration timeout, TransportCounters counters) {
        this.frames = frames;
        this.timeoutNanos = timeout.toNanos();
        this.counters = counters;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        long before = frames.framesDecoded();
        ctx.fireChannelRead(msg);
        if (frames.framesDecoded() != before || !frames.midMessage()) {
            cancel();
        }
        if (deadline == null && frames.midMessage() && ctx.channel().isActive()) {
            deadline = ctx.executor().schedule(() -> expire(ctx), timeoutNanos, TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancel();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancel();
    }

    private void expire(ChannelHandlerContext ctx) {
        deadline = null;
        if (frames.midMessage() && ctx.channel().isActive()) {
            LOG.debug("Closing SIP connection {}: a message started and was not finished in time", ctx.channel());
            counters.incrementClosed(StreamCloseReason.MESSAGE_TIMEOUT);
            ctx.close();
        }
    }

    private void cancel() {
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
    }
}
