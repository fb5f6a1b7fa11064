package dev.softswitch.gateway.probe;

import dev.softswitch.gateway.routing.Trunk;
import dev.softswitch.gateway.routing.TrunkState;
import dev.softswitch.gateway.routing.TrunkStates;
import dev.softswitch.gateway.sip.SipMessages;
import dev.softswitch.gateway.time.Timeout;
import dev.softswitch.gateway.time.TimerService;
import dev.softswitch.gateway.transaction.ClientTransaction;
import dev.softswitch.gateway.transaction.ClientTransactionListener;
import dev.softswitch.gateway.transaction.TransactionLayer;
import dev.softswitch.gateway.transport.Endpoint;
import dev.softswitch.gateway.transport.SipSender;
import gov.nist.javax.sip.address.AddressFactoryImpl;
import gov.nist.javax.sip.header.HeaderFactoryImpl;
import gov.nist.javax.sip.message.MessageFactoryImpl;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import java.net.InetSocketAddress;
import java.text.ParseException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import javax.sip.InvalidArgumentException;
import javax.sip.address.Address;
import javax.sip.address.SipURI;
import javax.sip.header.ViaHeader;
import javax.sip.message.Request;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Probes each trunk with an out-of-dialog OPTIONS (RFC 3261 §11) every interval, through the
 * transaction layer so that retransmissions and Timer F apply (RTE-5). Any final response below 500
 * counts as an answer (a carrier may well answer 404 or 405 to OPTIONS); a 5xx, a timeout or a
 * transport error counts as a failure. After {@code failuresToDown} failures in a row the trunk's
 * {@link TrunkState} goes down and selection skips it; one answer brings it back.
 *
 * <p>Like the transaction layer, it must run on the SIP core thread: {@link #start}, {@link #stop}
 * and {@link #update} are called there, and rounds run as tasks of the {@link TimerService}.
 */
public final class TrunkProber {

    private static final Logger LOG = LoggerFactory.getLogger(TrunkProber.class);
    private static final HeaderFactoryImpl HEADERS = new HeaderFactoryImpl();
    private static final AddressFactoryImpl ADDRESSES = new AddressFactoryImpl();
    private static final MessageFactoryImpl MESSAGES = new MessageFactoryImpl();

    private final TransactionLayer transactions;
    private final TimerService timers;
    private final SipSender sender;
    private final TrunkStates states;
    private final Duration interval;
    private final int failuresToDown;
    private final Set<String> inFlight = new HashSet<>();
    private List<Trunk> trunks = List.of();
    private Timeout next;
    private long cseq = 1;

    public TrunkProber(TransactionLayer transactions, TimerService timers, SipSender sender, TrunkStates states,
                       Duration interval, int failuresToDown) {
        this.transactions = Objects.requireNonNull(transactions, "transactions");
        this.timers = Objects.requireNonNull(timers, "timers");
        this.sender = Objects.requireNonNull(sender, "sender");
        this.states = Objects.requireNonNull(states, "states");
        if (interval.isNegative() || interval.isZero() || failuresToDown < 1) {
            throw new IllegalArgumentException("probe interval must be positive and failures at least 1");
        }
        this.interval = interval;
        this.failuresToDown = failuresToDown;
    }

    /** Sets the trunks to probe (those with {@code probe} on); takes effect from the next round. */
    public void update(List<Trunk> trunks) {
        this.trunks = trunks.stream().filter(Trunk::probe).toList();
    }

    /** Sends the first round now and one every interval after. */
    public void start() {
        if (next == null) {
            next = timers.schedule(Duration.ZERO, this::round);
        }
    }

    /** Stops probing; probes in flight still report their result. */
    public void stop() {
        if (next != null) {
            next.cancel();
            next = null;
        }
    }

    private void round() {
        next = timers.schedule(interval, this::round);
        for (Trunk trunk : trunks) {
            if (inFlight.contains(trunk.name())) {
                continue; // the previous probe has not ended yet: Timer F is longer than the interval
            }
            try {
                SIPRequest options = options(trunk.endpoint());
                inFlight.add(trunk.name());
                transactions.sendRequest(options, trunk.endpoint(), new Listener(trunk.name()));
            } catch (ParseException | InvalidArgumentException e) {
                LOG.error("cannot build OPTIONS for trunk {} at {}: {}", trunk.name(), trunk.endpoint(), e.toString());
            }
        }
    }

    private SIPRequest options(Endpoint to) throws ParseException, InvalidArgumentException {
        InetSocketAddress local = sender.localAddress(to.transport());
        SipURI target = ADDRESSES.createSipURI(null, to.address().getHostString());
        target.setPort(to.address().getPort());
        if (to.transport().isReliable()) {
            target.setTransportParam(to.transport().name().toLowerCase(Locale.ROOT));
        }
        SipURI self = ADDRESSES.createSipURI("probe", local.getHostString());
        self.setPort(local.getPort());
        Address from = ADDRESSES.createAddress(self);
        ViaHeader via = HEADERS.createViaHeader(local.getHostString(), local.getPort(), to.transport().viaToken(),
                TransactionLayer.newBranch());
        via.setRPort();
        Request request = MESSAGES.createRequest(target, Request.OPTIONS,
                HEADERS.createCallIdHeader(SipMessages.newCallId()),
                HEADERS.createCSeqHeader(cseq++, Request.OPTIONS),
                HEADERS.createFromHeader(from, SipMessages.newTag()),
                HEADERS.createToHeader(ADDRESSES.createAddress(target), null),
                List.of(via),
                HEADERS.createMaxForwardsHeader(70));
        request.addHeader(HEADERS.createAcceptHeader("application", "sdp"));
        return (SIPRequest) request;
    }

    private void record(String trunk, boolean answered, String what) {
        inFlight.remove(trunk);
        TrunkState state = states.of(trunk);
        if (state.recordProbe(answered, failuresToDown)) {
            if (answered) {
                LOG.info("trunk {} is up again: {}", trunk, what);
            } else {
                LOG.warn("trunk {} is down after {} failed probes, last: {}", trunk, failuresToDown, what);
            }
        } else if (!answered) {
            LOG.debug("trunk {} probe failed: {}", trunk, what);
        }
    }

    private final class Listener implements ClientTransactionListener {
        private final String trunk;

        Listener(String trunk) {
            this.trunk = trunk;
        }

        @Override
        public void onProvisional(ClientTransaction tx, SIPResponse response) {
        }

        @Override
        public void onFinal(ClientTransaction tx, SIPResponse response) {
            record(trunk, response.getStatusCode() < 500, "answered " + response.getStatusCode());
        }

        @Override
        public void onTimeout(ClientTransaction tx) {
            record(trunk, false, "no answer");
        }

        @Override
        public void onTransportError(ClientTransaction tx, Exception error) {
            record(trunk, false, "transport error " + error);
        }
    }
}
