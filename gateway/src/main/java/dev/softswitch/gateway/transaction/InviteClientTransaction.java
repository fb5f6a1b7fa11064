package dev.softswitch.gateway.transaction;

import static dev.softswitch.gateway.transaction.TransactionState.ACCEPTED;
import static dev.softswitch.gateway.transaction.TransactionState.CALLING;
import static dev.softswitch.gateway.transaction.TransactionState.COMPLETED;
import static dev.softswitch.gateway.transaction.TransactionState.PROCEEDING;
import static dev.softswitch.gateway.transaction.TransactionState.TERMINATED;

import dev.softswitch.gateway.sip.SipMessages;
import dev.softswitch.gateway.time.Timeout;
import dev.softswitch.gateway.transport.Endpoint;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * The INVITE client transaction of RFC 3261 §17.1.1 (figure 5) with the Accepted state of RFC
 * 6026 §7.2. Non-2xx finals are ACKed here, hop by hop; the first 2xx goes to the listener, later
 * ones to {@link TransactionUser#onStrayResponse}, and the TU ACKs them itself.
 *
 * <pre>
 *                                |INVITE from TU
 *              Timer A fires     |INVITE sent           Timer B fires
 *              Reset A,          V                      or Transport Err.
 *              INVITE sent +-----------+                inform TU
 *                +---------|           |--------------------------+
 *                |         |  Calling  |                          |
 *                +-------->|           |-----------+              |
 * 300-699                  +-----------+ 2xx       |              |
 * ACK sent                    |  |       2xx to TU |              |
 * resp. to TU                 |  |1xx              |              |
 * +---------------------------+  |1xx to TU        |              |
 * |                              |                 |              |
 * |                1xx           V                 |              |
 * |                1xx to TU +-----------+         |              |
 * |                +---------|           |         |              |
 * |                |         |Proceeding |         |              |
 * |                +-------->|           |         |              |
 * |                          +-----------+ 2xx     |              |
 * |         300-699             |    |     2xx to TU              |
 * |         ACK sent,  +--------+    +---------------+            |
 * |         resp. to TU|                           | |            |
 * |                    |                           V V            |
 * |                    |                     +-----------+        |
 * |                    |                     |           | 2xx    |
 * |  +-----------+     |                     | Accepted  |---+ to |
 * |  |           |<----+                     |           |   | TU |
 * +->| Completed |                           +-----------+<--+    |
 *    |           |--+ 300-699                      |              |
 *    +-----------+  | ACK sent                     |Timer M fires |
 *      ^  |         | (not to TU)                  |              |
 *      |  +---------+                              |              |
 *      |Timer D fires                              V              |
 *      +-------------------------------------> Terminated <-------+
 * </pre>
 *
 * Timer A (unreliable transports only) starts at T1 and doubles; Timer B and Timer M are 64*T1;
 * Timer D is 32 s, zero over reliable transports. Once a CANCEL for this INVITE has gone out, an
 * INVITE left without a final response for 64*T1 is reported as timed out (RFC 3261 §9.1).
 */
final class InviteClientTransaction extends AbstractClientTransaction {

    private static final Map<TransactionState, Set<TransactionState>> TRANSITIONS = table(
            CALLING, Set.of(PROCEEDING, COMPLETED, ACCEPTED, TERMINATED),
            PROCEEDING, Set.of(COMPLETED, ACCEPTED, TERMINATED),
            COMPLETED, Set.of(TERMINATED),
            ACCEPTED, Set.of(TERMINATED));

    private Duration timerAInterval;
    private Timeout timerA;
    private Timeout timerB;
    /** The ACK of a non-2xx final response, encoded, to send again on each retransmission of it. */
    private byte[] ack;
    private NonInviteClientTransaction cancel;

    InviteClientTransaction(TransactionLayer layer, ClientTransactionKey key, SIPRequest request,
            Endpoint destination, ClientTransactionListener listener) {
        super(layer, TRANSITIONS, CALLING, key, request, destination, listener);
    }

    InviteClientTransaction(TransactionLayer layer, ClientTransactionKey key, byte[] written,
            Endpoint destination, ClientTransactionListener listener) {
        super(layer, TRANSITIONS, CALLING, key, written, destination, listener);
    }

    /** The CANCEL requested for this INVITE, sent or still waiting for a provisional; null if none. */
    NonInviteClientTransaction cancelTransaction() {
        return cancel;
    }

    void start() {
        if (!send()) {
            return;
        }
        TimerSettings s = layer.settings();
        if (!destination.transport().isReliable()) {
            timerAInterval = s.t1();
            timerA = startTimer(timerAInterval, this::onTimerA);
        }
        timerB = startTimer(s.transactionTimeout(), this::onTimerB);
    }

    /**
     * Sends {@code cancelTx} now if a provisional has arrived, or once one does (RFC 3261 §9.1).
     * Returns false when the INVITE already has its final response, so no CANCEL may be sent.
     */
    boolean requestCancel(NonInviteClientTransaction cancelTx) {
        switch (state()) {
            case CALLING -> cancel = cancelTx;
            case PROCEEDING -> {
                cancel = cancelTx;
                sendCancel();
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    void onResponse(SIPResponse response, Endpoint source) {
        int code = response.getStatusCode();
        switch (state()) {
            case CALLING, PROCEEDING -> {
                if (code < 200) {
                    onProvisional(response);
                } else if (code < 300) {
                    stopRetransmitting();
                    moveTo(ACCEPTED);
                    linger(layer.settings().transactionTimeout());
                    abandonPendingCancel();
                    listener.onFinal(this, response);
                    finalDelivered();
                } else {
                    stopRetransmitting();
                    ack = layer.trySendEncoded(SipMessages.ackForNon2xx(request(), response), destination);
                    moveTo(COMPLETED);
                    abandonPendingCancel();
                    listener.onFinal(this, response);
                    finalDelivered();
                    linger(destination.transport().isReliable() ? Duration.ZERO : TimerSettings.TIMER_D);
                }
            }
            case ACCEPTED -> {
                if (code >= 200 && code < 300) {
                    layer.tu().onStrayResponse(response, source);
                }
            }
            case COMPLETED -> {
                if (code >= 300 && ack != null) {
                    layer.tryResend(ack, destination);
                }
            }
            default -> {
            }
        }
    }

    private void onProvisional(SIPResponse response) {
        if (state() == CALLING) {
            stopRetransmitting();
            moveTo(PROCEEDING);
            if (cancel != null) {
                sendCancel();
            }
        }
        listener.onProvisional(this, response);
    }

    private void sendCancel() {
        layer.startClient(cancel);
        startTimer(layer.settings().transactionTimeout(), () -> {
            if (state() == PROCEEDING) {
                moveTo(TERMINATED);
                listener.onTimeout(this);
            }
        });
    }

    private void abandonPendingCancel() {
        if (cancel != null) {
            cancel.abandonIfNotStarted();
        }
    }

    private void stopRetransmitting() {
        cancel(timerA);
        timerA = null; // a cancelled handle would keep the wheel entry and its closures
        cancel(timerB);
        timerB = null;
    }

    private void onTimerA() {
        if (state() != CALLING) {
            return;
        }
        if (send()) {
            timerAInterval = timerAInterval.plus(timerAInterval);
            timerA = startTimer(timerAInterval, this::onTimerA);
        }
    }

    private void onTimerB() {
        if (state() == CALLING) {
            moveTo(TERMINATED);
            abandonPendingCancel();
            listener.onTimeout(this);
        }
    }

    private boolean send() {
        Exception error = sendRequest();
        if (error == null) {
            return true;
        }
        terminate();
        abandonPendingCancel();
        listener.onTransportError(this, error);
        return false;
    }

    @Override
    public String toString() {
        return "InviteClientTransaction[" + key.branch() + ", " + state() + "]";
    }
}
