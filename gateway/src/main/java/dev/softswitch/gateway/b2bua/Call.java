package dev.softswitch.gateway.b2bua;

import dev.softswitch.charging.cdr.CallDetails;
import dev.softswitch.charging.cdr.CallRecord;
import dev.softswitch.charging.cdr.ChargedCall;
import dev.softswitch.charging.cdr.MediaQuality;
import dev.softswitch.charging.money.Rounding;
import dev.softswitch.charging.money.Money;
import dev.softswitch.charging.session.Authorisation;
import dev.softswitch.charging.session.ChargeResult;
import dev.softswitch.charging.session.ChargingSession;
import dev.softswitch.charging.session.DenialReason;
import dev.softswitch.gateway.sdp.SdpCrypto;
import dev.softswitch.gateway.sdp.SdpException;
import dev.softswitch.gateway.sdp.SdpRewriter;
import dev.softswitch.gateway.sdp.SdpRewriter.SdpOffer;
import dev.softswitch.gateway.account.Subscriber;
import dev.softswitch.gateway.routing.CallerIdentity;
import dev.softswitch.gateway.routing.PhoneNumberInfo;
import dev.softswitch.gateway.routing.RouteDecision;
import dev.softswitch.gateway.routing.RoutingRefusal;
import dev.softswitch.gateway.routing.Trunk;
import dev.softswitch.gateway.routing.TrunkCandidate;
import dev.softswitch.gateway.sip.SipMessages;
import dev.softswitch.gateway.time.Timeout;
import dev.softswitch.gateway.transaction.ClientTransaction;
import dev.softswitch.gateway.transaction.ClientTransactionListener;
import dev.softswitch.gateway.transaction.ServerTransaction;
import dev.softswitch.gateway.transport.Endpoint;
import dev.softswitch.media.session.DirectionStats;
import dev.softswitch.media.session.MediaEvent;
import dev.softswitch.media.session.SessionStats;
import dev.softswitch.media.session.PortsExhaustedException;
import dev.softswitch.media.session.RelaySession;
import gov.nist.javax.sip.header.Contact;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sip.address.Address;
import javax.sip.address.SipURI;
import javax.sip.address.URI;
import javax.sip.header.ContactHeader;
import javax.sip.header.ContentTypeHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One back-to-back call: the app client's leg (gateway as UAS) bridged to a carrier leg (gateway as
 * UAC), with its media relay session and its charging session. Runs on the SIP core thread.
 *
 * <pre>
 *   ROUTING --INVITE sent to carrier--> CALLING --1xx--> EARLY
 *      |                                   |  \            |
 *      | refused (402/404/484/488/503)     |   +--2xx------+--> ANSWERED --client ACK--> CONFIRMED
 *      v                                   v  non-2xx / CANCEL      |                        |
 *    ENDED <-------------------------------+------------------------+--- BYE / credit out ---+
 * </pre>
 */
final class Call {

    private static final Logger log = LoggerFactory.getLogger(Call.class);
    private static final Duration MAX_RESERVE_LEAD = Duration.ofSeconds(1);
    private static final SecureRandom KEYS = new SecureRandom();

    enum State { ROUTING, CALLING, EARLY, ANSWERED, CONFIRMED, ENDED }

    private final B2buaContext ctx;
    private final ServerTransaction inviteTx;
    private final SIPRequest clientInvite;
    private final Endpoint clientSource;
    private final String clientCallId;
    private final String clientTag = SipMessages.newTag();
    private final Instant startedAt;
    private final List<String> dialogKeys = new ArrayList<>(2);

    private State state = State.ROUTING;
    private String caller = "";
    private String callee = "";
    private Trunk trunk;
    private ChargingSession charging;
    private RelaySession media;
    private DialogLeg clientLeg;
    private DialogLeg carrierLeg;
    private ClientTransaction carrierInviteTx;
    private long carrierInviteCseq;
    private SIPResponse clientOk;
    private byte[] clientAnswerSdp;
    private byte[] carrierOfferSdp;
    private Instant answeredAt;
    private Timeout okRetransmit;
    private Timeout ackTimeout;
    private Timeout reserveTimer;
    private Timeout teardownTimer;
    private boolean cancelled;
    /** The client's SDES key (it encrypts with it) and the relay's own (it encrypts toward the client); null for plain RTP. */
    private SdpCrypto clientCrypto;
    private SdpCrypto relayCrypto;
    private ServerTransaction pendingReinvite;
    private String verifiedNumber;
    private InetSocketAddress clientRtp;
    private PhoneNumberInfo number;
    private TrunkCandidate candidate;
    private List<TrunkCandidate> candidates = List.of();
    private int candidateIndex;
    private int attempts;
    private boolean trunkAcquired;
    private String carrierLegKey;

    Call(B2buaContext ctx, ServerTransaction inviteTx) {
        this.ctx = ctx;
        this.inviteTx = inviteTx;
        this.clientInvite = inviteTx.request();
        this.clientSource = inviteTx.source();
        this.clientCallId = clientInvite.getCallId().getCallId();
        this.startedAt = ctx.parts().timers().now();
    }

    State state() {
        return state;
    }

    String clientCallId() {
        return clientCallId;
    }

    /** Authorises, routes and places the carrier leg, or refuses the call with a clear answer. */
    void start() {
        ctx.registry().add(this, inviteTx);
        ctx.parts().metrics().callStarted();
        caller = userOf(clientInvite.getFrom().getAddress().getURI());
        callee = userOf(clientInvite.getRequestURI());

        // Malformed or unsupported SDP is answered before any routing or money is touched.
        byte[] offer = clientInvite.getRawContent();
        SdpOffer clientOffer;
        try {
            if (offer == null || offer.length == 0) {
                throw new SdpException("SDP offer required");
            }
            clientOffer = SdpRewriter.parse(offer);
            if (clientOffer.isSecure()) {
                clientCrypto = SdpCrypto.select(clientOffer.cryptoAttributes());
                relayCrypto = clientCrypto.withFreshKey(KEYS);
            }
        } catch (SdpException e) {
            refuse(Response.NOT_ACCEPTABLE_HERE, "Not Acceptable Here: " + e.getMessage(), "bad_sdp");
            return;
        }

        Optional<Subscriber> subscriber = ctx.parts().subscribers().get().find(caller);
        if (subscriber.isEmpty()) {
            refuse(Response.FORBIDDEN, "Unknown Account", "unknown_account");
            return;
        }
        verifiedNumber = subscriber.get().verifiedNumber();
        String country = subscriber.get().country();
        if (country == null && verifiedNumber != null) {
            country = ctx.parts().routing().countryOf(verifiedNumber).orElse(null);
        }

        RouteDecision decision = ctx.parts().routing().route(country, callee, startedAt);
        if (decision instanceof RouteDecision.Refused refused) {
            RoutingRefusal r = refused.refusal();
            if (refused.number() != null) {
                number = refused.number();
                callee = number.e164();
            }
            refuse(r.sipCode(), r.reasonPhrase(), r.outcome());
            return;
        }
        RouteDecision.Routed routed = (RouteDecision.Routed) decision;
        number = routed.number();
        callee = number.e164();
        candidates = routed.candidates();

        String digits = number.digits();
        ctx.parts().chargingExecutor().execute(() -> {
            Authorisation auth;
            try {
                auth = ctx.parts().charging().authorise(clientCallId, caller, digits);
            } catch (RuntimeException e) {
                log.error("call {}: charging failed to authorise", clientCallId, e);
                auth = new Authorisation.Denied(DenialReason.STORE_UNAVAILABLE, "Charging Unavailable");
            }
            Authorisation result = auth;
            onCore(() -> onAuthorised(result, clientOffer, offer));
        });
    }

    /** The charging engine's answer (CHG-6): the first increment is reserved, or the call is refused. */
    private void onAuthorised(Authorisation auth, SdpOffer clientOffer, byte[] offer) {
        if (state != State.ROUTING) {
            // Cancelled while charging was deciding: give the reservation back.
            if (auth instanceof Authorisation.Granted granted) {
                ctx.parts().chargingExecutor().execute(() -> releaseQuietly(granted.session()));
            }
            return;
        }
        if (auth instanceof Authorisation.Denied denied) {
            switch (denied.reason()) {
                case INSUFFICIENT_CREDIT -> refuse(Response.PAYMENT_REQUIRED, "Insufficient Credit", "insufficient_credit");
                case UNKNOWN_ACCOUNT -> refuse(Response.FORBIDDEN, "Unknown Account", "unknown_account");
                case NO_RATE -> refuse(Response.NOT_FOUND, "No Rate For Destination", "no_rate");
                case STORE_UNAVAILABLE -> refuse(Response.SERVICE_UNAVAILABLE, "Charging Unavailable", "charging_unavailable");
                default -> refuse(Response.FORBIDDEN, denied.message(), denied.reason().name().toLowerCase(java.util.Locale.ROOT));
            }
            return;
        }
        charging = ((Authorisation.Granted) auth).session();

        // The relay binds the call's ports on its own event loop; the call goes on here when they are ready.
        ctx.parts().relay().allocateAsync(clientCallId).whenComplete((session, error) ->
                ctx.parts().timers().schedule(Duration.ZERO, () -> onMediaAllocated(session, error, clientOffer, offer)));
    }

    private void onMediaAllocated(RelaySession session, Throwable error, SdpOffer clientOffer, byte[] offer) {
        if (state != State.ROUTING) {
            // Cancelled (or failed) while the ports were being bound: give them back at once.
            if (session != null) {
                session.closeAsync();
            }
            return;
        }
        if (session == null) {
            Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                    ? error.getCause() : error;
            if (!(cause instanceof PortsExhaustedException)) {
                log.warn("call {}: media relay failed", clientCallId, cause);
            }
            refuse(Response.SERVICE_UNAVAILABLE, "No Media Ports Available", "no_media_ports");
            return;
        }
        media = session;
        try {
            media.setClockRate(clientOffer.audioClockRate());
            clientRtp = clientOffer.audioRtp();
            media.clientLeg().setRemoteRtp(clientRtp);
            if (clientCrypto != null) {
                media.clientLeg().enableSrtp(clientCrypto.key(), relayCrypto.key());
            }
            carrierOfferSdp = towardCarrier(offer);
        } catch (SdpException e) {
            refuse(Response.NOT_ACCEPTABLE_HERE, "Not Acceptable Here: " + e.getMessage(), "bad_sdp");
            return;
        }

        try {
            clientLeg = new DialogLeg(clientCallId, clientTag,
                    clientInvite.getTo().getAddress(), clientInvite.getFrom().getAddress(),
                    clientTarget(), clientSource, ctx.parts().sender(), 0);
            clientLeg.remoteTag(clientInvite.getFromTag());
            dialogKeys.add(ctx.registry().bindLeg(this, clientCallId, clientTag, true));
        } catch (RuntimeException e) {
            log.warn("call {}: cannot build the client dialog", clientCallId, e);
            refuse(Response.SERVER_INTERNAL_ERROR, "Server Internal Error", "internal_error");
            return;
        }
        tryNextCandidate(RoutingRefusal.trunksBusy().sipCode(), RoutingRefusal.trunksBusy().reasonPhrase(),
                RoutingRefusal.trunksBusy().outcome());
    }

    /**
     * Places the carrier leg on the next candidate trunk that has a free channel and CPS token, up
     * to the routing's attempt limit (serial forking, RTE-5); when none is left, the client gets the
     * last failure's answer. The client sees one call throughout.
     */
    private void tryNextCandidate(int lastCode, String lastReason, String lastOutcome) {
        releaseTrunk();
        while (candidateIndex < candidates.size() && attempts < ctx.parts().routing().maxAttempts()) {
            TrunkCandidate candidate = candidates.get(candidateIndex++);
            if (!ctx.parts().routing().acquire(candidate.trunk(), ctx.parts().timers().now())) {
                continue;
            }
            trunkAcquired = true;
            this.candidate = candidate;
            trunk = candidate.trunk();
            attempts++;
            try {
                placeCarrierLeg(candidate);
                return;
            } catch (ParseException | RuntimeException e) {
                log.warn("call {}: cannot send the INVITE to trunk {}", clientCallId, trunk.name(), e);
                releaseTrunk();
            }
        }
        refuse(lastCode, lastReason, lastOutcome);
    }

    private void releaseTrunk() {
        if (trunkAcquired) {
            trunkAcquired = false;
            ctx.parts().routing().release(trunk);
        }
    }

    private void placeCarrierLeg(TrunkCandidate candidate) throws ParseException {
        Endpoint dest = trunk.endpoint();
        String host = dest.address().getHostString();
        SipURI ruri = DialogLeg.ADDRESSES.createSipURI(SipMessages.escapeUser(candidate.requestUser()), host);
        ruri.setPort(dest.address().getPort());
        InetSocketAddress local = ctx.parts().sender().localAddress(dest.transport());
        CallerIdentity identity = verifiedNumber == null
                ? new CallerIdentity("anonymous", null)
                : CallerIdentity.forTrunk(trunk, verifiedNumber);
        Address from = DialogLeg.ADDRESSES.createAddress(
                DialogLeg.ADDRESSES.createSipURI(SipMessages.escapeUser(identity.fromUser()), local.getHostString()));
        Address to = DialogLeg.ADDRESSES.createAddress((URI) ruri.clone());
        String carrierCallId = SipMessages.newCallId();
        String carrierTag = SipMessages.newTag();
        if (carrierLegKey != null) {
            ctx.registry().unbind(carrierLegKey);
            dialogKeys.remove(carrierLegKey);
        }
        carrierLeg = new DialogLeg(carrierCallId, carrierTag, from, to, ruri, dest, ctx.parts().sender(), 0);
        carrierLegKey = ctx.registry().bindLeg(this, carrierCallId, carrierTag, false);
        dialogKeys.add(carrierLegKey);

        SIPRequest invite = carrierLeg.newRequest(Request.INVITE);
        carrierInviteCseq = carrierLeg.localCseq();
        int maxForwards = clientInvite.getMaxForwards() == null ? 70 : clientInvite.getMaxForwards().getMaxForwards();
        try {
            invite.getMaxForwards().setMaxForwards(Math.max(0, maxForwards - 1));
        } catch (javax.sip.InvalidArgumentException e) {
            throw new ParseException(e.getMessage(), 0);
        }
        if (identity.hasAssertedIdentity()) {
            invite.addHeader(DialogLeg.HEADERS.createHeader("P-Asserted-Identity",
                    "<sip:" + identity.assertedUser() + "@" + local.getHostString() + ">"));
        }
        invite.setContent(carrierOfferSdp, sdpType());
        state = State.CALLING;
        carrierInviteTx = ctx.transactions().sendRequest(invite, dest, new CarrierInviteListener(carrierLeg));
        log.info("call {}: {} -> {} via {} (carrier Call-ID {})", clientCallId, caller, callee, trunk.name(), carrierCallId);
    }

    // ---- carrier leg events -------------------------------------------------------------

    /** Events of one carrier attempt; those of an attempt already given up (failover) are ignored. */
    private final class CarrierInviteListener implements ClientTransactionListener {
        private final DialogLeg leg;

        CarrierInviteListener(DialogLeg leg) {
            this.leg = leg;
        }

        private boolean current() {
            return leg == carrierLeg;
        }

        @Override
        public void onProvisional(ClientTransaction tx, SIPResponse r) {
            if (!current() || state != State.CALLING && state != State.EARLY || r.getStatusCode() == Response.TRYING) {
                return;
            }
            try {
                byte[] sdp;
                try {
                    sdp = answerSdpFor(r);
                } catch (SdpException e) {
                    log.info("call {}: carrier {} carries unusable SDP ({}); forwarded without body",
                            clientCallId, r.getStatusCode(), e.getMessage());
                    sdp = null;
                }
                SIPResponse p = clientResponse(r.getStatusCode(), r.getReasonPhrase());
                if (sdp != null) {
                    p.setContent(sdp, sdpType());
                }
                state = State.EARLY;
                inviteTx.respond(p);
            } catch (ParseException e) {
                log.warn("call {}: cannot map provisional response", clientCallId, e);
            }
        }

        @Override
        public void onFinal(ClientTransaction tx, SIPResponse r) {
            int code = r.getStatusCode();
            if (code >= 200 && code < 300) {
                if (current()) {
                    onCarrierAnswer(r);
                } else {
                    endStrayAnswer(leg, r);
                }
            } else if (current() && (state == State.CALLING || state == State.EARLY)) {
                String outcome = switch (code) {
                    case Response.BUSY_HERE, Response.BUSY_EVERYWHERE -> "busy";
                    case Response.REQUEST_TERMINATED -> "cancelled";
                    case Response.NOT_FOUND -> "not_found";
                    case Response.SERVICE_UNAVAILABLE -> "carrier_unavailable";
                    default -> "carrier_rejected";
                };
                if (!cancelled && trunk.failsOver(code)) {
                    log.info("call {}: trunk {} answered {}, trying the next candidate", clientCallId, trunk.name(), code);
                    tryNextCandidate(code, r.getReasonPhrase(), outcome);
                } else {
                    refuse(code, r.getReasonPhrase(), outcome);
                }
            }
        }

        @Override
        public void onTimeout(ClientTransaction tx) {
            if (current() && (state == State.CALLING || state == State.EARLY) && !cancelled) {
                tryNextCandidate(Response.REQUEST_TIMEOUT, "Carrier Did Not Answer", "carrier_timeout");
            }
        }

        @Override
        public void onTransportError(ClientTransaction tx, Exception e) {
            if (current() && (state == State.CALLING || state == State.EARLY) && !cancelled) {
                tryNextCandidate(Response.SERVICE_UNAVAILABLE, "Carrier Unreachable", "carrier_unreachable");
            }
        }
    }

    private void onCarrierAnswer(SIPResponse r) {
        boolean retransmission = carrierLeg.remoteTag() != null;
        if (!retransmission) {
            carrierLeg.remoteTag(r.getToTag());
            ContactHeader contact = (ContactHeader) r.getHeader(ContactHeader.NAME);
            if (contact != null) {
                carrierLeg.remoteTarget(contact.getAddress().getURI());
            }
        }
        ackCarrier();
        if (retransmission) {
            return;
        }
        if (state != State.CALLING && state != State.EARLY) {
            // Answered after we gave up (CANCEL crossed the 200): end the carrier leg at once.
            sendBye(carrierLeg);
            return;
        }
        byte[] sdp;
        try {
            sdp = answerSdpFor(r);
            if (sdp == null) {
                throw new SdpException("carrier answer has no SDP");
            }
        } catch (SdpException e) {
            sendBye(carrierLeg);
            refuse(Response.BAD_GATEWAY, "Bad Gateway: " + e.getMessage(), "carrier_bad_sdp");
            return;
        }
        try {
            clientOk = clientResponse(Response.OK, "OK");
            clientOk.setContent(sdp, sdpType());
            clientAnswerSdp = sdp;
        } catch (ParseException e) {
            sendBye(carrierLeg);
            refuse(Response.SERVER_INTERNAL_ERROR, "Server Internal Error", "internal_error");
            return;
        }
        state = State.ANSWERED;
        answeredAt = ctx.parts().timers().now();
        inviteTx.respond(clientOk);
        ctx.parts().metrics().callAttempt("answered");
        ctx.parts().metrics().responseSent(Response.OK);
        if (!clientSource.transport().isReliable()) {
            scheduleOkRetransmit(ctx.parts().timerSettings().t1());
        }
        ackTimeout = ctx.parts().timers().schedule(ctx.parts().timerSettings().t1().multipliedBy(64), () -> {
            if (state == State.ANSWERED) {
                log.info("call {}: client never acknowledged the 200 OK", clientCallId);
                teardown("ack_timeout", "gateway");
            }
        });
        // Clients start sending at answer: the latching window for a NAT'd client opens now (MED-2).
        media.clientLeg().setRemoteRtp(clientRtp);
        media.watchMedia(ctx.parts().mediaTimeouts(),
                event -> ctx.parts().timers().schedule(Duration.ZERO, () -> onMediaTimeout(event)));
        Instant paidUntil = charging.start(answeredAt);
        log.info("call {}: answered, paid until {}", clientCallId, paidUntil);
        scheduleNextReservation();
    }

    /** A 2xx from an attempt already abandoned (it answered after failing over): ACK and BYE it. */
    private void endStrayAnswer(DialogLeg leg, SIPResponse r) {
        try {
            leg.remoteTag(r.getToTag());
            ctx.transactions().sendAck(leg.ack(r.getCSeq().getSeqNumber()), leg.destination());
            ctx.transactions().sendRequest(leg.newRequest(Request.BYE), leg.destination(), IgnoringListener.INSTANCE);
        } catch (ParseException | RuntimeException e) {
            log.warn("call {}: cannot end a stray carrier answer", clientCallId, e);
        }
    }

    /** RFC 3261 §13.3.1.4: the UAS core retransmits its 2xx over UDP until the ACK arrives. */
    private void scheduleOkRetransmit(Duration interval) {
        okRetransmit = ctx.parts().timers().schedule(interval, () -> {
            if (state == State.ANSWERED) {
                ctx.parts().sender().sendResponse(clientOk);
                Duration next = interval.multipliedBy(2);
                scheduleOkRetransmit(next.compareTo(ctx.parts().timerSettings().t2()) > 0 ? ctx.parts().timerSettings().t2() : next);
            }
        });
    }

    private void ackCarrier() {
        try {
            ctx.transactions().sendAck(carrierLeg.ack(carrierInviteCseq), carrierLeg.destination());
        } catch (ParseException e) {
            log.warn("call {}: cannot build ACK", clientCallId, e);
        }
    }

    /** A 2xx for the carrier INVITE arrived again, outside its transaction: ACK it again. */
    void onCarrierOkRetransmission(SIPResponse r) {
        if (carrierLeg != null && r.getToTag() != null && r.getToTag().equals(carrierLeg.remoteTag())) {
            ackCarrier();
        }
    }

    // ---- charging -------------------------------------------------------------------------

    private void scheduleNextReservation() {
        Duration increment = charging.nextIncrement();
        Duration lead = increment.dividedBy(2).compareTo(MAX_RESERVE_LEAD) < 0 ? increment.dividedBy(2) : MAX_RESERVE_LEAD;
        Instant at = charging.paidUntil().minus(lead);
        reserveTimer = ctx.parts().timers().scheduleAt(at, this::reserveNextIncrement);
    }

    private void reserveNextIncrement() {
        if (state != State.ANSWERED && state != State.CONFIRMED) {
            return;
        }
        ChargingSession session = charging;
        ctx.parts().chargingExecutor().execute(() -> {
            boolean reserved;
            try {
                reserved = session.reserveNext();
            } catch (RuntimeException e) {
                log.error("call {}: charging failed to reserve the next increment", clientCallId, e);
                reserved = false;
            }
            boolean granted = reserved;
            onCore(() -> onNextIncrement(granted));
        });
    }

    private void onNextIncrement(boolean reserved) {
        if (state != State.ANSWERED && state != State.CONFIRMED) {
            return;
        }
        if (reserved) {
            scheduleNextReservation();
        } else {
            Instant end = charging.paidUntil();
            log.info("call {}: credit exhausted, hanging up at {}", clientCallId, end);
            teardownTimer = ctx.parts().timers().scheduleAt(end, () -> teardown("credit_exhausted", "gateway"));
        }
    }

    // ---- client leg events --------------------------------------------------------------

    void onClientAck() {
        if (state == State.ANSWERED) {
            state = State.CONFIRMED;
            cancel(okRetransmit);
            cancel(ackTimeout);
        }
    }

    /** CANCEL for the client's INVITE (the transaction layer has matched it, RFC 3261 §9.2). */
    void onClientCancel(ServerTransaction cancelTx) {
        respond(cancelTx, Response.OK, "OK");
        if (state != State.ROUTING && state != State.CALLING && state != State.EARLY) {
            return;
        }
        cancelled = true;
        if (carrierInviteTx != null) {
            ctx.transactions().cancel(carrierInviteTx, IgnoringListener.INSTANCE);
        }
        refuse(Response.REQUEST_TERMINATED, "Request Terminated", "cancelled");
    }

    /** A request inside one of this call's dialogs. */
    void onInDialogRequest(ServerTransaction tx, boolean fromClient) {
        String method = tx.request().getMethod();
        switch (method) {
            case Request.BYE -> {
                respond(tx, Response.OK, "OK");
                if (state == State.ANSWERED || state == State.CONFIRMED) {
                    sendBye(fromClient ? carrierLeg : clientLeg);
                    end(fromClient ? "caller_bye" : "callee_bye", fromClient ? "caller" : "callee", Response.OK);
                }
            }
            case Request.INVITE -> relayReinvite(tx, fromClient);
            case Request.OPTIONS, Request.INFO -> respond(tx, Response.OK, "OK");
            default -> {
                SIPResponse r = tx.request().createResponse(Response.METHOD_NOT_ALLOWED);
                B2buaHandler.addAllow(r);
                tx.respond(r);
            }
        }
    }

    /**
     * A re-INVITE from either side (hold, resume, new media address, session refresh) is relayed
     * to the other leg as a re-INVITE of that dialog, its SDP rewritten both ways (MED-6); one at a
     * time per call (RFC 3261 §14.1: 491 for a second).
     */
    private void relayReinvite(ServerTransaction tx, boolean fromClient) {
        if (state != State.CONFIRMED || pendingReinvite != null) {
            respond(tx, Response.REQUEST_PENDING, "Request Pending");
            return;
        }
        DialogLeg out = fromClient ? carrierLeg : clientLeg;
        byte[] body = tx.request().getRawContent();
        try {
            byte[] outSdp = null;
            SdpOffer offer = null;
            SdpCrypto offeredCrypto = null;
            if (body != null && body.length > 0) {
                offer = SdpRewriter.parse(body);
                if (fromClient && clientCrypto != null) {
                    offeredCrypto = SdpCrypto.select(offer.cryptoAttributes());
                }
                outSdp = fromClient ? towardCarrier(body) : towardClient(body);
            }
            SIPRequest reinvite = out.newRequest(Request.INVITE);
            if (outSdp != null) {
                reinvite.setContent(outSdp, sdpType());
            }
            pendingReinvite = tx;
            ctx.transactions().sendRequest(reinvite, out.destination(),
                    new ReinviteListener(tx, fromClient, out, out.localCseq(), offer, offeredCrypto));
        } catch (SdpException e) {
            respond(tx, Response.NOT_ACCEPTABLE_HERE, "Not Acceptable Here: " + e.getMessage());
        } catch (ParseException e) {
            respond(tx, Response.SERVER_INTERNAL_ERROR, "Server Internal Error");
        }
    }

    private final class ReinviteListener implements ClientTransactionListener {
        private final ServerTransaction requester;
        private final boolean fromClient;
        private final DialogLeg out;
        private final long cseq;
        /** The new offer and SRTP key; applied to the relay only once the other side accepts (RFC 3261 §14.1). */
        private final SdpOffer offer;
        private final SdpCrypto offeredCrypto;

        ReinviteListener(ServerTransaction requester, boolean fromClient, DialogLeg out, long cseq, SdpOffer offer,
                         SdpCrypto offeredCrypto) {
            this.requester = requester;
            this.fromClient = fromClient;
            this.out = out;
            this.cseq = cseq;
            this.offer = offer;
            this.offeredCrypto = offeredCrypto;
        }

        /** The accepted offer takes effect: new remote address, hold state and client key. */
        private void applyOffer() {
            if (offer == null || state == State.ENDED) {
                return;
            }
            if (offeredCrypto != null) {
                clientCrypto = offeredCrypto;
                media.clientLeg().enableSrtp(clientCrypto.key(), relayCrypto.key());
            }
            (fromClient ? media.clientLeg() : media.carrierLeg()).setRemoteRtp(offer.audioRtp());
            media.setHold(offer.isOnHold());
        }

        @Override
        public void onProvisional(ClientTransaction tx, SIPResponse r) {
        }

        @Override
        public void onFinal(ClientTransaction tx, SIPResponse r) {
            pendingReinvite = null;
            int code = r.getStatusCode();
            if (code / 100 != 2) {
                respond(requester, code, r.getReasonPhrase());
                return;
            }
            try {
                ctx.transactions().sendAck(out.ack(cseq), out.destination());
                applyOffer();
                SIPResponse ok = requester.request().createResponse(Response.OK);
                ok.addHeader(DialogLeg.HEADERS.createContactHeader(DialogLeg.contact(ctx.parts().sender(), requester.source())));
                byte[] body = r.getRawContent();
                if (body != null && body.length > 0 && state != State.ENDED) {
                    SdpOffer answer = SdpRewriter.parse(body);
                    (fromClient ? media.carrierLeg() : media.clientLeg()).setRemoteRtp(answer.audioRtp());
                    ok.setContent(fromClient ? towardClient(body) : towardCarrier(body), sdpType());
                }
                requester.respond(ok);
            } catch (SdpException e) {
                respond(requester, Response.NOT_ACCEPTABLE_HERE, "Not Acceptable Here: " + e.getMessage());
            } catch (ParseException e) {
                respond(requester, Response.SERVER_INTERNAL_ERROR, "Server Internal Error");
            }
        }

        @Override
        public void onTimeout(ClientTransaction tx) {
            pendingReinvite = null;
            respond(requester, Response.REQUEST_TIMEOUT, "Request Timeout");
        }

        @Override
        public void onTransportError(ClientTransaction tx, Exception e) {
            pendingReinvite = null;
            respond(requester, Response.SERVICE_UNAVAILABLE, "Service Unavailable");
        }
    }

    // ---- endings --------------------------------------------------------------------------

    /** Ends an answered call from the gateway's side: BYE to both legs. */
    void teardown(String reason, String hungUpBy) {
        if (state != State.ANSWERED && state != State.CONFIRMED) {
            return;
        }
        sendBye(clientLeg);
        sendBye(carrierLeg);
        end(reason, hungUpBy, Response.OK);
    }

    private void sendBye(DialogLeg leg) {
        try {
            SIPRequest bye = leg.newRequest(Request.BYE);
            ctx.transactions().sendRequest(bye, leg.destination(), IgnoringListener.INSTANCE);
        } catch (ParseException | RuntimeException e) {
            log.warn("call {}: cannot send BYE on {}", clientCallId, leg.callId(), e);
        }
    }

    /** Refuses or fails the call before answer: final response to the client, then clean up. */
    private void refuse(int code, String reason, String outcome) {
        if (state == State.ENDED) {
            return;
        }
        if (!cancelled || code == Response.REQUEST_TERMINATED) {
            inviteTx.respond(clientResponseOrPlain(code, reason));
        }
        ctx.parts().metrics().callAttempt(outcome);
        ctx.parts().metrics().responseSent(code);
        log.info("call {}: {} {} ({})", clientCallId, code, reason, outcome);
        end(outcome, cancelled ? "caller" : "gateway", code);
    }

    private void end(String cause, String hungUpBy, int sipCode) {
        if (state == State.ENDED) {
            return;
        }
        boolean wasAnswered = answeredAt != null;
        state = State.ENDED;
        cancel(okRetransmit);
        cancel(ackTimeout);
        cancel(reserveTimer);
        cancel(teardownTimer);
        Instant now = ctx.parts().timers().now();
        MediaQuality quality = null;
        if (media != null) {
            quality = quality(media.stats());
            media.closeAsync();
        }
        releaseTrunk();
        if (wasAnswered) {
            ctx.parts().metrics().teardown(cause);
        }
        ctx.parts().metrics().callEnded();
        ctx.registry().remove(this, inviteTx, dialogKeys);
        MDC.remove("callId");
        CallRecord record = new CallRecord(clientCallId, caller, callee, trunk == null ? null : trunk.name(),
                startedAt, answeredAt, now, wasAnswered ? Duration.between(answeredAt, now).toMillis() : 0, 0, null,
                sipCode, cause, hungUpBy, details(0, null, quality));
        ChargingSession session = charging;
        MediaQuality measured = quality;
        // Settling waits for the journal: it runs on the charging executor, and the call record
        // (with what was charged) is written once the money has moved.
        ctx.parts().chargingExecutor().execute(() -> settle(session, wasAnswered, now, record, measured));
    }

    /** Debits (or releases) the call's charging session, then writes its record. Charging executor. */
    private void settle(ChargingSession session, boolean answered, Instant endedAt, CallRecord record,
                        MediaQuality quality) {
        CallRecord settled = record;
        if (session != null) {
            try {
                if (answered) {
                    ChargeResult result = session.end(endedAt);
                    Money amount = result.amount();
                    ctx.parts().metrics().charged(amount.currency(), amount.micros());
                    settled = new CallRecord(record.callId(), record.caller(), record.callee(), record.trunk(),
                            record.start(), record.answer(), record.end(), record.durationMillis(),
                            result.billedSeconds(), amount, record.sipCode(), record.disconnectCause(),
                            record.hungUpBy(), details(result.billedSeconds(), session.record(), quality));
                } else {
                    session.release();
                }
            } catch (RuntimeException e) {
                // The journal failed: the engine keeps the reservation, and its TTL returns it.
                log.error("call {}: charging could not settle the call", clientCallId, e);
            }
        }
        try {
            ctx.parts().callRecords().write(settled);
        } catch (RuntimeException e) {
            log.error("call {}: call record not written", clientCallId, e);
        }
    }

    private void releaseQuietly(ChargingSession session) {
        try {
            session.release();
        } catch (RuntimeException e) {
            log.error("call {}: charging could not release the reservation", clientCallId, e);
        }
    }

    /** Runs {@code task} on the SIP core thread, where all call state lives. */
    private void onCore(Runnable task) {
        ctx.parts().timers().schedule(Duration.ZERO, task);
    }

    private CallDetails details(long billedSeconds, ChargedCall charged, MediaQuality quality) {
        Money buyRate = null;
        Money buyCost = null;
        if (candidate != null && candidate.priced() && charging != null) {
            String currency = charging.rate().currency();
            buyRate = Money.ofMicros(candidate.buyRateMicros(), currency);
            buyCost = Money.ofMicros(Rounding.incrementCostMicros(candidate.buyRateMicros(), billedSeconds), currency);
        }
        return new CallDetails(number == null ? null : number.regionCode(),
                number == null ? null : number.type().name(), buyRate, buyCost, charged, quality);
    }

    private static MediaQuality quality(SessionStats stats) {
        return new MediaQuality(direction(stats.clientToCarrier()), direction(stats.carrierToClient()));
    }

    private static MediaQuality.Direction direction(DirectionStats d) {
        return new MediaQuality.Direction(d.packets(), d.bytes(), d.rtpLost(), Math.round(d.jitterMillis() * 1000));
    }

    // ---- helpers --------------------------------------------------------------------------

    /** The SDP of a carrier response, learnt by the relay and rewritten for the client; null without a body. */
    private byte[] answerSdpFor(SIPResponse r) throws SdpException {
        byte[] body = r.getRawContent();
        if (body == null || body.length == 0) {
            return null;
        }
        media.carrierLeg().setRemoteRtp(SdpRewriter.parse(body).audioRtp());
        return towardClient(body);
    }

    /** Rewrites SDP from the client for the carrier: relay address, and plain RTP when the client leg is SRTP. */
    private byte[] towardCarrier(byte[] sdp) throws SdpException {
        InetSocketAddress relay = media.carrierLeg().localRtp();
        return clientCrypto == null ? SdpRewriter.rewrite(sdp, relay) : SdpRewriter.rewriteToPlainRtp(sdp, relay);
    }

    /** Rewrites SDP from the carrier for the client: relay address, and the relay's own SDES key when SRTP. */
    private byte[] towardClient(byte[] sdp) throws SdpException {
        InetSocketAddress relay = media.clientLeg().localRtp();
        return clientCrypto == null ? SdpRewriter.rewrite(sdp, relay) : SdpRewriter.rewriteToSrtp(sdp, relay, relayCrypto);
    }

    private void onMediaTimeout(MediaEvent event) {
        if (state == State.ANSWERED || state == State.CONFIRMED) {
            log.info("call {}: no media for {}, hanging up", clientCallId, event.silence());
            teardown("media_timeout", "gateway");
        }
    }

    private SIPResponse clientResponse(int code, String reason) throws ParseException {
        SIPResponse r = clientInvite.createResponse(code, reason);
        r.getTo().setTag(clientTag);
        r.addHeader(DialogLeg.HEADERS.createContactHeader(DialogLeg.contact(ctx.parts().sender(), clientSource)));
        return r;
    }

    private SIPResponse clientResponseOrPlain(int code, String reason) {
        try {
            SIPResponse r = clientInvite.createResponse(code, reason);
            r.getTo().setTag(clientTag);
            return r;
        } catch (ParseException e) {
            return clientInvite.createResponse(code);
        }
    }

    private URI clientTarget() {
        Contact contact = (Contact) clientInvite.getHeader(ContactHeader.NAME);
        if (contact != null && contact.getAddress() != null) {
            return contact.getAddress().getURI();
        }
        return clientInvite.getFrom().getAddress().getURI();
    }

    private static ContentTypeHeader sdpType() throws ParseException {
        return DialogLeg.HEADERS.createContentTypeHeader("application", "sdp");
    }

    private static void respond(ServerTransaction tx, int code, String reason) {
        tx.respond(tx.request().createResponse(code, reason));
    }

    private static void cancel(Timeout t) {
        if (t != null) {
            t.cancel();
        }
    }

    static String userOf(URI uri) {
        if (uri instanceof SipURI sip) {
            return sip.getUser() == null ? "" : sip.getUser();
        }
        if (uri != null && "tel".equalsIgnoreCase(uri.getScheme())) {
            String s = uri.toString();
            int colon = s.indexOf(':');
            int semi = s.indexOf(';');
            return s.substring(colon + 1, semi < 0 ? s.length() : semi);
        }
        return "";
    }

    /** Listener for transactions whose outcome does not change the call (BYE, CANCEL). */
    enum IgnoringListener implements ClientTransactionListener {
        INSTANCE;

        @Override
        public void onProvisional(ClientTransaction tx, SIPResponse r) {
        }

        @Override
        public void onFinal(ClientTransaction tx, SIPResponse r) {
        }

        @Override
        public void onTimeout(ClientTransaction tx) {
        }

        @Override
        public void onTransportError(ClientTransaction tx, Exception e) {
        }
    }
}
