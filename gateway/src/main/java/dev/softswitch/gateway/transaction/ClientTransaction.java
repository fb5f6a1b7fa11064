package dev.softswitch.gateway.transaction;

import dev.softswitch.gateway.transport.Endpoint;
import gov.nist.javax.sip.message.SIPRequest;

/** A client transaction (RFC 3261 §17.1) as its transaction user sees it. */
public interface ClientTransaction {

    /** The request as sent (and retransmitted). */
    SIPRequest request();

    /** Where the request goes. */
    Endpoint destination();

    TransactionState state();
}
