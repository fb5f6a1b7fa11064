package dev.softswitch.gateway.transaction;

import dev.softswitch.gateway.transport.InDialogRequest;
import dev.softswitch.gateway.transport.Endpoint;
import gov.nist.javax.sip.message.SIPRequest;
import java.util.Map;
import java.util.Set;

/**
 * What both client transactions (RFC 3261 §17.1) hold: their key, request, destination and listener. Once
 * the final response has reached the listener, the transaction lets go of the parsed request and of the
 * listener: nothing retransmits the one or calls the other any more, and a completed transaction lives on
 * for up to 32 s. A listener is usually a call's, so that keeping it kept the whole ended call, its relay
 * session and its charging, for those 32 s (issue 14).
 */
abstract class AbstractClientTransaction extends AbstractTransaction implements ClientTransaction {

    final ClientTransactionKey key;
    final String method;
    SIPRequest request;
    /** The request as bytes when it was handed over written (then {@link #request} is parsed only if asked for). */
    byte[] written;
    final Endpoint destination;
    /** Null once the final response has reached it. */
    ClientTransactionListener listener;

    AbstractClientTransaction(TransactionLayer layer, Map<TransactionState, Set<TransactionState>> transitions,
            TransactionState initial, ClientTransactionKey key, SIPRequest request, Endpoint destination,
            ClientTransactionListener listener) {
        super(layer, transitions, initial);
        this.key = key;
        this.method = request.getMethod();
        this.request = request;
        this.destination = destination;
        this.listener = listener;
    }

    /** A transaction for a request written as bytes already, keyed by its branch and method. */
    AbstractClientTransaction(TransactionLayer layer, Map<TransactionState, Set<TransactionState>> transitions,
            TransactionState initial, ClientTransactionKey key, byte[] written, Endpoint destination,
            ClientTransactionListener listener) {
        super(layer, transitions, initial);
        this.key = key;
        this.method = key.method();
        this.written = written;
        this.destination = destination;
        this.listener = listener;
    }

    /** Sends the request, from its bytes where it was handed over written; the failure, if any. */
    final Exception sendRequest() {
        return written != null ? layer.trySend(written, destination) : layer.trySend(request, destination);
    }

    /** The final response has reached the listener: the request and the listener are no longer needed. */
    final void finalDelivered() {
        request = null;
        written = null;
        listener = null;
    }

    /**
     * The request; one handed over as bytes is parsed back the first time it is asked for.
     *
     * @throws IllegalStateException once the final response has been handled: the request is gone
     */
    @Override
    public final SIPRequest request() {
        if (request == null && written != null) {
            request = InDialogRequest.parse(written);
        }
        if (request == null) {
            throw new IllegalStateException(this + " has its final response and no longer holds its request");
        }
        return request;
    }

    @Override
    public final Endpoint destination() {
        return destination;
    }

    final ClientTransactionKey key() {
        return key;
    }

    /** A terminated transaction leaves the layer's table at once (no leak, RFC 3261 §17). */
    @Override
    final void onTerminated() {
        layer.removeClient(key, this);
    }
}
