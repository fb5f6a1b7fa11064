package dev.softswitch.gateway.transaction;

import dev.softswitch.gateway.testing.RecordingSipSender;

import static dev.softswitch.gateway.transaction.SipFixtures.invite;
import static dev.softswitch.gateway.transaction.SipFixtures.peer;
import static dev.softswitch.gateway.transaction.SipFixtures.request;
import static dev.softswitch.gateway.transaction.SipFixtures.response;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.softswitch.gateway.time.ManualTimerService;
import dev.softswitch.gateway.transport.TransportType;
import gov.nist.javax.sip.message.SIPRequest;
import java.time.Duration;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Matching and bookkeeping across the four machines (RFC 3261 §17.1.3, §17.2.3). */
class TransactionLayerTest {

    private final ManualTimerService timers = new ManualTimerService();
    private final RecordingSipSender sender = new RecordingSipSender(timers);
    private final RecordingTransactionUser tu = new RecordingTransactionUser();
    private final TransactionLayer layer = new TransactionLayer(sender, timers, TimerSettings.rfc3261(), tu);

    @Test
    void newBranchCarriesTheMagicCookieAndIsFresh() {
        assertThat(TransactionLayer.newBranch()).startsWith("z9hG4bK").hasSizeGreaterThan(20);
        assertThat(IntStream.range(0, 1000).mapToObj(i -> TransactionLayer.newBranch()).distinct()).hasSize(1000);
    }

    @Test
    void responseMatchingNoClientTransactionIsStray() {
        SIPRequest sentEarlier = invite("z9hG4bKgone", TransportType.UDP);
        var ok = response(sentEarlier, 200);

        layer.onResponse(ok, peer(TransportType.UDP));

        assertThat(tu.strays).containsExactly(ok);
    }

    @Test
    void requestWithoutViaIsDroppedQuietly() {
        SIPRequest r = request("OPTIONS", "z9hG4bKx", TransportType.UDP);
        r.removeHeader("Via");

        layer.onRequest(r, peer(TransportType.UDP));

        assertThat(tu.requests).isEmpty();
        assertThat(sender.sent).isEmpty();
    }

    @Test
    void legacyBranchWithoutMagicCookieStillMatchesRetransmissionsAndAck() {
        layer.onRequest(invite("oldbranch", TransportType.UDP), peer(TransportType.UDP));
        ServerTransaction tx = tu.requests.get(0);
        tx.respond(response(tx.request(), 486));
        layer.onRequest(invite("oldbranch", TransportType.UDP), peer(TransportType.UDP));
        layer.onRequest(request("ACK", "ACK", "oldbranch", TransportType.UDP, 1), peer(TransportType.UDP));

        assertThat(tu.requests).hasSize(1);
        assertThat(tx.state()).isEqualTo(TransactionState.CONFIRMED);
    }

    @Test
    void manyTransactionsOfEveryKindLeaveNothingBehindOnceTheirTimersRunOut() {
        for (TransportType t : TransportType.values()) {
            layer.sendRequest(invite(TransactionLayer.newBranch(), t), peer(t), new RecordingListener());
            layer.sendRequest(request("OPTIONS", TransactionLayer.newBranch(), t), peer(t), new RecordingListener());
            var answered = layer.sendRequest(invite(TransactionLayer.newBranch(), t), peer(t), new RecordingListener());
            layer.onResponse(response(answered.request(), 200), peer(t));
            var rejected = layer.sendRequest(invite(TransactionLayer.newBranch(), t), peer(t), new RecordingListener());
            layer.onResponse(response(rejected.request(), 486), peer(t));
            layer.onRequest(invite("z9hG4bKa" + t, t), peer(t));
            layer.onRequest(invite("z9hG4bKb" + t, t), peer(t));
            layer.onRequest(request("BYE", "z9hG4bKc" + t, t), peer(t));
            layer.onRequest(request("OPTIONS", "z9hG4bKd" + t, t), peer(t));
        }
        tu.requests.stream().filter(tx -> tx.request().getTopmostVia().getBranch().startsWith("z9hG4bKa"))
                .forEach(tx -> tx.respond(response(tx.request(), 200)));
        tu.requests.stream().filter(tx -> tx.request().getTopmostVia().getBranch().startsWith("z9hG4bKb"))
                .forEach(tx -> tx.respond(response(tx.request(), 480)));
        tu.requests.stream().filter(tx -> tx.request().getTopmostVia().getBranch().startsWith("z9hG4bKc"))
                .forEach(tx -> tx.respond(response(tx.request(), 200)));
        tu.requests.stream().filter(tx -> tx.request().getTopmostVia().getBranch().startsWith("z9hG4bKd"))
                .forEach(tx -> {
                    tx.respond(response(tx.request(), 100));
                    tx.respond(response(tx.request(), 404));
                });
        assertThat(layer.size()).isPositive();

        timers.advance(Duration.ofSeconds(40));

        assertThat(tu.requests).hasSize(12);
        assertThat(layer.size()).isZero();
        assertThat(timers.pending()).isZero();
    }

    @Test
    void timerSettingsRejectNonsense() {
        assertThatThrownBy(() -> new TimerSettings(Duration.ZERO, Duration.ofSeconds(4), Duration.ofSeconds(5)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TimerSettings(Duration.ofSeconds(5), Duration.ofSeconds(4), Duration.ofSeconds(5)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(TimerSettings.rfc3261().transactionTimeout()).isEqualTo(Duration.ofSeconds(32));
    }
}
