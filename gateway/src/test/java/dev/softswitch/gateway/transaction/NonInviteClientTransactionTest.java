package dev.softswitch.gateway.transaction;

import dev.softswitch.gateway.testing.RecordingSipSender;

import static dev.softswitch.gateway.transaction.InviteClientTransactionTest.ms;
import static dev.softswitch.gateway.testing.SipMessageFixtures.peer;
import static dev.softswitch.gateway.testing.SipMessageFixtures.proxiedRequest;
import static dev.softswitch.gateway.testing.SipMessageFixtures.response;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.softswitch.gateway.time.ManualTimerService;
import dev.softswitch.gateway.transport.TransportType;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** RFC 3261 §17.1.2 (figure 6): the non-INVITE client transaction. */
class NonInviteClientTransactionTest {

    private final ManualTimerService timers = new ManualTimerService();
    private final RecordingSipSender sender = new RecordingSipSender(timers);
    private final RecordingTransactionUser tu = new RecordingTransactionUser();
    private final TransactionLayer layer = new TransactionLayer(sender, timers, TimerSettings.rfc3261(), tu);
    private final RecordingListener listener = new RecordingListener();

    private ClientTransaction start(TransportType transport) {
        return layer.sendRequest(proxiedRequest("BYE", TransactionLayer.newBranch(), transport).build(),
                peer(transport), listener);
    }

    @Test
    void timerEDoublesUpToT2InTryingAndTimerFTimesOutAt64T1() {
        ClientTransaction tx = start(TransportType.UDP);
        assertThat(tx.state()).isEqualTo(TransactionState.TRYING);

        timers.advance(Duration.ofSeconds(40));

        assertThat(sender.requestTimes("BYE")).containsExactly(ms(0), ms(500), ms(1500), ms(3500), ms(7500),
                ms(11500), ms(15500), ms(19500), ms(23500), ms(27500), ms(31500));
        assertThat(listener.events).containsExactly("timeout");
        assertThat(tx.state()).isEqualTo(TransactionState.TERMINATED);
        assertThat(layer.size()).isZero();
        assertThat(timers.pending()).isZero();
    }

    /** A request handed over as bytes (a BYE a dialog wrote) goes out, and again on Timer E, as those bytes. */
    @Test
    void aRequestWrittenAsBytesIsSentAgainAsThoseBytesAndParsedOnlyWhenAskedFor() {
        String branch = TransactionLayer.newBranch();
        byte[] written = proxiedRequest("BYE", branch, TransportType.UDP).build().encodeAsBytes("UDP");
        ClientTransaction tx = layer.sendRequest(written, "BYE", branch, peer(TransportType.UDP), listener);
        timers.advance(ms(1000));

        assertThat(sender.requestTimes("BYE")).containsExactly(ms(0), ms(500));
        assertThat(sender.requests("BYE")).allSatisfy(r -> assertThat(r.getTopmostVia().getBranch()).isEqualTo(branch));
        assertThat(tx.request().getCSeq().getMethod()).isEqualTo("BYE");
        layer.onResponse(response(tx.request(), 200).build(), tx.destination());
        assertThat(tx.state()).isEqualTo(TransactionState.COMPLETED);
        assertThat(listener.events).containsExactly("final 200");
        assertThatThrownBy(tx::request).isInstanceOf(IllegalStateException.class);
        timers.advance(Duration.ofSeconds(6));
        assertThat(sender.requestTimes("BYE")).hasSize(2);
        assertThat(layer.size()).isZero();

        assertThatThrownBy(() -> layer.sendRequest(written, "ACK", TransactionLayer.newBranch(),
                peer(TransportType.UDP), listener)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> layer.sendRequest(written, "BYE", "no-cookie", peer(TransportType.UDP), listener))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void timerEIsT2InProceeding() {
        ClientTransaction tx = start(TransportType.UDP);
        timers.advance(ms(1000));
        layer.onResponse(response(tx.request(), 100).build(), tx.destination());
        assertThat(tx.state()).isEqualTo(TransactionState.PROCEEDING);

        timers.advance(Duration.ofSeconds(40));

        assertThat(sender.requestTimes("BYE")).containsExactly(ms(0), ms(500), ms(1500), ms(5500), ms(9500),
                ms(13500), ms(17500), ms(21500), ms(25500), ms(29500));
        assertThat(listener.events).containsExactly("provisional 100", "timeout");
        assertThat(layer.size()).isZero();
    }

    @Test
    void overTcpThereIsNoTimerEButTimerFStillFires() {
        ClientTransaction tx = start(TransportType.TCP);
        timers.advance(ms(31999));
        assertThat(tx.state()).isEqualTo(TransactionState.TRYING);
        timers.advance(ms(1));

        assertThat(sender.requestTimes("BYE")).containsExactly(ms(0));
        assertThat(listener.events).containsExactly("timeout");
        assertThat(layer.size()).isZero();
    }

    @Test
    void finalResponseCompletesAndTimerKAbsorbsRetransmissionsForT4OverUdp() {
        ClientTransaction tx = start(TransportType.UDP);
        var ok = response(tx.request(), 200).build();
        layer.onResponse(ok, tx.destination());
        assertThat(tx.state()).isEqualTo(TransactionState.COMPLETED);

        timers.advance(ms(4999));
        layer.onResponse(ok, tx.destination());
        assertThat(tx.state()).isEqualTo(TransactionState.COMPLETED);
        timers.advance(ms(1));

        assertThat(tx.state()).isEqualTo(TransactionState.TERMINATED);
        assertThat(listener.events).containsExactly("final 200");
        assertThat(tu.strays).isEmpty();
        assertThat(sender.requestTimes("BYE")).containsExactly(ms(0));
        assertThat(layer.size()).isZero();
        assertThat(timers.pending()).isZero();
    }

    @Test
    void timerKIsZeroOverTcp() {
        ClientTransaction tx = start(TransportType.TCP);
        layer.onResponse(response(tx.request(), 404).build(), tx.destination());

        assertThat(tx.state()).isEqualTo(TransactionState.TERMINATED);
        assertThat(listener.events).containsExactly("final 404");
        assertThat(layer.size()).isZero();
    }

    @Test
    void responseToAnotherMethodWithTheSameBranchDoesNotMatch() {
        ClientTransaction tx = start(TransportType.UDP);
        var other = proxiedRequest("INFO", tx.request().getTopmostVia().getBranch(), TransportType.UDP).build();

        layer.onResponse(response(other, 200).build(), tx.destination());

        assertThat(tx.state()).isEqualTo(TransactionState.TRYING);
        assertThat(tu.strays).hasSize(1);
    }

    @Test
    void rejectsRequestsItCannotMatchResponsesTo() {
        var ack = proxiedRequest("ACK", TransactionLayer.newBranch(), TransportType.UDP).build();
        assertThatThrownBy(() -> layer.sendRequest(ack, peer(TransportType.UDP), listener))
                .isInstanceOf(IllegalArgumentException.class);
        var legacy = proxiedRequest("OPTIONS", "oldstyle1", TransportType.UDP).build();
        assertThatThrownBy(() -> layer.sendRequest(legacy, peer(TransportType.UDP), listener))
                .isInstanceOf(IllegalArgumentException.class);
        var first = start(TransportType.UDP);
        assertThatThrownBy(() -> layer.sendRequest(first.request(), peer(TransportType.UDP), listener))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(layer.size()).isEqualTo(1);
    }
}
