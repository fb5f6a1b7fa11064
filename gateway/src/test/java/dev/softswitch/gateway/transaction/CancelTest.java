package dev.softswitch.gateway.transaction;

import dev.softswitch.gateway.testing.RecordingSipSender;

import static dev.softswitch.gateway.transaction.InviteClientTransactionTest.ms;
import static dev.softswitch.gateway.transaction.InviteClientTransactionTest.routes;
import static dev.softswitch.gateway.testing.SipMessageFixtures.peer;
import static dev.softswitch.gateway.testing.SipMessageFixtures.proxiedRequest;
import static dev.softswitch.gateway.testing.SipMessageFixtures.response;
import static org.assertj.core.api.Assertions.assertThat;

import dev.softswitch.gateway.time.ManualTimerService;
import dev.softswitch.gateway.transport.Endpoint;
import dev.softswitch.gateway.transport.TransportType;
import gov.nist.javax.sip.message.SIPRequest;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** RFC 3261 §9: CANCEL on both sides of the transaction layer. */
class CancelTest {

    private final ManualTimerService timers = new ManualTimerService();
    private final RecordingSipSender sender = new RecordingSipSender(timers);
    private final RecordingTransactionUser tu = new RecordingTransactionUser();
    private final TransactionLayer layer = new TransactionLayer(sender, timers, TimerSettings.rfc3261(), tu);
    private final RecordingListener inviteListener = new RecordingListener();
    private final RecordingListener cancelListener = new RecordingListener();

    private ClientTransaction sendInvite() {
        return layer.sendRequest(proxiedRequest("INVITE", TransactionLayer.newBranch(), TransportType.UDP).build(),
                peer(TransportType.UDP), inviteListener);
    }

    @Test
    void cancelIsHeldUntilTheFirstProvisionalThenSentAsSection91Says() {
        ClientTransaction invite = sendInvite();
        ClientTransaction cancel = layer.cancel(invite, cancelListener);
        timers.advance(ms(700));
        assertThat(sender.requests("CANCEL")).isEmpty();

        layer.onResponse(response(invite.request(), 100).build(), invite.destination());

        assertThat(sender.requestTimes("CANCEL")).containsExactly(ms(700));
        SIPRequest sent = sender.requests("CANCEL").get(0);
        SIPRequest inv = invite.request();
        assertThat(sent).isSameAs(cancel.request());
        assertThat(sent.getRequestURI()).isEqualTo(inv.getRequestURI());
        assertThat(sent.getCallId().getCallId()).isEqualTo(inv.getCallId().getCallId());
        assertThat(sent.getFrom()).isEqualTo(inv.getFrom());
        assertThat(sent.getTo()).isEqualTo(inv.getTo());
        assertThat(sent.getCSeq().getSeqNumber()).isEqualTo(inv.getCSeq().getSeqNumber());
        assertThat(sent.getCSeq().getMethod()).isEqualTo("CANCEL");
        assertThat(sent.getViaHeaders()).hasSize(1);
        assertThat(sent.getTopmostVia().getBranch()).isEqualTo(inv.getTopmostVia().getBranch());
        assertThat(routes(sent)).isEqualTo(routes(inv)).hasSize(2);
        assertThat(cancel.destination()).isEqualTo(invite.destination());
        assertThat(layer.size()).isEqualTo(2);
    }

    @Test
    void cancelInProceedingGoesOutAtOnceAndBothTransactionsFinishCleanly() {
        ClientTransaction invite = sendInvite();
        layer.onResponse(response(invite.request(), 180).build(), invite.destination());
        ClientTransaction cancel = layer.cancel(invite, cancelListener);
        assertThat(sender.requests("CANCEL")).hasSize(1);
        assertThat(layer.cancel(invite, cancelListener)).as("asking twice").isSameAs(cancel);

        layer.onResponse(response(cancel.request(), 200).build(), cancel.destination());
        layer.onResponse(response(invite.request(), 487).build(), invite.destination());

        assertThat(cancelListener.events).containsExactly("final 200");
        assertThat(inviteListener.events).containsExactly("provisional 180", "final 487");
        assertThat(sender.requests("ACK")).hasSize(1);
        assertThat(sender.requests("CANCEL")).hasSize(1);
        timers.advance(Duration.ofSeconds(32));
        assertThat(layer.size()).isZero();
        assertThat(timers.pending()).isZero();
    }

    @Test
    void cancelAfterTheFinalResponseDoesNothing() {
        ClientTransaction invite = sendInvite();
        layer.onResponse(response(invite.request(), 486).build(), invite.destination());

        assertThat(layer.cancel(invite, cancelListener)).isNull();
        assertThat(sender.requests("CANCEL")).isEmpty();
    }

    @Test
    void heldCancelIsDroppedWhenAFinalComesWithoutAProvisional() {
        ClientTransaction invite = sendInvite();
        ClientTransaction cancel = layer.cancel(invite, cancelListener);

        layer.onResponse(response(invite.request(), 486).build(), invite.destination());

        assertThat(cancel.state()).isEqualTo(TransactionState.TERMINATED);
        timers.advance(Duration.ofSeconds(60));
        assertThat(sender.requests("CANCEL")).isEmpty();
        assertThat(cancelListener.events).isEmpty();
        assertThat(layer.size()).isZero();
    }

    @Test
    void heldCancelIsDroppedWhenTheInviteTimesOut() {
        ClientTransaction invite = sendInvite();
        ClientTransaction cancel = layer.cancel(invite, cancelListener);

        timers.advance(Duration.ofSeconds(32));

        assertThat(inviteListener.events).containsExactly("timeout");
        assertThat(cancel.state()).isEqualTo(TransactionState.TERMINATED);
        assertThat(sender.requests("CANCEL")).isEmpty();
        assertThat(layer.size()).isZero();
    }

    @Test
    void cancelRetransmitsOverUdpLikeAnyNonInviteRequest() {
        ClientTransaction invite = sendInvite();
        layer.onResponse(response(invite.request(), 180).build(), invite.destination());
        layer.cancel(invite, cancelListener);

        timers.advance(ms(1500));

        assertThat(sender.requestTimes("CANCEL")).containsExactly(ms(0), ms(500), ms(1500));
    }

    @Test
    void inviteLeftUnansweredFor64T1AfterItsCancelIsGivenUp() {
        ClientTransaction invite = sendInvite();
        layer.onResponse(response(invite.request(), 180).build(), invite.destination());
        timers.advance(Duration.ofSeconds(10));
        ClientTransaction cancel = layer.cancel(invite, cancelListener);
        layer.onResponse(response(cancel.request(), 200).build(), cancel.destination());

        timers.advance(ms(31999));
        assertThat(invite.state()).isEqualTo(TransactionState.PROCEEDING);
        timers.advance(ms(1));

        assertThat(invite.state()).isEqualTo(TransactionState.TERMINATED);
        assertThat(inviteListener.events).containsExactly("provisional 180", "timeout");
        assertThat(layer.size()).isZero();
    }

    @Test
    void cancelMatchingAnInviteServerTransactionGoesToTheTuOnce() {
        SIPRequest inv = proxiedRequest("INVITE", "z9hG4bKsrv1", TransportType.UDP).build();
        layer.onRequest(inv, peer(TransportType.UDP));
        SIPRequest cancel = proxiedRequest("CANCEL", "z9hG4bKsrv1", TransportType.UDP).build();

        layer.onRequest(cancel, peer(TransportType.UDP));
        assertThat(tu.cancels).hasSize(1);
        ServerTransaction cancelTx = tu.cancels.get(0)[0];
        ServerTransaction inviteTx = tu.cancels.get(0)[1];
        assertThat(inviteTx).isSameAs(tu.requests.get(0));
        assertThat(cancelTx.request()).isSameAs(cancel);
        cancelTx.respond(response(cancel, 200).build());
        inviteTx.respond(response(inviteTx.request(), 487).build());
        layer.onRequest(proxiedRequest("CANCEL", "z9hG4bKsrv1", TransportType.UDP).build(), peer(TransportType.UDP));

        assertThat(tu.cancels).hasSize(1);
        assertThat(tu.requests).hasSize(1);
        assertThat(sender.statuses()).containsExactly(100, 200, 487, 200);
        layer.onRequest(proxiedRequest("ACK", "z9hG4bKsrv1", TransportType.UDP).build(), peer(TransportType.UDP));
        timers.advance(Duration.ofSeconds(32));
        assertThat(layer.size()).isZero();
    }

    @Test
    void aCancelFromAnotherSourceThanItsInviteIsNotRememberedSoTheClientsOwnStillMatches() {
        layer.onRequest(proxiedRequest("INVITE", "z9hG4bKsrv2", TransportType.UDP).build(), peer(TransportType.UDP));
        Endpoint stranger = Endpoint.of("192.0.2.66", 5060, TransportType.UDP);

        layer.onRequest(proxiedRequest("CANCEL", "z9hG4bKsrv2", TransportType.UDP).build(), stranger);
        layer.onRequest(proxiedRequest("CANCEL", "z9hG4bKsrv2", TransportType.UDP).build(), peer(TransportType.UDP));

        // Both reach the TU, which judges sources (issue 10); neither is taken for the other's retransmission.
        assertThat(tu.cancels).extracting(c -> c[0].source()).containsExactly(stranger, peer(TransportType.UDP));
    }

    @Test
    void unmatchedCancelIsAnswered481ByTheLayer() {
        SIPRequest cancel = proxiedRequest("CANCEL", "z9hG4bKnothing", TransportType.UDP).build();

        layer.onRequest(cancel, peer(TransportType.UDP));
        layer.onRequest(proxiedRequest("CANCEL", "z9hG4bKnothing", TransportType.UDP).build(), peer(TransportType.UDP));

        assertThat(sender.statuses()).containsExactly(481, 481);
        assertThat(sender.lastResponse().getTo().getTag()).isNotBlank();
        assertThat(sender.lastResponse().getCSeq().getMethod()).isEqualTo("CANCEL");
        assertThat(tu.cancels).isEmpty();
        assertThat(tu.requests).isEmpty();
        timers.advance(Duration.ofSeconds(32));
        assertThat(layer.size()).isZero();
    }
}
