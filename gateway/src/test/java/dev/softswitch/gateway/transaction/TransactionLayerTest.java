package dev.softswitch.gateway.transaction;

import dev.softswitch.gateway.testing.RecordingSipSender;

import static dev.softswitch.gateway.testing.SipMessageFixtures.peer;
import static dev.softswitch.gateway.testing.SipMessageFixtures.proxiedRequest;
import static dev.softswitch.gateway.testing.SipMessageFixtures.response;
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
        SIPRequest sentEarlier = proxiedRequest("INVITE", "z9hG4bKgone", TransportType.UDP).build();
        var ok = response(sentEarlier, 200).build();

        layer.onResponse(ok, peer(TransportType.UDP));

        assertThat(tu.strays).containsExactly(ok);
    }

    @Test
    void requestWithoutViaIsDroppedQuietly() {
        SIPRequest r = proxiedRequest("OPTIONS", "z9hG4bKx", TransportType.UDP).build();
        r.removeHeader("Via");

        layer.onRequest(r, peer(TransportType.UDP));

        assertThat(tu.requests).isEmpty();
        assertThat(sender.sent).isEmpty();
    }

    @Test
    void legacyBranchWithoutMagicCookieStillMatchesRetransmissionsAndAck() {
        layer.onRequest(proxiedRequest("INVITE", "oldbranch", TransportType.UDP).build(), peer(TransportType.UDP));
        ServerTransaction tx = tu.requests.get(0);
        tx.respond(response(tx.request(), 486).build());
        layer.onRequest(proxiedRequest("INVITE", "oldbranch", TransportType.UDP).build(), peer(TransportType.UDP));
        layer.onRequest(proxiedRequest("ACK", "oldbranch", TransportType.UDP).build(), peer(TransportType.UDP));

        assertThat(tu.requests).hasSize(1);
        assertThat(tx.state()).isEqualTo(TransactionState.CONFIRMED);
    }

    @Test
    void manyTransactionsOfEveryKindLeaveNothingBehindOnceTheirTimersRunOut() {
        for (TransportType t : TransportType.values()) {
            send("INVITE", t);
            send("OPTIONS", t);
            var answered = send("INVITE", t);
            layer.onResponse(response(answered.request(), 200).build(), peer(t));
            var rejected = send("INVITE", t);
            layer.onResponse(response(rejected.request(), 486).build(), peer(t));
            layer.onRequest(proxiedRequest("INVITE", "z9hG4bKa" + t, t).build(), peer(t));
            layer.onRequest(proxiedRequest("INVITE", "z9hG4bKb" + t, t).build(), peer(t));
            layer.onRequest(proxiedRequest("BYE", "z9hG4bKc" + t, t).build(), peer(t));
            layer.onRequest(proxiedRequest("OPTIONS", "z9hG4bKd" + t, t).build(), peer(t));
        }
        tu.requests.stream().filter(tx -> tx.request().getTopmostVia().getBranch().startsWith("z9hG4bKa"))
                .forEach(tx -> tx.respond(response(tx.request(), 200).build()));
        tu.requests.stream().filter(tx -> tx.request().getTopmostVia().getBranch().startsWith("z9hG4bKb"))
                .forEach(tx -> tx.respond(response(tx.request(), 480).build()));
        tu.requests.stream().filter(tx -> tx.request().getTopmostVia().getBranch().startsWith("z9hG4bKc"))
                .forEach(tx -> tx.respond(response(tx.request(), 200).build()));
        tu.requests.stream().filter(tx -> tx.request().getTopmostVia().getBranch().startsWith("z9hG4bKd"))
                .forEach(tx -> {
                    tx.respond(response(tx.request(), 100).build());
                    tx.respond(response(tx.request(), 404).build());
                });
        assertThat(layer.size()).isPositive();

        timers.advance(Duration.ofSeconds(40));

        assertThat(tu.requests).hasSize(12);
        assertThat(layer.size()).isZero();
        assertThat(timers.pending()).isZero();
    }

    private ClientTransaction send(String method, TransportType transport) {
        SIPRequest request = proxiedRequest(method, TransactionLayer.newBranch(), transport).build();
        return layer.sendRequest(request, peer(transport), new RecordingListener());
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
