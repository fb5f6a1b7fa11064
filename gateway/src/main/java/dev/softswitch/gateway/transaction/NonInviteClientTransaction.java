package dev.softswitch.gateway.transaction;

import static dev.softswitch.gateway.transaction.TransactionState.COMPLETED;
import static dev.softswitch.gateway.transaction.TransactionState.PROCEEDING;
import static dev.softswitch.gateway.transaction.TransactionState.TERMINATED;
import static dev.softswitch.gateway.transaction.TransactionState.TRYING;

import dev.softswitch.gateway.time.Timeout;
import dev.softswitch.gateway.transport.Endpoint;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * The non-INVITE client transaction of RFC 3261 §17.1.2 (figure 6), also used for CANCEL.
 *
 * <pre>
 *                                |Request from TU
 *                                |send request
 *            Timer E             V
 *            send request  +-----------+
 *                +---------|           |-------------------+
 *                |         |  Trying   |  Timer F          |
 *                +-------->|           |  or Transport Err.|
 *                          +-----------+  inform TU        |
 *             200-699         |  |                         |
 *             resp. to TU     |  |1xx                      |
 *             +---------------+  |resp. to TU              |
 *             |                  |                         |
 *             |   Timer E        V       Timer F           |
 *             |   send req +-----------+ or Transport Err. |
 *             |  +---------|           | inform TU         |
 *             |  |         |Proceeding |------------------>|
 *             |  +-------->|           |-----+             |
 *             |            +-----------+     |1xx          |
 *             |              |      ^        |resp to TU   |
 *             | 200-699      |      +--------+             |
 *             | resp. to TU  |                             |
 *             |              |                             |
 *             |              V                             |
 *             |            +-----------+                   |
 *             |            |           |                   |
 *             |            | Completed |                   |
 *             |            |           |                   |
 *             |            +-----------+                   |
 *             |              ^   |                         |
 *             |              |   | Timer K                 |
 *             +--------------+   | -                       |
 *                                |                         |
 *                                V                         |
 *          NOTE:           +-----------+                   |
 *                          |           |                   |
 *      transitions         | Terminated|<------------------+
 *      labeled with        |           |
 *      the event           +-----------+
 *      over the action
 *      to take
 * </pre>
 *
 * Timer E (unreliable transports only) starts at T1 and doubles up to T2 in Trying, and is T2 in
 * Proceeding; Timer F is 64*T1; Timer K is T4, zero over reliable transports.
 */
final class NonInviteClientTransaction extends AbstractClientTransaction {

    private static final Map<TransactionState, Set<TransactionState>> TRANSITIONS = table(
            TRYING, Set.of(PROCEEDING, COMPLETED, TERMINATED),
            PROCEEDING, Set.of(COMPLETED, TERMINATED),
            COMPLETED, Set.of(TERMINATED));

    private boolean started;
    private Duration timerEInterval;
    private Timeout timerE;
    private Timeout timerF;

    NonInviteClientTransaction(TransactionLayer layer, ClientTransactionKey key, SIPRequest request,
            Endpoint destination, ClientTransactionListener listener) {
        super(layer, TRANSITIONS, TRYING, key, request, destination, listener);
    }

    NonInviteClientTransaction(TransactionLayer layer, ClientTransactionKey key, byte[] written,
            Endpoint destination, ClientTransactionListener listener) {
        super(layer, TRANSITIONS, TRYING, key, written, destination, listener);
    }

    void start() {
        started = true;
        if (!send()) {
            return;
        }
        TimerSettings s = layer.settings();
        if (!destination.transport().isReliable()) {
            timerEInterval = s.t1();
            timerE = startTimer(timerEInterval, this::onTimerE);
        }
        timerF = startTimer(s.transactionTimeout(), this::onTimerF);
    }

    /** A CANCEL that never went out because its INVITE got a final response first (RFC 3261 §9.1). */
    void abandonIfNotStarted() {
        if (!started) {
            terminate();
        }
    }

    void onResponse(SIPResponse response) {
        if (state() != TRYING && state() != PROCEEDING) {
            return;
        }
        if (response.getStatusCode() < 200) {
            if (state() == TRYING) {
                moveTo(PROCEEDING);
            }
            listener.onProvisional(this, response);
            return;
        }
        cancel(timerE);
        timerE = null; // a cancelled handle would keep the wheel entry and its closures
        cancel(timerF);
        timerF = null;
        moveTo(COMPLETED);
        listener.onFinal(this, response);
        finalDelivered();
        linger(destination.transport().isReliable() ? Duration.ZERO : layer.settings().t4());
    }

    private void onTimerE() {
        if (state() != TRYING && state() != PROCEEDING) {
            return;
        }
        if (send()) {
            timerEInterval = state() == TRYING ? layer.settings().doubledCapped(timerEInterval) : layer.settings().t2();
            timerE = startTimer(timerEInterval, this::onTimerE);
        }
    }

    private void onTimerF() {
        if (state() == TRYING || state() == PROCEEDING) {
            moveTo(TERMINATED);
            listener.onTimeout(this);
        }
    }

    private boolean send() {
        Exception error = sendRequest();
        if (error == null) {
            return true;
        }
        terminate();
        listener.onTransportError(this, error);
        return false;
    }

    @Override
    public String toString() {
        return "NonInviteClientTransaction[" + method + " " + key.branch() + ", " + state() + "]";
    }
}
