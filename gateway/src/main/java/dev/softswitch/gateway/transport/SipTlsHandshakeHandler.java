package dev.softswitch.gateway.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sits after the {@code SslHandler} of a TLS connection and counts failed handshakes (an old
 * protocol version, an untrusted certificate, plain text on a TLS port). The {@code SslHandler}
 * closes such a connection itself; this handler keeps its exception from reaching the last handler
 * as an error, since a refused handshake is an expected answer, not a fault.
 */
public final class SipTlsHandshakeHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(SipTlsHandshakeHandler.class);

    private final TransportCounters counters;
    private final boolean outbound;

    public SipTlsHandshakeHandler(TransportCounters counters, boolean outbound) {
        this.counters = counters;
        this.outbound = outbound;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof SslHandshakeCompletionEvent completion && !completion.isSuccess()) {
            counters.incrementTlsHandshakeFailures();
            if (outbound) {
                LOG.warn("TLS handshake with {} failed: {}", ctx.channel().remoteAddress(), completion.cause().toString());
            } else {
                LOG.debug("TLS handshake from {} failed: {}", ctx.channel().remoteAddress(), completion.cause().toString());
            }
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof SSLException || cause instanceof NotSslRecordException || (cause instanceof DecoderException && cause.getCause() instanceof SSLException)) {
            // A failed handshake was counted and logged on its event; a TLS error later is logged here.
            LOG.debug("TLS error on {}, closing it: {}", ctx.channel(), cause.toString());
            ctx.close();
            return;
        }
        ctx.fireExceptionCaught(cause);
    }
}
