package dev.softswitch.gateway.transaction;

import dev.softswitch.gateway.transport.Endpoint;
import gov.nist.javax.sip.message.SIPRequest;

/** A client transaction (RFC 3261 §17.1) as its transaction user sees it. */
public interface ClientTransaction {

    /**
     * The request as sent (and retransmitted), until its final response has been handed to the listener;
     * then {@link IllegalStateException}: a completed transaction keeps no parsed message (issue 14).
     */
    SIPRequest request();

    /** Where the request goes. */
    Endpoint destination();

    TransactionState state();
}
