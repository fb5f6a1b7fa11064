package dev.softswitch.gateway.transport;

import dev.softswitch.gateway.log.RateLimitedLog;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Hands every well-formed message to the {@link SipMessageHandler}, stamped with the injected clock.
 * A failing handler is logged (rate-limited) and does not cost the connection.
 */
public final class SipDispatchHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(SipDispatchHandler.class);
    /** One line a minute per kind of failure, whoever sends the messages that cause it. */
    private static final RateLimitedLog FAILURES = RateLimitedLog.of(LOG);

    private final SipMessageHandler handler;
    private final Clock clock;
    private final TransportCounters counters;

    public SipDispatchHandler(SipMessageHandler handler, Clock clock, TransportCounters counters) {
        this.handler = handler;
        this.clock = clock;
        this.counters = counters;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof DecodedSipMessage decoded)) {
            ctx.fireChannelRead(msg);
            return;
        }
        counters.incrementMessagesReceived();
        String callId = decoded.message().getCallId() == null ? null : decoded.message().getCallId().getCallId();
        MDC.put("callId", callId);
        try {
            handler.onMessage(new InboundMessage(decoded.message(), decoded.source(), clock.instant()));
        } catch (RuntimeException e) {
            FAILURES.warn(e.getClass().getName(), "SIP message handler failed on a message from {}", decoded.source(), e);
        } finally {
            MDC.remove("callId");
        }
    }
}
