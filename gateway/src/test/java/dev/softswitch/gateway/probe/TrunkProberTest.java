package dev.softswitch.gateway.probe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.softswitch.gateway.routing.CallerIdMode;
import dev.softswitch.gateway.routing.NumberFormat;
import dev.softswitch.gateway.routing.RateDeck;
import dev.softswitch.gateway.routing.Trunk;
import dev.softswitch.gateway.routing.TrunkState;
import dev.softswitch.gateway.routing.TrunkStates;
import dev.softswitch.gateway.time.ManualTimerService;
import dev.softswitch.gateway.transaction.ServerTransaction;
import dev.softswitch.gateway.transaction.TimerSettings;
import dev.softswitch.gateway.transaction.TransactionLayer;
import dev.softswitch.gateway.transaction.TransactionUser;
import dev.softswitch.gateway.transport.Endpoint;
import dev.softswitch.gateway.transport.SipSender;
import dev.softswitch.gateway.transport.TransportType;
import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The prober on a real transaction layer, a fake wire and a manual clock. */
class TrunkProberTest {

    private static final Duration INTERVAL = Duration.ofSeconds(10);
    private static final Endpoint A = Endpoint.of("127.0.0.1", 5080, TransportType.UDP);
    private static final Endpoint B = Endpoint.of("127.0.0.1", 5081, TransportType.TCP);

    private final ManualTimerService timers = new ManualTimerService();
    private final FakeWire wire = new FakeWire();
    private final TrunkStates states = new TrunkStates();
    private TransactionLayer layer;
    private TrunkProber prober;

    @BeforeEach
    void setUp() {
        layer = new TransactionLayer(wire, timers, TimerSettings.rfc3261(), new NoServerRequests());
        prober = new TrunkProber(layer, timers, wire, states, INTERVAL, 2);
        Trunk a = new Trunk("a", A, List.of("81"));
        Trunk b = new Trunk("b", B, List.of("44"));
        Trunk quiet = new Trunk("quiet", List.of(A), List.of("1"), 0, 1, RateDeck.EMPTY, 0, 0, NumberFormat.E164, "",
                CallerIdMode.BOTH, null, Set.of(), false, false);
        prober.update(List.of(a, b, quiet));
        prober.start();
        timers.runDue();
    }

    @Test
    void sendsOptionsToEveryProbedTrunkEachInterval() {
        assertThat(wire.sent).hasSize(2);
        SIPRequest first = wire.sent.get(0).request;
        assertThat(first.getMethod()).isEqualTo("OPTIONS");
        assertThat(first.getRequestURI().toString()).isEqualTo("sip:127.0.0.1:5080");
        assertThat(wire.sent.get(1).request.getRequestURI().toString()).isEqualTo("sip:127.0.0.1:5081;transport=tcp");
        assertThat(first.getTopmostVia().getBranch()).startsWith("z9hG4bK");
        answerAll(200);

        timers.advance(INTERVAL);

        assertThat(wire.sent).hasSize(4);
        assertThat(wire.sent.get(2).destination).isEqualTo(A);
    }

    @Test
    void consecutive5xxTakeTheTrunkDownAndOneAnswerBringsItBack() {
        answerAll(503);
        assertThat(states.of("a").isUp()).isTrue();

        timers.advance(INTERVAL);
        answerAll(503);
        assertThat(states.of("a").isUp()).isFalse();
        assertThat(states.of("b").isUp()).isFalse();

        timers.advance(INTERVAL);
        answerAll(404);
        assertThat(states.of("a").isUp()).isTrue();
        assertThat(states.of("b").isUp()).isTrue();
    }

    @Test
    void unansweredProbesTimeOutAndTakeTheTrunkDown() {
        timers.advance(Duration.ofSeconds(32)); // Timer F = 64*T1
        assertThat(states.of("a").isUp()).isTrue();
        assertThat(wire.sent.stream().filter(s -> s.destination.equals(B)).count())
                .as("no second probe while the first is in flight").isEqualTo(1);

        timers.advance(Duration.ofSeconds(40));

        assertThat(states.of("a").isUp()).isFalse();
        assertThat(states.of("quiet").isUp()).isTrue();
    }

    @Test
    void transportErrorsCountAsFailures() {
        answerAll(200);
        wire.failWith = new UncheckedIOException(new IOException("connection refused"));

        timers.advance(INTERVAL);
        timers.advance(INTERVAL);

        assertThat(states.of("a").isUp()).isFalse();
    }

    @Test
    void stopEndsTheRounds() {
        prober.stop();
        timers.advance(Duration.ofMinutes(5));

        assertThat(wire.sent.stream().map(s -> s.request.getMethod()).distinct()).containsExactly("OPTIONS");
        assertThat(wire.sent.stream().filter(s -> s.destination.equals(B)).count()).isEqualTo(1);
    }

    private void answerAll(int status) {
        for (Sent s : List.copyOf(wire.sent)) {
            if (!s.answered) {
                s.answered = true;
                SIPResponse response = s.request.createResponse(status);
                layer.onResponse(response, s.destination);
            }
        }
    }

    private static final class Sent {
        final SIPRequest request;
        final Endpoint destination;
        boolean answered;

        Sent(SIPRequest request, Endpoint destination) {
            this.request = request;
            this.destination = destination;
        }
    }

    private static final class FakeWire implements SipSender {
        final List<Sent> sent = new ArrayList<>();
        RuntimeException failWith;

        @Override
        public void send(SIPMessage message, Endpoint destination) {
            if (failWith != null) {
                throw failWith;
            }
            if (message instanceof SIPRequest r && sent.stream().noneMatch(s -> s.request.getTopmostVia().getBranch()
                    .equals(r.getTopmostVia().getBranch()))) {
                sent.add(new Sent(r, destination));
            }
        }

        @Override
        public void sendResponse(SIPResponse response) {
        }

        @Override
        public InetSocketAddress localAddress(TransportType transport) {
            return new InetSocketAddress("203.0.113.1", 5060);
        }
    }

    private static final class NoServerRequests implements TransactionUser {
        @Override
        public void onRequest(ServerTransaction tx) {
        }

        @Override
        public void onAck(SIPRequest ack, Endpoint source) {
        }

        @Override
        public void onCancel(ServerTransaction cancelTx, ServerTransaction inviteTx) {
        }

        @Override
        public void onStrayResponse(SIPResponse response, Endpoint source) {
        }
    }
}
