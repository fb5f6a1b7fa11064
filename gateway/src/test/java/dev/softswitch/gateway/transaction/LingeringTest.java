package dev.softswitch.gateway.transaction;

import static dev.softswitch.gateway.testing.SipMessageFixtures.peer;
import static dev.softswitch.gateway.testing.SipMessageFixtures.proxiedRequest;
import static dev.softswitch.gateway.testing.SipMessageFixtures.response;
import static dev.softswitch.gateway.transaction.InviteClientTransactionTest.ms;
import static org.assertj.core.api.Assertions.assertThat;

import dev.softswitch.gateway.testing.RecordingSipSender;
import dev.softswitch.gateway.time.ManualTimerService;
import dev.softswitch.gateway.transport.TransportType;
import gov.nist.javax.sip.message.SIPRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Transactions in their last wait (Timers D, I, J, K, L, M) share one scheduled task per waiting time
 * instead of a timer each (issue 14: at thousands of calls a second those timers were most of what the
 * young collections copied), and each still ends exactly at its own deadline.
 */
class LingeringTest {

    private final ManualTimerService timers = new ManualTimerService();
    private final RecordingSipSender sender = new RecordingSipSender(timers);
    private final RecordingTransactionUser tu = new RecordingTransactionUser();
    private final TransactionLayer layer = new TransactionLayer(sender, timers, TimerSettings.rfc3261(), tu);
    private final RecordingListener listener = new RecordingListener();

    private ServerTransaction receive(String method, String branch) {
        layer.onRequest(proxiedRequest(method, branch, TransportType.UDP).build(), peer(TransportType.UDP));
        return tu.requests.get(tu.requests.size() - 1);
    }

    @Test
    void manyCompletedTransactionsWaitOnOneTaskAndEachEndsAtItsOwnDeadline() {
        List<ServerTransaction> byes = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            ServerTransaction tx = receive("BYE", "z9hG4bKbye" + i);
            tx.respond(response(tx.request(), 200).build());
            byes.add(tx);
            timers.advance(ms(10)); // answered at 0, 10, ..., 1990 ms
        }
        assertThat(byes).allMatch(tx -> tx.state() == TransactionState.COMPLETED);
        assertThat(timers.pending()).isEqualTo(1);

        timers.advance(ms(32_000 - 2_000 - 1)); // 31,999 ms: the first is one millisecond short of Timer J
        assertThat(byes.get(0).state()).isEqualTo(TransactionState.COMPLETED);
        layer.onRequest(proxiedRequest("BYE", "z9hG4bKbye0", TransportType.UDP).build(), peer(TransportType.UDP));
        assertThat(sender.responseTimes(200)).hasSize(201).last().isEqualTo(ms(31_999));

        timers.advance(ms(1));
        assertThat(byes.get(0).state()).isEqualTo(TransactionState.TERMINATED);
        assertThat(byes.get(1).state()).isEqualTo(TransactionState.COMPLETED);
        assertThat(layer.size()).isEqualTo(199);
        assertThat(timers.pending()).isEqualTo(1);

        timers.advance(ms(1_979)); // 33,979 ms: the last (answered at 1,990 ms) is 11 ms short
        assertThat(byes.subList(0, 198)).allMatch(tx -> tx.state() == TransactionState.TERMINATED);
        assertThat(byes.get(199).state()).isEqualTo(TransactionState.COMPLETED);
        timers.advance(ms(11));
        assertThat(byes).allMatch(tx -> tx.state() == TransactionState.TERMINATED);
        assertThat(layer.size()).isZero();
        assertThat(timers.pending()).isZero();
    }

    @Test
    void eachWaitingTimeHasOneTaskWhateverTheMachine() {
        for (int i = 0; i < 50; i++) {
            ServerTransaction invite = receive("INVITE", "z9hG4bKinv" + i); // Accepted: Timer L, 64*T1
            invite.respond(response(invite.request(), 200).build());
            ServerTransaction bye = receive("BYE", "z9hG4bKbye" + i); // Completed: Timer J, 64*T1
            bye.respond(response(bye.request(), 200).build());
            SIPRequest options = proxiedRequest("OPTIONS", TransactionLayer.newBranch(), TransportType.UDP).build();
            ClientTransaction out = layer.sendRequest(options, peer(TransportType.UDP), listener);
            layer.onResponse(response(options, 200).build(), peer(TransportType.UDP)); // Completed: Timer K, T4
            assertThat(out.state()).isEqualTo(TransactionState.COMPLETED);
            timers.advance(ms(20));
        }
        assertThat(layer.size()).isEqualTo(150);
        assertThat(timers.pending()).isEqualTo(2); // 64*T1 and T4, not 150

        timers.advance(Duration.ofSeconds(5));
        assertThat(layer.size()).isEqualTo(100); // every Timer K has fired
        timers.advance(Duration.ofSeconds(28));
        assertThat(layer.size()).isZero();
        assertThat(timers.pending()).isZero();
        assertThat(tu.invitesEnded).hasSize(50);
    }

    @Test
    void aConfiguredWaitEndsEveryLastWaitThenAsKamailiosWaitTimerDoes() {
        TransactionLayer capped = new TransactionLayer(sender, timers, new TimerSettings(Duration.ofMillis(500),
                Duration.ofSeconds(4), Duration.ofSeconds(5), Duration.ofSeconds(5)), tu);
        capped.onRequest(proxiedRequest("INVITE", "z9hG4bKcapinv", TransportType.UDP).build(), peer(TransportType.UDP));
        ServerTransaction invite = tu.requests.get(tu.requests.size() - 1);
        invite.respond(response(invite.request(), 200).build()); // Accepted: Timer L, 32 s by the RFC
        capped.onRequest(proxiedRequest("BYE", "z9hG4bKcapbye", TransportType.UDP).build(), peer(TransportType.UDP));
        ServerTransaction bye = tu.requests.get(tu.requests.size() - 1);
        bye.respond(response(bye.request(), 200).build()); // Completed: Timer J, 32 s by the RFC
        SIPRequest options = proxiedRequest("OPTIONS", TransactionLayer.newBranch(), TransportType.UDP).build();
        ClientTransaction out = capped.sendRequest(options, peer(TransportType.UDP), listener);
        capped.onResponse(response(options, 200).build(), peer(TransportType.UDP)); // Timer K: T4, 5 s already
        assertThat(capped.size()).isEqualTo(3);

        timers.advance(ms(4_999));
        assertThat(capped.size()).isEqualTo(3);
        capped.onRequest(proxiedRequest("BYE", "z9hG4bKcapbye", TransportType.UDP).build(), peer(TransportType.UDP));
        assertThat(sender.responseTimes(200)).as("a retransmitted BYE is still absorbed and answered").hasSize(3);
        timers.advance(ms(1));
        assertThat(capped.size()).isZero();
        assertThat(out.state()).isEqualTo(TransactionState.TERMINATED);
        assertThat(tu.invitesEnded).hasSize(1);
        assertThat(new TimerSettings(Duration.ofMillis(500), Duration.ofSeconds(4), Duration.ofSeconds(5),
                Duration.ofMinutes(5)).absorbing(Duration.ofSeconds(32))).as("a wait never lengthens one")
                .isEqualTo(Duration.ofSeconds(32));
    }
}
