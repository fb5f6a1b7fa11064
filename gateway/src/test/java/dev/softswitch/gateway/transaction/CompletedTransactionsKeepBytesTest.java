package dev.softswitch.gateway.transaction;

import static dev.softswitch.gateway.transaction.InviteClientTransactionTest.ms;
import static dev.softswitch.gateway.testing.SipMessageFixtures.peer;
import static dev.softswitch.gateway.testing.SipMessageFixtures.proxiedRequest;
import static dev.softswitch.gateway.testing.SipMessageFixtures.response;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.softswitch.gateway.testing.RecordingSipSender;
import dev.softswitch.gateway.time.ManualTimerService;
import dev.softswitch.gateway.time.Timeout;
import dev.softswitch.gateway.time.TimerService;
import dev.softswitch.gateway.transport.TransportType;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.Test;

/**
 * Issue 14: a transaction past its final response lives on for up to 64*T1 to absorb retransmissions, and
 * keeps for that only the bytes it may have to send again, not the parsed request and response.
 */
class CompletedTransactionsKeepBytesTest {

    private static final TransportType UDP = TransportType.UDP;

    private final ManualTimerService timers = new ManualTimerService();
    private final RecordingSipSender sender = new RecordingSipSender(timers);
    private final RecordingTransactionUser tu = new RecordingTransactionUser();
    private final TransactionLayer layer = new TransactionLayer(sender, timers, TimerSettings.rfc3261(), tu);

    private ServerTransaction receive(String method, String branch) {
        layer.onRequest(proxiedRequest(method, branch, UDP).build(), peer(UDP));
        return tu.requests.get(tu.requests.size() - 1);
    }

    @Test
    void aCompletedNonInviteServerTransactionAnswersRetransmissionsFromTheBytesOfItsResponse() {
        ServerTransaction tx = receive("BYE", "z9hG4bKbye14");
        SIPResponse ok = response(tx.request(), 200).build();
        tx.respond(ok);
        assertThat(tx.request().getMethod()).isEqualTo("BYE"); // the code that answered may still read it
        timers.runDue();

        assertThatThrownBy(tx::request).isInstanceOf(IllegalStateException.class);
        assertThat(tx.method()).isEqualTo("BYE");
        layer.onRequest(proxiedRequest("BYE", "z9hG4bKbye14", UDP).build(), peer(UDP));
        SIPResponse again = sender.lastResponse();
        assertThat(again).isNotSameAs(ok);
        assertThat(again.encode()).isEqualTo(ok.encode());
        assertThat(sender.sent.get(sender.sent.size() - 1).destination()).isEqualTo(peer(UDP));
    }

    @Test
    void aCompletedInviteServerTransactionRetransmitsItsFinalResponseFromBytes() {
        ServerTransaction tx = receive("INVITE", "z9hG4bKinv14");
        SIPResponse busy = response(tx.request(), 486).build();
        tx.respond(busy);
        timers.runDue();
        assertThatThrownBy(tx::request).isInstanceOf(IllegalStateException.class);

        timers.advance(ms(500)); // Timer G
        layer.onRequest(proxiedRequest("INVITE", "z9hG4bKinv14", UDP).build(), peer(UDP));

        assertThat(sender.statuses()).containsExactly(100, 486, 486, 486);
        for (int i = 2; i < 4; i++) {
            SIPResponse again = (SIPResponse) sender.sent.get(i).message();
            assertThat(again).isNotSameAs(busy);
            assertThat(again.encode()).isEqualTo(busy.encode());
        }
    }

    @Test
    void aConfirmedInviteServerTransactionKeepsNoResponseAndAbsorbsWhatComesAgain() {
        // every challenged call leaves one: the 407 and its ACK, then T4 of absorbing ACKs
        InviteServerTransaction tx = (InviteServerTransaction) receive("INVITE", "z9hG4bKinv17");
        tx.respond(response(tx.request(), 407).build());
        timers.runDue();
        assertThat(tx.lastResponse).isNotNull(); // Completed: resent until the ACK
        layer.onRequest(proxiedRequest("ACK", "z9hG4bKinv17", UDP).build(), peer(UDP));

        assertThat(tx.state()).isEqualTo(TransactionState.CONFIRMED);
        assertThat(tx.lastResponse).isNull();
        layer.onRequest(proxiedRequest("ACK", "z9hG4bKinv17", UDP).build(), peer(UDP));
        layer.onRequest(proxiedRequest("INVITE", "z9hG4bKinv17", UDP).build(), peer(UDP));
        assertThat(sender.statuses()).containsExactly(100, 407);
        assertThat(tu.acks).isEmpty();
    }

    @Test
    void aCoreThatTakesNoMoreTasksDoesNotStopTheFinalResponse() {
        TimerService stopping = new TimerService() {
            @Override
            public Instant now() {
                return timers.now();
            }

            @Override
            public Timeout schedule(Duration delay, Runnable task) {
                throw new RejectedExecutionException("event executor terminated");
            }
        };
        TransactionLayer stoppingLayer = new TransactionLayer(sender, stopping, TimerSettings.rfc3261(), tu);
        stoppingLayer.onRequest(proxiedRequest("BYE", "z9hG4bKbye16", TransportType.TCP).build(), peer(TransportType.TCP));
        ServerTransaction tx = tu.requests.get(tu.requests.size() - 1);

        tx.respond(response(tx.request(), 200).build()); // over TCP Timer J is zero: nothing else is scheduled

        assertThat(sender.statuses()).containsExactly(200);
        assertThat(tx.state()).isEqualTo(TransactionState.TERMINATED);
    }

    @Test
    void anAcceptedInviteServerTransactionKeepsNeitherTheRequestNorThe2xx() {
        ServerTransaction tx = receive("INVITE", "z9hG4bKinv15");
        tx.respond(response(tx.request(), 200).build());
        timers.runDue();

        assertThatThrownBy(tx::request).isInstanceOf(IllegalStateException.class);
        layer.onRequest(proxiedRequest("INVITE", "z9hG4bKinv15", UDP).build(), peer(UDP));
        assertThat(sender.statuses()).containsExactly(100, 200); // absorbed (RFC 6026 §7.1)
        assertThat(tx.state()).isEqualTo(TransactionState.ACCEPTED);
    }

    @Test
    void anInviteClientTransactionLetsGoOfItsRequestAtTheFinalResponseAndResendsTheAckFromBytes() {
        RecordingListener listener = new RecordingListener();
        SIPRequest invite = proxiedRequest("INVITE", TransactionLayer.newBranch(), UDP).build();
        ClientTransaction tx = layer.sendRequest(invite, peer(UDP), listener);
        SIPResponse busy = response(invite, 486).build();

        layer.onResponse(busy, peer(UDP));
        assertThatThrownBy(tx::request).isInstanceOf(IllegalStateException.class);
        layer.onResponse(response(invite, 486).build(), peer(UDP));

        var acks = sender.requests("ACK");
        assertThat(acks).hasSize(2);
        assertThat(acks.get(1)).isNotSameAs(acks.get(0));
        assertThat(acks.get(1).encode()).isEqualTo(acks.get(0).encode());
    }

    @Test
    void anAnsweredClientTransactionLetsGoOfItsRequest() {
        RecordingListener listener = new RecordingListener();
        SIPRequest invite = proxiedRequest("INVITE", TransactionLayer.newBranch(), UDP).build();
        ClientTransaction inviteTx = layer.sendRequest(invite, peer(UDP), listener);
        SIPRequest bye = proxiedRequest("BYE", TransactionLayer.newBranch(), UDP).build();
        ClientTransaction byeTx = layer.sendRequest(bye, peer(UDP), listener);

        layer.onResponse(response(invite, 200).build(), peer(UDP));
        layer.onResponse(response(bye, 200).build(), peer(UDP));

        assertThat(inviteTx.state()).isEqualTo(TransactionState.ACCEPTED);
        assertThat(byeTx.state()).isEqualTo(TransactionState.COMPLETED);
        assertThatThrownBy(inviteTx::request).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(byeTx::request).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aClientTransactionPastItsFinalResponseKeepsNeitherItsRequestNorItsListener() {
        // The listener is a call's: kept, it kept the ended call, its relay session and its charging for 32 s.
        for (int status : new int[] {200, 486}) {
            for (String method : new String[] {"INVITE", "BYE"}) {
                SIPRequest request = proxiedRequest(method, TransactionLayer.newBranch(), UDP).build();
                RecordingListener listener = new RecordingListener();
                AbstractClientTransaction tx =
                        (AbstractClientTransaction) layer.sendRequest(request, peer(UDP), listener);
                layer.onResponse(response(request, 180).build(), peer(UDP));
                assertThat(tx.listener).isSameAs(listener);

                layer.onResponse(response(request, status).build(), peer(UDP));

                assertThat(listener.events).as(method + " " + status).hasSize(2);
                assertThat(tx.state()).isIn(TransactionState.ACCEPTED, TransactionState.COMPLETED);
                assertThat(tx.listener).as(method + " " + status).isNull();
                assertThatThrownBy(tx::request).isInstanceOf(IllegalStateException.class);
                layer.onResponse(response(request, status).build(), peer(UDP)); // a retransmission: absorbed
                assertThat(listener.events).hasSize(2);
            }
        }
    }
}
