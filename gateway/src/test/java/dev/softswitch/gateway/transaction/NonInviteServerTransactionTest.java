package dev.softswitch.gateway.transaction;

import dev.softswitch.gateway.testing.RecordingSipSender;

import static dev.softswitch.gateway.transaction.InviteClientTransactionTest.ms;
import static dev.softswitch.gateway.testing.SipMessageFixtures.peer;
import static dev.softswitch.gateway.testing.SipMessageFixtures.proxiedRequest;
import static dev.softswitch.gateway.testing.SipMessageFixtures.response;
import static org.assertj.core.api.Assertions.assertThat;

import dev.softswitch.gateway.time.ManualTimerService;
import dev.softswitch.gateway.transport.TransportType;
import org.junit.jupiter.api.Test;

/** RFC 3261 §17.2.2 (figure 8): the non-INVITE server transaction. */
class NonInviteServerTransactionTest {

    private static final String BRANCH = "z9hG4bKbye1";

    private final ManualTimerService timers = new ManualTimerService();
    private final RecordingSipSender sender = new RecordingSipSender(timers);
    private final RecordingTransactionUser tu = new RecordingTransactionUser();
    private final TransactionLayer layer = new TransactionLayer(sender, timers, TimerSettings.rfc3261(), tu);

    private ServerTransaction receive(TransportType transport) {
        layer.onRequest(proxiedRequest("BYE", BRANCH, transport).build(), peer(transport));
        return tu.requests.get(tu.requests.size() - 1);
    }

    private void retransmit(TransportType transport) {
        layer.onRequest(proxiedRequest("BYE", BRANCH, transport).build(), peer(transport));
    }

    @Test
    void retransmissionsAreAbsorbedInTryingAndAnsweredWithTheLastResponseLater() {
        ServerTransaction tx = receive(TransportType.UDP);
        assertThat(tx.state()).isEqualTo(TransactionState.TRYING);
        retransmit(TransportType.UDP);
        assertThat(sender.sent).isEmpty();

        tx.respond(response(tx.request(), 100).build());
        assertThat(tx.state()).isEqualTo(TransactionState.PROCEEDING);
        retransmit(TransportType.UDP);
        tx.respond(response(tx.request(), 200).build());
        retransmit(TransportType.UDP);

        assertThat(sender.statuses()).containsExactly(100, 100, 200, 200);
        assertThat(tu.requests).hasSize(1);
    }

    @Test
    void timerJKeepsTheCompletedTransactionFor64T1OverUdp() {
        ServerTransaction tx = receive(TransportType.UDP);
        var request = tx.request();
        tx.respond(response(request, 200).build());
        assertThat(tx.state()).isEqualTo(TransactionState.COMPLETED);

        timers.advance(ms(31999));
        retransmit(TransportType.UDP);
        tx.respond(response(request, 500).build());
        assertThat(tx.state()).isEqualTo(TransactionState.COMPLETED);
        timers.advance(ms(1));

        assertThat(tx.state()).isEqualTo(TransactionState.TERMINATED);
        assertThat(sender.responseTimes(200)).containsExactly(ms(0), ms(31999));
        assertThat(sender.statuses()).doesNotContain(500);
        assertThat(layer.size()).isZero();
        assertThat(timers.pending()).isZero();
    }

    @Test
    void timerJIsZeroOverTcp() {
        ServerTransaction tx = receive(TransportType.TCP);
        tx.respond(response(tx.request(), 200).build());

        assertThat(tx.state()).isEqualTo(TransactionState.TERMINATED);
        assertThat(layer.size()).isZero();
    }

    @Test
    void requestAfterTheTransactionEndedStartsANewOne() {
        ServerTransaction tx = receive(TransportType.TCP);
        tx.respond(response(tx.request(), 200).build());
        retransmit(TransportType.TCP);

        assertThat(tu.requests).hasSize(2);
    }

    @Test
    void everyResponseGoesBackToTheRequestsSourceConnection() {
        ServerTransaction tx = receive(TransportType.TCP);
        tx.respond(response(tx.request(), 100).build());
        retransmit(TransportType.TCP);
        tx.respond(response(tx.request(), 200).build());

        // RFC 3261 §18.2.2: the transport gets the request's source, so it can answer on that connection.
        assertThat(sender.sent).hasSize(3)
                .allSatisfy(s -> assertThat(s.destination()).isEqualTo(peer(TransportType.TCP)));
    }
}
