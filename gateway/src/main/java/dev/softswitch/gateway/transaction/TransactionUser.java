package dev.softswitch.gateway.transaction;

import dev.softswitch.gateway.transport.Endpoint;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;

/**
 * The transaction user (RFC 3261 §17, here the B2BUA core): receives what the
 * {@link TransactionLayer} does not absorb. Called on the SIP core thread.
 */
public interface TransactionUser {

    /** A new request (not ACK, not a matched CANCEL) in a new server transaction; INVITEs have been answered 100. */
    void onRequest(ServerTransaction tx);

    /** An ACK that matched no server transaction (the ACK for a 2xx, RFC 3261 §17.2.3), or one in Accepted (RFC 6026). */
    void onAck(SIPRequest ack, Endpoint source);

    /** A CANCEL whose branch matched {@code inviteTx} (RFC 3261 §9.2); the TU answers both. */
    void onCancel(ServerTransaction cancelTx, ServerTransaction inviteTx);

    /**
     * A response no client transaction wants: matching none, or a further 2xx to an INVITE
     * (retransmission or another fork) after the first went to the listener, which the TU must
     * ACK again (RFC 3261 §13.2.2.4, RFC 6026 §8.4).
     */
    void onStrayResponse(SIPResponse response, Endpoint source);

    /** An INVITE server transaction whose non-2xx final response was never ACKed (Timer H, RFC 3261 §17.2.1). */
    default void onServerTimeout(ServerTransaction tx) {
    }

    /**
     * An INVITE server transaction terminated and left the layer: no CANCEL or retransmission can reach
     * it any more, so the TU may let go of it and of its messages.
     */
    default void onInviteEnded(ServerTransaction tx) {
    }
}
