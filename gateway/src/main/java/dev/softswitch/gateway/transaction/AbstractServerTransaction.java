package dev.softswitch.gateway.transaction;

import dev.softswitch.gateway.transport.Endpoint;
import gov.nist.javax.sip.message.SIPRequest;
import java.util.Map;
import java.util.Set;

/** What both server transactions (RFC 3261 §17.2) hold: their key, request and where it came from. */
abstract class AbstractServerTransaction extends AbstractTransaction implements ServerTransaction {

    final ServerTransactionKey key;
    final SIPRequest request;
    final Endpoint source;

    AbstractServerTransaction(TransactionLayer layer, Map<TransactionState, Set<TransactionState>> transitions,
            TransactionState initial, ServerTransactionKey key, SIPRequest request, Endpoint source) {
        super(layer, transitions, initial);
        this.key = key;
        this.request = request;
        this.source = source;
    }

    @Override
    public final SIPRequest request() {
        return request;
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
