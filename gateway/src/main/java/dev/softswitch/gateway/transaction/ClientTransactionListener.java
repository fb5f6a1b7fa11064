package dev.softswitch.gateway.transaction;

import gov.nist.javax.sip.message.SIPResponse;

/**
 * What a client transaction reports to the transaction user that started it (RFC 3261 §17.1).
 * Each transaction reports at most one of {@link #onFinal}, {@link #onTimeout} and
 * {@link #onTransportError}; further 2xx to an INVITE go to {@link TransactionUser#onStrayResponse}.
 */
public interface ClientTransactionListener {

    void onProvisional(ClientTransaction tx, SIPResponse response);

    void onFinal(ClientTransaction tx, SIPResponse response);

    /** Timer B or F fired, or an INVITE stayed unanswered 64*T1 after its CANCEL (RFC 3261 §9.1). */
    void onTimeout(ClientTransaction tx);

    /** The transport refused to send the request (RFC 3261 §17.1.4). */
    void onTransportError(ClientTransaction tx, Exception error);
}
