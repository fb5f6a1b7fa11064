package dev.softswitch.gateway.transaction;

import dev.softswitch.gateway.testing.RecordingSipSender;
import dev.softswitch.gateway.testing.SipMessageFixtures;

import static dev.softswitch.gateway.transaction.InviteClientTransactionTest.ms;
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

/** RFC 3261 §17.2.1 (figure 7) and RFC 6026 §7.1: the INVITE server transaction. */
class InviteServerTransactionTest {

    private static final String BRANCH = "z9hG4bKinv1";

    private final ManualTimerService timers = new ManualTimerService();
    private final RecordingSipSender sender = new RecordingSipSender(timers);
    private final RecordingTransactionUser tu = new RecordingTransactionUser();
    private final TransactionLayer layer = new TransactionLayer(sender, timers, TimerSettings.rfc3261(), tu);

    private ServerTransaction receive(TransportType transport) {
        layer.onRequest(proxiedRequest("INVITE", BRANCH, transport).build(), peer(transport));
        assertThat(tu.requests).hasSize(1);
        return tu.requests.get(0);
    }

    private SIPRequest ackForNon2xx(TransportType transport) {
        return proxiedRequest("ACK", BRANCH, transport).build();
    }

    @Test
    void anInviteTheTuAnswersThereAndThenGetsNo100TryingBeforeItsAnswer() {
        tu.onRequest = tx -> tx.respond(tx.request().createResponse(407));
        ServerTransaction tx = receive(TransportType.UDP);

        assertThat(sender.statuses()).containsExactly(407);
        assertThat(tx.state()).isEqualTo(TransactionState.COMPLETED);

        tu.onRequest = t -> t.respond(t.request().createResponse(180));
        layer.onRequest(proxiedRequest("INVITE", "z9hG4bK-other", TransportType.UDP).build(), peer(TransportType.UDP));
        assertThat(sender.statuses()).containsExactly(407, 180); // a provisional of its own is the 100's stead
    }

    @Test
    void newInviteIsAnswered100TryingAtOnceThenPassedToTheTu() {
        ServerTransaction tx = receive(TransportType.UDP);

        assertThat(sender.statuses()).containsExactly(100);
        assertThat(sender.lastResponse().getTo().getTag()).isNull();
        assertThat(tx.state()).isEqualTo(TransactionState.PROCEEDING);
        assertThat(tx.source()).isEqualTo(peer(TransportType.UDP));
        assertThat(layer.size()).isEqualTo(1);
    }

    @Test
    void retransmittedInviteGetsTheLastProvisionalAgainAndIsNotPassedUp() {
        ServerTransaction tx = receive(TransportType.UDP);
        layer.onRequest(proxiedRequest("INVITE", BRANCH, TransportType.UDP).build(), peer(TransportType.UDP));
        tx.respond(response(tx.request(), 180).build());
        layer.onRequest(proxiedRequest("INVITE", BRANCH, TransportType.UDP).build(), peer(TransportType.UDP));

        assertThat(sender.statuses()).containsExactly(100, 100, 180, 180);
        assertThat(tu.requests).hasSize(1);
    }

    @Test
    void non2xxFinalIsRetransmittedByTimerGOverUdpUntilTimerHInformsTheTu() {
        ServerTransaction tx = receive(TransportType.UDP);
        tx.respond(response(tx.request(), 486).build());
        assertThat(tx.state()).isEqualTo(TransactionState.COMPLETED);

        timers.advance(ms(31999));
        assertThat(tu.timeouts).isEmpty();
        timers.advance(ms(1));

        assertThat(sender.responseTimes(486)).containsExactly(ms(0), ms(500), ms(1500), ms(3500), ms(7500),
                ms(11500), ms(15500), ms(19500), ms(23500), ms(27500), ms(31500));
        assertThat(tu.timeouts).containsExactly(tx);
        assertThat(tx.state()).isEqualTo(TransactionState.TERMINATED);
        assertThat(layer.size()).isZero();
        assertThat(timers.pending()).isZero();
    }

    @Test
    void overTcpThereIsNoTimerGButTimerHStillFires() {
        ServerTransaction tx = receive(TransportType.TCP);
        tx.respond(response(tx.request(), 486).build());
        timers.advance(Duration.ofSeconds(32));

        assertThat(sender.responseTimes(486)).containsExactly(ms(0));
        assertThat(tu.timeouts).containsExactly(tx);
        assertThat(layer.size()).isZero();
    }

    @Test
    void retransmittedInviteInCompletedGetsTheFinalAgain() {
        ServerTransaction tx = receive(TransportType.TCP);
        tx.respond(response(tx.request(), 486).build());
        layer.onRequest(proxiedRequest("INVITE", BRANCH, TransportType.TCP).build(), peer(TransportType.TCP));

        assertThat(sender.statuses()).containsExactly(100, 486, 486);
        assertThat(tu.requests).hasSize(1);
    }

    @Test
    void ackForNon2xxIsAbsorbedConfirmsAndTimerIEndsTheTransactionAfterT4OverUdp() {
        ServerTransaction tx = receive(TransportType.UDP);
        tx.respond(response(tx.request(), 486).build());
        timers.advance(ms(700));

        layer.onRequest(ackForNon2xx(TransportType.UDP), peer(TransportType.UDP));
        assertThat(tx.state()).isEqualTo(TransactionState.CONFIRMED);
        layer.onRequest(ackForNon2xx(TransportType.UDP), peer(TransportType.UDP));
        layer.onRequest(proxiedRequest("INVITE", BRANCH, TransportType.UDP).build(), peer(TransportType.UDP));
        timers.advance(ms(4999));
        assertThat(tx.state()).isEqualTo(TransactionState.CONFIRMED);
        timers.advance(ms(1));

        assertThat(tx.state()).isEqualTo(TransactionState.TERMINATED);
        assertThat(sender.responseTimes(486)).as("Timer G stops on ACK").containsExactly(ms(0), ms(500));
        assertThat(tu.acks).isEmpty();
        assertThat(tu.requests).hasSize(1);
        assertThat(tu.timeouts).isEmpty();
        assertThat(layer.size()).isZero();
        assertThat(timers.pending()).isZero();
    }

    @Test
    void timerIIsZeroOverTcp() {
        ServerTransaction tx = receive(TransportType.TCP);
        tx.respond(response(tx.request(), 603).build());
        layer.onRequest(ackForNon2xx(TransportType.TCP), peer(TransportType.TCP));

        assertThat(tx.state()).isEqualTo(TransactionState.TERMINATED);
        assertThat(layer.size()).isZero();
    }

    @Test
    void twoHundredMovesToAcceptedWhichAbsorbsInviteRetransmissionsAndSends2xxRetransmissionsUntilTimerL() {
        ServerTransaction tx = receive(TransportType.UDP);
        var request = tx.request();
        var ok = response(request, 200).build();
        tx.respond(ok);
        assertThat(tx.state()).isEqualTo(TransactionState.ACCEPTED);

        layer.onRequest(proxiedRequest("INVITE", BRANCH, TransportType.UDP).build(), peer(TransportType.UDP));
        timers.advance(ms(500));
        tx.respond(ok);
        tx.respond(response(request, 486).build());
        timers.advance(ms(31499));
        assertThat(tx.state()).isEqualTo(TransactionState.ACCEPTED);
        timers.advance(ms(1));

        assertThat(sender.statuses()).containsExactly(100, 200, 200);
        assertThat(sender.responseTimes(200)).containsExactly(ms(0), ms(500));
        assertThat(tx.state()).isEqualTo(TransactionState.TERMINATED);
        assertThat(tu.requests).hasSize(1);
        assertThat(layer.size()).isZero();
    }

    @Test
    void tuHearsWhenTheInviteTransactionEndsAtTimerLAndNotBefore() {
        ServerTransaction tx = receive(TransportType.UDP);
        tx.respond(response(tx.request(), 200).build());
        timers.advance(ms(31999));
        assertThat(tu.invitesEnded).isEmpty();

        timers.advance(ms(1));

        assertThat(tu.invitesEnded).containsExactly(tx);
    }

    @Test
    void tuHearsOnceWhenARefusedInviteEndsAfterItsAck() {
        ServerTransaction tx = receive(TransportType.TCP);
        tx.respond(response(tx.request(), 486).build());
        assertThat(tu.invitesEnded).isEmpty();

        layer.onRequest(ackForNon2xx(TransportType.TCP), peer(TransportType.TCP));
        timers.advance(Duration.ofSeconds(64));

        assertThat(tu.invitesEnded).containsExactly(tx);
    }

    @Test
    void ackFor2xxWithItsOwnBranchGoesToTheTu() {
        ServerTransaction tx = receive(TransportType.UDP);
        tx.respond(response(tx.request(), 200).build());
        SIPRequest ack = proxiedRequest("ACK", "z9hG4bKack2xx", TransportType.UDP).build();
        Endpoint from = peer(TransportType.UDP);

        layer.onRequest(ack, from);

        assertThat(tu.acks).containsExactly(ack);
        assertThat(tx.state()).isEqualTo(TransactionState.ACCEPTED);
    }

    @Test
    void ackArrivingInAcceptedOnTheInviteBranchGoesToTheTu() {
        ServerTransaction tx = receive(TransportType.UDP);
        tx.respond(response(tx.request(), 200).build());
        SIPRequest ack = ackForNon2xx(TransportType.UDP);

        layer.onRequest(ack, peer(TransportType.UDP));

        assertThat(tu.acks).containsExactly(ack);
    }

    @Test
    void sameBranchFromAnotherSentByIsAnotherTransaction() {
        receive(TransportType.UDP);
        String other = proxiedRequest("INVITE", BRANCH, TransportType.UDP).text()
                .replace("192.0.2.10:5060;branch", "192.0.2.99:5060;branch");
        layer.onRequest(SipMessageFixtures.parseRequest(other), peer(TransportType.UDP));

        assertThat(tu.requests).hasSize(2);
        assertThat(layer.size()).isEqualTo(2);
    }

    @Test
    void tuThatThrowsGetsItsInviteAnswered500() {
        tu.onRequest = tx -> {
            throw new IllegalStateException("boom");
        };
        ServerTransaction tx = receive(TransportType.TCP);

        assertThat(sender.statuses()).containsExactly(500); // answered at once: no 100 Trying before it
        assertThat(sender.lastResponse().getTo().getTag()).isNotNull();
        assertThat(tx.state()).isEqualTo(TransactionState.COMPLETED);
    }
}
