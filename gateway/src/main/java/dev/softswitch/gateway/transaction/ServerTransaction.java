package dev.softswitch.gateway.transaction;

import dev.softswitch.gateway.transport.EncodedResponse;
import dev.softswitch.gateway.transport.Endpoint;
import dev.softswitch.gateway.transport.OutgoingResponse;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;

/** A server transaction (RFC 3261 §17.2) as its transaction user sees it. */
public interface ServerTransaction {

    /**
     * The request that created the transaction, until it has been answered with a final response: after
     * that the transaction keeps only the response's bytes (issue 14), and this throws
     * {@link IllegalStateException} once the SIP core thread's current task is over.
     */
    SIPRequest request();

    /** The request's method, for the whole life of the transaction. */
    String method();

    /** Where the request came from. */
    Endpoint source();

    TransactionState state();

    /**
     * Sends a provisional or final response through the transaction, which keeps retransmitting
     * or re-sending it as its state machine says; responses the state no longer allows are dropped.
     */
    default void respond(SIPResponse response) {
        respond(OutgoingResponse.of(response));
    }

    /**
     * {@link #respond(SIPResponse)} for a response built or described ({@link OutgoingResponse#to}); returns it as
     * sent, for a TU that sends a 2xx again itself (RFC 6026 §7.1), or null when it was dropped or could not go.
     */
    EncodedResponse respond(OutgoingResponse response);
}
