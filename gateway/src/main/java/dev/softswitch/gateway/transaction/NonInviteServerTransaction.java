package dev.softswitch.gateway.transaction;

import static dev.softswitch.gateway.transaction.TransactionState.COMPLETED;
import static dev.softswitch.gateway.transaction.TransactionState.PROCEEDING;
import static dev.softswitch.gateway.transaction.TransactionState.TERMINATED;
import static dev.softswitch.gateway.transaction.TransactionState.TRYING;

import dev.softswitch.gateway.transport.EncodedResponse;
import dev.softswitch.gateway.transport.Endpoint;
import dev.softswitch.gateway.transport.OutgoingResponse;
import gov.nist.javax.sip.message.SIPRequest;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * The non-INVITE server transaction of RFC 3261 §17.2.2 (figure 8), also used for CANCEL.
 * Retransmitted requests are absorbed in Trying and answered with the last response afterwards.
 *
 * <pre>
 *                                   |Request received
 *                                   |pass to TU
 *                                   V
 *                             +-----------+
 *                             |           |
 *                             | Trying    |-------------+
 *                             |           |             |
 *                             +-----------+             |200-699 from TU
 *                                   |                   |send response
 *                                   |1xx from TU        |
 *                                   |send response      |
 *                                   |                   |
 *                Request            V      1xx from TU  |
 *                send response+-----------+send response|
 *                    +--------|           |--------+    |
 *                    |        | Proceeding|        |    |
 *                    +------->|           |<-------+    |
 *             +<--------------|           |             |
 *             |Trnsprt Err    +-----------+             |
 *             |Inform TU            |                   |
 *             |                     |                   |
 *             |                     |200-699 from TU    |
 *             |                     |send response      |
 *             |  Request            V                   |
 *             |  send response+-----------+             |
 *             |      +--------|           |             |
 *             |      |        | Completed |<------------+
 *             |      +------->|           |
 *             +<--------------|           |
 *             |Trnsprt Err    +-----------+
 *             |Inform TU            |
 *             |                     |Timer J fires
 *             |                     |-
 *             |                     |
 *             |                     V
 *             |               +-----------+
 *             |               |           |
 *             +-------------->| Terminated|
 *                             |           |
 *                             +-----------+
 * </pre>
 *
 * Timer J is 64*T1, zero over reliable transports.
 */
final class NonInviteServerTransaction extends AbstractServerTransaction {

    private static final Map<TransactionState, Set<TransactionState>> TRANSITIONS = table(
            TRYING, Set.of(PROCEEDING, COMPLETED, TERMINATED),
            PROCEEDING, Set.of(COMPLETED, TERMINATED),
            COMPLETED, Set.of(TERMINATED));

    NonInviteServerTransaction(TransactionLayer layer, ServerTransactionKey key, SIPRequest request, Endpoint source) {
        super(layer, TRANSITIONS, TRYING, key, request, source);
    }

    @Override
    public EncodedResponse respond(OutgoingResponse response) {
        if (state() != TRYING && state() != PROCEEDING) {
            TransactionLayer.LOG.debug("{}: dropping {} in {}", this, response.statusCode(), state());
            return null;
        }
        EncodedResponse sent = send(response);
        if (response.statusCode() < 200) {
            if (state() == TRYING) {
                moveTo(PROCEEDING);
            }
            return sent;
        }
        releaseRequest();
        moveTo(COMPLETED);
        linger(source.transport().isReliable() ? Duration.ZERO : layer.settings().transactionTimeout());
        return sent;
    }

    /** A retransmission of the request (RFC 3261 §17.2.2). */
    void onRetransmission() {
        if (state() != TERMINATED) {
            resend();
        }
    }

    @Override
    public String toString() {
        return "NonInviteServerTransaction[" + method + " " + key.branch() + ", " + state() + "]";
    }
}
