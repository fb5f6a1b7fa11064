package dev.softswitch.gateway.transport;

import dev.softswitch.gateway.log.RateLimitedLog;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramChannel;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler: logs (rate-limited) what nobody handled and closes a TCP connection, never the UDP socket. A
 * connection's I/O failure (reset by the peer, broken pipe) is logged at DEBUG without a stack trace.
 */
@ChannelHandler.Sharable
public final class SipExceptionHandler extends ChannelInboundHandlerAdapter {

    public static final SipExceptionHandler INSTANCE = new SipExceptionHandler();

    private static final Logger LOG = LoggerFactory.getLogger(SipExceptionHandler.class);
    private static final RateLimitedLog ERRORS = RateLimitedLog.of(LOG);

    private SipExceptionHandler() {
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException && !(ctx.channel() instanceof DatagramChannel)) {
            // A peer that resets or drops its connection is the network's business, not an error of
            // ours: one stack trace each would let any client flood the log (issue 11).
            LOG.debug("SIP connection {} failed: {}, closing it", ctx.channel(), cause.toString());
            ctx.close();
        } else if (ctx.channel() instanceof DatagramChannel) {
            ERRORS.warn("udp:" + cause.getClass().getName(), "Error on SIP datagram channel {}", ctx.channel(), cause);
        } else {
            ERRORS.warn("stream:" + cause.getClass().getName(), "Error on SIP connection {}, closing it", ctx.channel(),
                    cause);
            ctx.close();
        }
    }
}
