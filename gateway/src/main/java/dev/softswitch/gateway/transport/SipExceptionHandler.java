package dev.softswitch.gateway.transport;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The last handler: logs what nobody handled and closes a TCP connection, never the UDP socket. */
@ChannelHandler.Sharable
public final class SipExceptionHandler extends ChannelInboundHandlerAdapter {

    public static final SipExceptionHandler INSTANCE = new SipExceptionHandler();

    private static final Logger LOG = LoggerFactory.getLogger(SipExceptionHandler.class);

    private SipExceptionHandler() {
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (ctx.channel() instanceof DatagramChannel) {
            LOG.warn("Error on SIP datagram channel {}", ctx.channel(), cause);
        } else {
            LOG.warn("Error on SIP connection {}, closing it", ctx.channel(), cause);
            ctx.close();
        }
    }
}
