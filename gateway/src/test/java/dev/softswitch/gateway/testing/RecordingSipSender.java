package dev.softswitch.gateway.testing;

import dev.softswitch.gateway.time.TimerService;
import dev.softswitch.gateway.transport.Endpoint;
import dev.softswitch.gateway.transport.SipSender;
import dev.softswitch.gateway.transport.TransportType;
import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** A {@link SipSender} that records what was sent and when, by the test's manual clock. */
public final class RecordingSipSender implements SipSender {

    public record Sent(SIPMessage message, Endpoint destination, Instant at) {
        public boolean isRequest(String method) {
            return message instanceof SIPRequest r && r.getMethod().equals(method);
        }

        public int status() {
            return message instanceof SIPResponse r ? r.getStatusCode() : -1;
        }
    }

    private final TimerService clock;
    private final Instant start;
    public final List<Sent> sent = new ArrayList<>();
    public RuntimeException failWith;

    public RecordingSipSender(TimerService clock) {
        this.clock = clock;
        this.start = clock.now();
    }

    @Override
    public void send(SIPMessage message, Endpoint destination) {
        if (failWith != null) {
            throw failWith;
        }
        sent.add(new Sent(message, destination, clock.now()));
    }

    @Override
    public void sendResponse(SIPResponse response) {
        sent.add(new Sent(response, null, clock.now()));
    }

    /** Recorded with the request's source as its destination: the connection it goes back on (§18.2.2). */
    @Override
    public void sendResponse(SIPResponse response, Endpoint requestSource) {
        sent.add(new Sent(response, requestSource, clock.now()));
    }

    @Override
    public InetSocketAddress localAddress(TransportType transport) {
        return new InetSocketAddress("203.0.113.1", 5060);
    }

    /** Instants (as offsets from the start) at which a request of {@code method} went out. */
    public List<Duration> requestTimes(String method) {
        return sent.stream().filter(s -> s.isRequest(method)).map(s -> Duration.between(start, s.at())).toList();
    }

    /** Instants (as offsets from the start) at which a response with {@code status} went out. */
    public List<Duration> responseTimes(int status) {
        return sent.stream().filter(s -> s.status() == status).map(s -> Duration.between(start, s.at())).toList();
    }

    public List<SIPRequest> requests(String method) {
        return sent.stream().filter(s -> s.isRequest(method)).map(s -> (SIPRequest) s.message()).toList();
    }

    public List<Integer> statuses() {
        return sent.stream().filter(s -> s.status() > 0).map(Sent::status).toList();
    }

    public SIPResponse lastResponse() {
        for (int i = sent.size() - 1; i >= 0; i--) {
            if (sent.get(i).message() instanceof SIPResponse r) {
                return r;
            }
        }
        throw new AssertionError("no response sent");
    }
}
