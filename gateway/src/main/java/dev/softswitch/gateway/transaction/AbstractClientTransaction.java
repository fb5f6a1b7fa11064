package dev.softswitch.gateway.transaction;

import dev.softswitch.gateway.transport.Endpoint;
import gov.nist.javax.sip.message.SIPRequest;
import java.util.Map;
import java.util.Set;

/** What both client transactions (RFC 3261 §17.1) hold: their key, request, destination and listener. */
abstract class AbstractClientTransaction extends AbstractTransaction implements ClientTransaction {

    final ClientTransactionKey key;
    final SIPRequest request;
    final Endpoint destination;
    final ClientTransactionListener listener;

    AbstractClientTransaction(TransactionLayer layer, Map<TransactionState, Set<TransactionState>> transitions,
            TransactionState initial, ClientTransactionKey key, SIPRequest request, Endpoint destination,
            ClientTransactionListener listener) {
        super(layer, transitions, initial);
        this.key = key;
        this.request = request;
        this.destination = destination;
        this.listener = listener;
    }

    @Override
    public final SIPRequest request() {
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
