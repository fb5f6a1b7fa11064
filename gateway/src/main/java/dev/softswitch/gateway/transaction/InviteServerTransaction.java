package dev.softswitch.gateway.transaction;

import static dev.softswitch.gateway.transaction.TransactionState.ACCEPTED;
import static dev.softswitch.gateway.transaction.TransactionState.COMPLETED;
import static dev.softswitch.gateway.transaction.TransactionState.CONFIRMED;
import static dev.softswitch.gateway.transaction.TransactionState.PROCEEDING;
import static dev.softswitch.gateway.transaction.TransactionState.TERMINATED;

import dev.softswitch.gateway.time.Timeout;
import dev.softswitch.gateway.transport.EncodedResponse;
import dev.softswitch.gateway.transport.Endpoint;
import dev.softswitch.gateway.transport.OutgoingResponse;
import gov.nist.javax.sip.message.SIPRequest;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * The INVITE server transaction of RFC 3261 §17.2.1 (figure 7) with the Accepted state of RFC
 * 6026 §7.1. It answers 100 Trying as soon as the TU has taken the INVITE without answering it (an INVITE
 * answered at once, e.g. a 407 challenge, gets no 100); retransmitted INVITEs get the last response again
 * (absorbed in Accepted and Confirmed); an ACK in Accepted goes to the TU.
 *
 * <pre>
 *                                     |INVITE
 *                                     |pass INV to TU
 *                  INVITE             V send 100 Trying
 *                  send response+------------+
 *                      +--------|            |--------+ 101-199 from TU
 *                      |        |            |        | send response
 *                      +------->| Proceeding |<-------+
 *                               |            |
 *                               |            |
 *                               +------------+
 *                  300-699 from TU |        | 2xx from TU
 *                  send response   |        | send response
 *                   +--------------+        +------------+
 *                   |                                    |
 *  INVITE           V          Timer G fires             |
 *  send response +-----------+ send response             |
 *       +--------|           |--------+                  |
 *       |        | Completed |        |                  |
 *       +------->|           |<-------+           INVITE |  2xx from TU
 *                +-----------+                    -      |  send response
 *                   |     |                        +---+ |  +---+
 *       ACK         |     | Timer H fires          |   V V  V   |
 *       -           |     | inform TU              |  +----------+
 *                   |     |                        +--|          |
 *                   |     +---------+                 | Accepted |
 *                   V               |                 |          |
 *                +-----------+      |      ACK to TU  +----------+
 *                |           |      |          +---+   ^  |
 *                | Confirmed |      |          |   +---+  |
 *                |           |      |          +------+   |Timer L fires
 *                +-----------+      |                     |
 *                   |               |                     |
 *                   |Timer I fires  |                     |
 *                   V               |                     |
 *                +-----------+      |                     |
 *                | Terminated|<-----+---------------------+
 *                +-----------+
 * </pre>
 *
 * Timer G (unreliable transports only) starts at T1 and doubles up to T2; Timers H and L are 64*T1;
 * Timer I is T4, zero over reliable transports.
 */
final class InviteServerTransaction extends AbstractServerTransaction {

    private static final Map<TransactionState, Set<TransactionState>> TRANSITIONS = table(
            PROCEEDING, Set.of(COMPLETED, ACCEPTED, TERMINATED),
            COMPLETED, Set.of(CONFIRMED, TERMINATED),
            CONFIRMED, Set.of(TERMINATED),
            ACCEPTED, Set.of(TERMINATED));

    private Duration timerGInterval;
    private Timeout timerG;
    private Timeout timerH;

    InviteServerTransaction(TransactionLayer layer, ServerTransactionKey key, SIPRequest request, Endpoint source) {
        super(layer, TRANSITIONS, PROCEEDING, key, request, source);
    }

    /**
     * Sends 100 Trying unless the TU has answered already (RFC 3261 §17.2.1: 100 Trying is owed unless the TU
     * answers within 200 ms; the layer calls this once the TU has taken the INVITE, in the same task, so a call
     * that goes on to charging and routing gets it at once, and one refused or challenged there and then does
     * not get a 100 before its final response).
     */
    void tryingUnlessAnswered() {
        if (state() == PROCEEDING && lastResponse == null) {
            lastResponse = layer.trySendTrying(request(), source);
        }
    }

    @Override
    public EncodedResponse respond(OutgoingResponse response) {
        int code = response.statusCode();
        EncodedResponse sent = null;
        switch (state()) {
            case PROCEEDING -> {
                sent = send(response);
                if (code >= 200) {
                    releaseRequest();
                }
                if (code >= 300) {
                    moveTo(COMPLETED);
                    TimerSettings s = layer.settings();
                    if (!source.transport().isReliable()) {
                        timerGInterval = s.t1();
                        timerG = startTimer(timerGInterval, this::onTimerG);
                    }
                    timerH = startTimer(s.transactionTimeout(), this::onTimerH);
                } else if (code >= 200) {
                    // Accepted absorbs retransmitted INVITEs; the TU retransmits the 2xx itself (RFC 6026 §7.1).
                    lastResponse = null;
                    moveTo(ACCEPTED);
                    linger(layer.settings().transactionTimeout());
                }
            }
            case ACCEPTED -> {
                if (code >= 200 && code < 300) {
                    sent = layer.trySendResponse(response, source);
                } else {
                    TransactionLayer.LOG.debug("{}: dropping {} in ACCEPTED", this, code);
                }
            }
            default -> TransactionLayer.LOG.debug("{}: dropping {} in {}", this, code, state());
        }
        return sent;
    }

    /** A retransmission of the INVITE (RFC 3261 §17.2.1). */
    void onRetransmission() {
        if (state() == PROCEEDING || state() == COMPLETED) {
            resend();
        }
    }

    void onAck(SIPRequest ack, Endpoint ackSource) {
        switch (state()) {
            case COMPLETED -> {
                cancel(timerG);
                timerG = null; // a cancelled handle would keep the wheel entry and its closures
                cancel(timerH);
                timerH = null;
                moveTo(CONFIRMED);
                lastResponse = null; // Confirmed only absorbs ACKs: nothing is sent again
                linger(source.transport().isReliable() ? Duration.ZERO : layer.settings().t4());
            }
            case ACCEPTED -> layer.tu().onAck(ack, ackSource);
            default -> TransactionLayer.LOG.debug("{}: ACK absorbed", this);
        }
    }

    private void onTimerG() {
        if (state() != COMPLETED) {
            return;
        }
        resend();
        timerGInterval = layer.settings().doubledCapped(timerGInterval);
        timerG = startTimer(timerGInterval, this::onTimerG);
    }

    private void onTimerH() {
        if (state() == COMPLETED) {
            moveTo(TERMINATED);
            layer.tu().onServerTimeout(this);
        }
    }

    @Override
    public String toString() {
        return "InviteServerTransaction[" + key.branch() + ", " + state() + "]";
    }
}
