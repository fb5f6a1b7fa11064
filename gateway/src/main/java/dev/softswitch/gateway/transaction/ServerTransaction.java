package dev.softswitch.gateway.transaction;

import dev.softswitch.gateway.transport.Endpoint;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;

/** A server transaction (RFC 3261 §17.2) as its transaction user sees it. */
public interface ServerTransaction {

    /** The request that created the transaction. */
    SIPRequest request();

    /** Where the request came from. */
    Endpoint source();

    TransactionState state();

    /**
     * Sends a provisional or final response through the transaction, which keeps retransmitting
     * or re-sending it as its state machine says; responses the state no longer allows are dropped.
     */
    void respond(SIPResponse response);
}
