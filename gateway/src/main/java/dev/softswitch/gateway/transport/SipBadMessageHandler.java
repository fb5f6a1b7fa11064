package dev.softswitch.gateway.transport;

import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.DefaultAddressedEnvelope;
import java.net.InetSocketAddress;
import javax.sip.message.Request;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers messages that failed to decode and stops them here (PRODUCT §9): a request with a Via and
 * a known method gets the failure's status and reason (with whichever of From, To, Call-ID and CSeq
 * it has, so that the sender can match it), sent back per RFC 3261
 * §18.2.2 (the same connection, or the Via's received/rport over UDP); anything else, including
 * responses and ACKs (§17.2.1: never answered), is dropped and counted. A stream that lost its
 * framing is closed after the answer.
 */
public final class SipBadMessageHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(SipBadMessageHandler.class);

    private final TransportType transport;
    private final TransportCounters counters;

    public SipBadMessageHandler(TransportType transport, TransportCounters counters) {
        this.transport = transport;
        this.counters = counters;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof DecodedSipMessage decoded) || decoded.result().isSuccess()) {
            ctx.fireChannelRead(msg);
            return;
        }
        counters.incrementParseFailures();
        SIPResponse answer = answerFor(decoded);
        if (answer == null) {
            counters.incrementDropped();
            LOG.debug("Dropping unanswerable bad message from {}: {}", decoded.source(), decoded.result().reasonPhrase());
            if (decoded.closeAfterReply()) {
                ctx.close();
            }
            return;
        }
        InetSocketAddress destination = null;
        if (!transport.isReliable()) {
            try {
                destination = ViaResponseAddress.resolve(answer.getTopmostVia());
            } catch (IllegalArgumentException e) {
                // e.g. a Via port out of range without rport: there is nowhere to send the answer (fuzz find)
                counters.incrementDropped();
                LOG.debug("Dropping bad message from {}, its Via leads nowhere: {}", decoded.source(), e.toString());
                return;
            }
        }
        LOG.debug("Answering bad message from {} with {} {}", decoded.source(), answer.getStatusCode(),
                answer.getReasonPhrase());
        counters.incrementRejectionsSent(answer.getStatusCode());
        ChannelFuture written = transport.isReliable()
                ? ctx.writeAndFlush(answer)
                : ctx.writeAndFlush(new DefaultAddressedEnvelope<>(answer, destination));
        if (decoded.closeAfterReply() && transport.isReliable()) {
            written.addListener(ChannelFutureListener.CLOSE);
        }
    }

    private static SIPResponse answerFor(DecodedSipMessage decoded) {
        if (!(decoded.message() instanceof SIPRequest request) || !isAnswerable(request)) {
            return null;
        }
        try {
            return request.createResponse(decoded.result().statusCode(), decoded.result().reasonPhrase());
        } catch (RuntimeException e) {
            LOG.debug("Cannot build an answer to a bad request: {}", e.toString());
            return null;
        }
    }

    /** A Via to route the answer and a method known not to be ACK; other headers are copied if present. */
    private static boolean isAnswerable(SIPRequest request) {
        if (request.getTopmostVia() == null) {
            return false;
        }
        String method = request.getRequestLine() != null ? request.getMethod()
                : request.getCSeq() != null ? request.getCSeq().getMethod() : null;
        return method != null && !Request.ACK.equals(method);
    }
}
