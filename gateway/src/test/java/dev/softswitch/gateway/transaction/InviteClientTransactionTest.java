package dev.softswitch.gateway.transaction;

import dev.softswitch.gateway.testing.RecordingSipSender;

import static dev.softswitch.gateway.testing.SipMessageFixtures.peer;
import static dev.softswitch.gateway.testing.SipMessageFixtures.proxiedRequest;
import static dev.softswitch.gateway.testing.SipMessageFixtures.response;
import static org.assertj.core.api.Assertions.assertThat;

import dev.softswitch.gateway.time.ManualTimerService;
import dev.softswitch.gateway.transport.Endpoint;
import dev.softswitch.gateway.transport.TransportType;
import gov.nist.javax.sip.header.Route;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** RFC 3261 §17.1.1 (figure 5) and RFC 6026 §7.2: the INVITE client transaction. */
class InviteClientTransactionTest {

    private final ManualTimerService timers = new ManualTimerService();
    private final RecordingSipSender sender = new RecordingSipSender(timers);
    private final RecordingTransactionUser tu = new RecordingTransactionUser();
    private final TransactionLayer layer = new TransactionLayer(sender, timers, TimerSettings.rfc3261(), tu);
    private final RecordingListener listener = new RecordingListener();

    private ClientTransaction start(TransportType transport) {
        SIPRequest invite = proxiedRequest("INVITE", TransactionLayer.newBranch(), transport).build();
        return layer.sendRequest(invite, peer(transport), listener);
    }

    static Duration ms(long millis) {
        return Duration.ofMillis(millis);
    }

    @Test
    void timerARetransmitsOverUdpAtDoublingIntervalsAndTimerBTimesOutAt64T1() {
        ClientTransaction tx = start(TransportType.UDP);
        assertThat(tx.state()).isEqualTo(TransactionState.CALLING);

        timers.advance(Duration.ofSeconds(40));

        assertThat(sender.requestTimes("INVITE")).containsExactly(
                ms(0), ms(500), ms(1500), ms(3500), ms(7500), ms(15500), ms(31500));
        assertThat(listener.events).containsExactly("timeout");
        assertThat(tx.state()).isEqualTo(TransactionState.TERMINATED);
        assertThat(layer.size()).isZero();
        assertThat(timers.pending()).isZero();
    }

    @Test
    void timerBJustBefore32sHasNotFired() {
        ClientTransaction tx = start(TransportType.UDP);
        timers.advance(ms(31999));
        assertThat(tx.state()).isEqualTo(TransactionState.CALLING);
        timers.advance(ms(1));
        assertThat(tx.state()).isEqualTo(TransactionState.TERMINATED);
    }

    @Test
    void overTcpThereIsNoTimerAButTimerBStillFires() {
        ClientTransaction tx = start(TransportType.TCP);
        timers.advance(Duration.ofSeconds(40));

        assertThat(sender.requestTimes("INVITE")).containsExactly(ms(0));
        assertThat(listener.events).containsExactly("timeout");
        assertThat(tx.state()).isEqualTo(TransactionState.TERMINATED);
        assertThat(layer.size()).isZero();
    }

    @Test
    void provisionalStopsRetransmissionsAndTimerB() {
        ClientTransaction tx = start(TransportType.UDP);
        timers.advance(ms(600));
        layer.onResponse(response(tx.request(), 180).build(), tx.destination());

        timers.advance(Duration.ofSeconds(60));

        assertThat(sender.requestTimes("INVITE")).containsExactly(ms(0), ms(500));
        assertThat(tx.state()).isEqualTo(TransactionState.PROCEEDING);
        assertThat(listener.events).containsExactly("provisional 180");
    }

    @Test
    void non2xxFinalIsAckedHopByHopAsRfc3261Section17113Says() throws Exception {
        ClientTransaction tx = start(TransportType.UDP);
        SIPRequest invite = tx.request();
        layer.onResponse(response(invite, 180).build(), tx.destination());
        SIPResponse busy = response(invite, 486).build();

        layer.onResponse(busy, tx.destination());

        assertThat(listener.events).containsExactly("provisional 180", "final 486");
        assertThat(tx.state()).isEqualTo(TransactionState.COMPLETED);
        List<SIPRequest> acks = sender.requests("ACK");
        assertThat(acks).hasSize(1);
        SIPRequest ack = acks.get(0);
        assertThat(ack.getRequestURI()).isEqualTo(invite.getRequestURI());
        assertThat(ack.getCallId().getCallId()).isEqualTo(invite.getCallId().getCallId());
        assertThat(ack.getFrom()).isEqualTo(invite.getFrom());
        assertThat(ack.getTo()).isEqualTo(busy.getTo());
        assertThat(ack.getTo().getTag()).isEqualTo("to1");
        assertThat(ack.getCSeq().getSeqNumber()).isEqualTo(invite.getCSeq().getSeqNumber());
        assertThat(ack.getCSeq().getMethod()).isEqualTo("ACK");
        assertThat(ack.getViaHeaders()).hasSize(1);
        assertThat(ack.getTopmostVia().getBranch()).isEqualTo(invite.getTopmostVia().getBranch());
        assertThat(routes(ack)).isEqualTo(routes(invite)).hasSize(2);
        assertThat(sender.sent.get(sender.sent.size() - 1).destination()).isEqualTo(tx.destination());
    }

    /**
     * An INVITE handed over as bytes (the carrier INVITE the B2BUA writes) is sent and retransmitted as those bytes;
     * the CANCEL and the ACK of a failure are built from it parsed back, as from an INVITE handed over built.
     */
    @Test
    void anInviteWrittenAsBytesIsRetransmittedAsThemAndItsCancelAndFailureAckComeFromItParsedBack() {
        SIPRequest built = proxiedRequest("INVITE", TransactionLayer.newBranch(), TransportType.UDP).build();
        String branch = built.getTopmostVia().getBranch();
        ClientTransaction tx = layer.sendRequest(built.encodeAsBytes("UDP"), "INVITE", branch, peer(TransportType.UDP),
                listener);
        timers.advance(ms(600));
        assertThat(sender.requestTimes("INVITE")).containsExactly(ms(0), ms(500));
        assertThat(sender.requests("INVITE")).allSatisfy(r -> assertThat(r.getTopmostVia().getBranch()).isEqualTo(branch));

        layer.onResponse(response(tx.request(), 180).build(), tx.destination());
        ClientTransaction cancel = layer.cancel(tx, new RecordingListener());
        assertThat(sender.requests("CANCEL")).singleElement().satisfies(c -> {
            assertThat(c.getTopmostVia().getBranch()).isEqualTo(branch);
            assertThat(c.getCallId().getCallId()).isEqualTo(built.getCallId().getCallId());
        });
        assertThat(cancel).isNotNull();
        layer.onResponse(response(built, 487).build(), tx.destination());
        assertThat(sender.requests("ACK")).singleElement().satisfies(ack -> {
            assertThat(ack.getTopmostVia().getBranch()).isEqualTo(branch);
            assertThat(ack.getCSeq().getSeqNumber()).isEqualTo(built.getCSeq().getSeqNumber());
            assertThat(ack.getRequestURI()).isEqualTo(built.getRequestURI());
        });
        assertThat(listener.events).containsExactly("provisional 180", "final 487");
        assertThat(tx.state()).isEqualTo(TransactionState.COMPLETED);
    }

    @Test
    void retransmitted486IsAckedAgainNotPassedUpAndTimerDEndsTheTransactionAt32sOverUdp() {
        ClientTransaction tx = start(TransportType.UDP);
        SIPResponse busy = response(tx.request(), 486).build();
        layer.onResponse(busy, tx.destination());
        timers.advance(Duration.ofSeconds(10));
        layer.onResponse(busy, tx.destination());

        assertThat(sender.requestTimes("ACK")).containsExactly(ms(0), ms(10000));
        assertThat(listener.events).containsExactly("final 486");
        timers.advance(ms(21999));
        assertThat(tx.state()).isEqualTo(TransactionState.COMPLETED);
        timers.advance(ms(1));
        assertThat(tx.state()).isEqualTo(TransactionState.TERMINATED);
        assertThat(layer.size()).isZero();
        assertThat(sender.requestTimes("INVITE")).containsExactly(ms(0));
    }

    @Test
    void timerDIsZeroOverTcp() {
        ClientTransaction tx = start(TransportType.TCP);
        layer.onResponse(response(tx.request(), 503).build(), tx.destination());

        assertThat(tx.state()).isEqualTo(TransactionState.TERMINATED);
        assertThat(sender.requests("ACK")).hasSize(1);
        assertThat(layer.size()).isZero();
    }

    @Test
    void twoHundredGoesToListenerThenAcceptedPassesRetransmissionsToTheTuUntilTimerM() {
        ClientTransaction tx = start(TransportType.UDP);
        SIPResponse ok = response(tx.request(), 200).build();
        layer.onResponse(ok, tx.destination());
        assertThat(tx.state()).isEqualTo(TransactionState.ACCEPTED);
        assertThat(listener.events).containsExactly("final 200");
        assertThat(sender.requests("ACK")).as("the TU ACKs a 2xx, not the transaction").isEmpty();

        timers.advance(Duration.ofSeconds(5));
        layer.onResponse(ok, tx.destination());
        assertThat(tu.strays).containsExactly(ok);
        assertThat(listener.events).containsExactly("final 200");

        timers.advance(ms(26999));
        assertThat(tx.state()).isEqualTo(TransactionState.ACCEPTED);
        timers.advance(ms(1));
        assertThat(tx.state()).isEqualTo(TransactionState.TERMINATED);
        assertThat(layer.size()).isZero();

        layer.onResponse(ok, tx.destination());
        assertThat(tu.strays).hasSize(2);
        assertThat(sender.requestTimes("INVITE")).containsExactly(ms(0));
    }

    @Test
    void transportFailureIsReportedAndLeavesNothingBehind() {
        sender.failWith = new IllegalStateException("no route");
        ClientTransaction tx = start(TransportType.TCP);

        assertThat(listener.events).containsExactly("transport error no route");
        assertThat(tx.state()).isEqualTo(TransactionState.TERMINATED);
        assertThat(layer.size()).isZero();
        assertThat(timers.pending()).isZero();
    }

    @Test
    void sendAckGoesStraightToTheTransport() {
        ClientTransaction tx = start(TransportType.UDP);
        layer.onResponse(response(tx.request(), 200).build(), tx.destination());
        SIPRequest ack = proxiedRequest("ACK", TransactionLayer.newBranch(), TransportType.UDP).build();
        Endpoint dest = Endpoint.of("192.0.2.20", 5070, TransportType.UDP);

        layer.sendAck(ack, dest);

        assertThat(sender.sent.get(sender.sent.size() - 1).message()).isSameAs(ack);
        assertThat(sender.sent.get(sender.sent.size() - 1).destination()).isEqualTo(dest);
        assertThat(layer.size()).isEqualTo(1);
    }

    static List<String> routes(SIPRequest r) {
        List<String> out = new ArrayList<>();
        for (var it = r.getHeaders(Route.NAME); it.hasNext(); ) {
            out.add(((Route) it.next()).getAddress().toString());
        }
        return out;
    }
}
