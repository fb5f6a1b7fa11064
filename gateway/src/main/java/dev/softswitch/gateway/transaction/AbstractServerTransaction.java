package dev.softswitch.gateway.transaction;

import dev.softswitch.gateway.transport.EncodedResponse;
import dev.softswitch.gateway.transport.Endpoint;
import dev.softswitch.gateway.transport.OutgoingResponse;
import gov.nist.javax.sip.message.SIPRequest;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * What both server transactions (RFC 3261 §17.2) hold: their key, request and where it came from, and
 * the last response as sent. Once the final response is out, the transaction lets go of the parsed
 * request (after the core thread's current task, so that the code that answered may still read it) and
 * keeps the response as bytes: that is all a retransmission needs for the 64*T1 it lives on (issue 14).
 */
abstract class AbstractServerTransaction extends AbstractTransaction implements ServerTransaction {

    final ServerTransactionKey key;
    final String method;
    final Endpoint source;
    private SIPRequest request;
    /** The last response sent, to send again; null when nothing is to be sent again. */
    EncodedResponse lastResponse;

    AbstractServerTransaction(TransactionLayer layer, Map<TransactionState, Set<TransactionState>> transitions,
            TransactionState initial, ServerTransactionKey key, SIPRequest request, Endpoint source) {
        super(layer, transitions, initial);
        this.key = key;
        this.method = request.getMethod();
        this.request = request;
        this.source = source;
    }

    /**
     * @throws IllegalStateException once the final response has been sent and the core thread has moved on
     *         to another task: the transaction no longer keeps the request
     */
    @Override
    public final SIPRequest request() {
        if (request == null) {
            throw new IllegalStateException(this + " has sent its final response and no longer holds its request");
        }
        return request;
    }

    @Override
    public final String method() {
        return method;
    }

    /** Sends {@code response} and keeps its bytes to send again; returns them. */
    final EncodedResponse send(OutgoingResponse response) {
        lastResponse = layer.trySendResponse(response, source);
        return lastResponse;
    }

    /** Sends the last response again, if there is one. */
    final void resend() {
        if (lastResponse != null) {
            layer.tryResendResponse(lastResponse, source);
        }
    }

    /**
     * The final response is out: the request goes once the current task on the core thread is done. If the
     * core no longer takes tasks (the gateway is stopping), it simply stays: answering must not fail for it.
     */
    final void releaseRequest() {
        try {
            layer.timers().schedule(Duration.ZERO, () -> request = null);
        } catch (RuntimeException e) {
            TransactionLayer.LOG.debug("{}: request kept, the core takes no more tasks: {}", this, e.toString());
        }
    }

    @Override
    public final Endpoint source() {
        return source;
    }

    /** A terminated transaction leaves the layer's table at once (no leak, RFC 3261 §17). */
    @Override
    final void onTerminated() {
        layer.removeServer(key, this);
    }
}
