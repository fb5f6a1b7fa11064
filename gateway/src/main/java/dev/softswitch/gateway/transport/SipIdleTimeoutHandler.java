package dev.softswitch.gateway.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Closes a TCP or TLS connection with no traffic either way (keep-alive CRLFs count) for the idle timeout. */
final class SipIdleTimeoutHandler extends IdleStateHandler {

    private static final Logger LOG = LoggerFactory.getLogger(SipIdleTimeoutHandler.class);

    private final TransportCounters counters;

    SipIdleTimeoutHandler(Duration idleTimeout, TransportCounters counters) {
        super(0, 0, idleTimeout.toMillis(), TimeUnit.MILLISECONDS);
        this.counters = counters;
    }

    @Override
    protected void channelIdle(ChannelHandlerContext ctx, IdleStateEvent event) {
        LOG.debug("Closing idle SIP connection {}", ctx.channel());
        counters.incrementClosed(StreamCloseReason.IDLE_TIMEOUT);
        ctx.close();
    }
}
