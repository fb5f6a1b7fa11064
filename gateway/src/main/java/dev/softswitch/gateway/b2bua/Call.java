package dev.softswitch.gateway.b2bua;

import dev.softswitch.charging.cdr.MediaQuality;
import dev.softswitch.gateway.account.Subscriber;
import dev.softswitch.gateway.account.SubscriberDirectory;
import dev.softswitch.gateway.config.SessionTimersConfig;
import dev.softswitch.gateway.metrics.GatewayMetrics;
import dev.softswitch.gateway.routing.PhoneNumberInfo;
import dev.softswitch.gateway.routing.RouteDecision;
import dev.softswitch.gateway.routing.RoutingService;
import dev.softswitch.gateway.routing.TrunkCandidate;
import dev.softswitch.gateway.sdp.SdpException;
import dev.softswitch.gateway.transaction.ServerTransaction;
import gov.nist.javax.sip.message.SIPResponse;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One back-to-back call: the app client's leg (gateway as UAS) bridged to a carrier leg (gateway as
 * UAC). A coordinator over rooms with one concern each: {@link ClientLeg}, {@link CarrierAttempts}
 * (serial failover, ring timeout), {@link ReinviteRelay} (re-INVITE, UPDATE), {@link InfoRelay},
 * {@link SessionTimers} (RFC 4028 on both legs), {@link CallMedia} (SDP and the relay's ports),
 * {@link CallCharging} (money, off the SIP core thread) and the call record; the steps between its
 * {@link CallState}s are checked. SIP core thread.
 *
 * <p>A call goes: SDP offer read → caller's account → routing decision → charging authorises the
 * first increment → relay ports bound → carrier attempts → answer → charged increment by increment →
 * ended by either side, by the gateway (credit, media timeout, missing ACK, session timer) → settled and
 * recorded.
 */
final class Call implements CarrierAttempts.Events {

    private static final Logger log = LoggerFactory.getLogger(Call.class);

    /** What every call is wired to. */
    record Wiring(Signalling sip, CallCharging.Desk charging, RelayPorts relay, RoutingService routing,
                  Supplier<SubscriberDirectory> subscribers, GatewayMetrics metrics, CallRegistry registry,
                  boolean sdesWithoutTls, SessionTimersConfig sessionTimers) {
    }

    private final Wiring wiring;
    private final ClientLeg client;
    private final CarrierAttempts carrier;
    private final CallCharging charging;
    private final SessionTimers sessions;
    private final CallTally tally;
    private final Instant startedAt;
    private CallState state = CallState.ROUTING;
    private CallMedia media;
    private ReinviteRelay reinvites;
    private final InfoRelay infos;
    private String caller;
    private String callee;
    private PhoneNumberInfo number;
    private Instant answeredAt;
    private boolean cancelled;

    /** A call placed by {@code account}, the account the client's credentials proved (never its From). */
    Call(Wiring wiring, ServerTransaction inviteTx, String account) {
        this.wiring = wiring;
        this.client = new ClientLeg(wiring.sip(), inviteTx);
        this.sessions = new SessionTimers(wiring.sip().timers(), wiring.sessionTimers(),
                clientSide -> guarded(() -> reinvites.refresh(clientSide)),
                () -> guarded(() -> teardown("session_timer_expired", "gateway")));
        sessions.offeredByClient(inviteTx.request());
        this.startedAt = wiring.sip().timers().now();
        this.tally = new CallTally(wiring.metrics(), startedAt);
        this.carrier = new CarrierAttempts(wiring.sip(), wiring.routing(), client.callId(), sessions, tally, this);
        this.infos = new InfoRelay(wiring.sip(), clientSide -> clientSide ? client.dialog() : carrier.leg());
        this.charging = wiring.charging().open(client.callId());
        this.caller = account;
        this.callee = client.callee();
    }

    CallState state() {
        return state;
    }

    LiveCall live() {
        TrunkCandidate trunk = carrier.candidate();
        return new LiveCall(client.callId(), caller, callee, state.name(), startedAt, answeredAt,
                trunk == null ? null : trunk.trunk().name());
    }

    /** Reads the offer, finds the caller and the route, and asks charging for the first increment; or refuses the call. */
    void start() {
        wiring.registry().add(this, client.inviteTx());
        wiring.metrics().callStarted();
        guarded(this::route);
    }

    private void route() {
        try {
            // Malformed or unsupported SDP is answered before any routing or money is touched.
            media = CallMedia.forOffer(client.offer());
        } catch (SdpException e) {
            refuse(Refusal.badSdp(e.getMessage()));
            return;
        }
        if (media.isSrtp() && !client.overTls() && !wiring.sdesWithoutTls()) {
            refuse(Refusal.sdesWithoutTls()); // RFC 4568 §8.1: keys in clear text are anyone's
            return;
        }
        reinvites = new ReinviteRelay(wiring.sip(), media, sessions,
                clientSide -> clientSide ? client.dialog() : carrier.leg());
        Optional<Subscriber> subscriber = wiring.subscribers().get().find(caller);
        if (subscriber.isEmpty()) {
            refuse(Refusal.unknownAccount());
            return;
        }
        String verifiedNumber = subscriber.get().verifiedNumber();
        String country = subscriber.get().country();
        if (country == null && verifiedNumber != null) {
            country = wiring.routing().countryOf(verifiedNumber).orElse(null);
        }
        RouteDecision decision = wiring.routing().route(country, callee, startedAt);
        if (decision instanceof RouteDecision.Refused refused) {
            if (refused.number() != null) {
                number = refused.number();
                callee = number.e164();
            }
            refuse(Refusal.of(refused.refusal()));
            return;
        }
        RouteDecision.Routed routed = (RouteDecision.Routed) decision;
        number = routed.number();
        callee = number.e164();
        charging.authorise(caller, number.digits(), () -> guarded(() -> onAuthorised(routed, verifiedNumber)),
                this::refuse);
    }

    /** The first increment is reserved: the relay binds the call's ports on its own thread, and the call goes on here. */
    private void onAuthorised(RouteDecision.Routed routed, String verifiedNumber) {
        if (state != CallState.ROUTING) {
            return;
        }
        wiring.relay().allocate(client.callId(), media.rtcpMux()).whenComplete((handle, error) -> wiring.sip().timers()
                .schedule(Duration.ZERO, () -> guarded(() -> onRelayPorts(handle, error, routed, verifiedNumber))));
    }

    private void onRelayPorts(RelayPorts.Handle handle, Throwable error, RouteDecision.Routed routed,
                              String verifiedNumber) {
        if (state != CallState.ROUTING) {
            // Cancelled (or failed) while the ports were being bound: give them back at once.
            if (handle != null) {
                handle.close();
            }
            return;
        }
        if (handle == null) {
            refuse(Refusal.noMediaPorts());
            return;
        }
        byte[] carrierOffer;
        try {
            carrierOffer = media.attach(handle, client.source().address().getAddress());
        } catch (SdpException e) {
            refuse(Refusal.badSdp(e.getMessage()));
            return;
        }
        try {
            wiring.registry().bindLeg(this, client.openDialog(), true);
        } catch (RuntimeException e) {
            log.warn("call {}: cannot build the client dialog", client.callId(), e);
            refuse(Refusal.internalError());
            return;
        }
        carrier.start(routed.candidates(), carrierOffer, verifiedNumber, client.nextHopMaxForwards());
    }

    // ---- carrier leg ----------------------------------------------------------------------

    @Override
    public boolean isRinging() {
        return state.isRinging() && !cancelled;
    }

    @Override
    public void onPlaced(DialogLeg leg, DialogLeg abandoned) {
        if (abandoned != null) {
            wiring.registry().unbind(abandoned);
        }
        wiring.registry().bindLeg(this, leg, false);
        media.placedOn(carrier.candidate().trunk());
        moveTo(CallState.CALLING);
        log.debug("call {}: {} -> {} via {} (carrier Call-ID {})", client.callId(), caller, callee,
                carrier.candidate().trunk().name(), leg.callId());
    }

    @Override
    public void onProvisional(SIPResponse r) {
        guarded(() -> provisional(r));
    }

    private void provisional(SIPResponse r) {
        tally.carrierResponded(r.getStatusCode(), wiring.sip().timers().now());
        byte[] sdp;
        try {
            sdp = media.fromCarrier(r.getRawContent());
        } catch (SdpException e) {
            log.info("call {}: carrier {} carries unusable SDP ({}); forwarded without body",
                    client.callId(), r.getStatusCode(), e.getMessage());
            sdp = null;
        }
        try {
            client.provisional(r.getStatusCode(), r.getReasonPhrase(), sdp);
            moveTo(CallState.EARLY);
        } catch (ParseException e) {
            log.warn("call {}: cannot map provisional response", client.callId(), e);
        }
    }

    @Override
    public void onAnswer(SIPResponse r) {
        guarded(() -> answered(r));
    }

    private void answered(SIPResponse r) {
        byte[] sdp;
        try {
            sdp = media.fromCarrier(r.getRawContent());
            if (sdp == null) {
                throw new SdpException("carrier answer has no SDP");
            }
        } catch (SdpException e) {
            wiring.sip().sendBye(carrier.leg());
            refuse(new Refusal(Response.BAD_GATEWAY, "Bad Gateway: " + e.getMessage(), "carrier_bad_sdp"));
            return;
        }
        sessions.answeredByCarrier(r);
        try {
            client.answer(sdp, this::onAckTimeout, sessions);
        } catch (ParseException e) {
            wiring.sip().sendBye(carrier.leg());
            refuse(Refusal.internalError());
            return;
        }
        moveTo(CallState.ANSWERED);
        answeredAt = wiring.sip().timers().now();
        tally.carrierResponded(r.getStatusCode(), answeredAt);
        sessions.start();
        wiring.metrics().callAttempt("answered");
        wiring.metrics().responseSent(Response.OK);
        media.answered(silence -> wiring.sip().timers().schedule(Duration.ZERO, () -> onMediaTimeout(silence)));
        charging.start(answeredAt, cause -> teardown(cause, "gateway"));
    }

    @Override
    public void onExhausted(Refusal last) {
        refuse(last);
    }

    /** A 2xx for the carrier INVITE arrived again, outside its transaction. */
    void onCarrierOkRetransmission(SIPResponse r) {
        carrier.onOkRetransmission(r);
    }

    // ---- client leg -----------------------------------------------------------------------

    void onClientAck() {
        if (state == CallState.ANSWERED) {
            moveTo(CallState.CONFIRMED);
            client.acknowledged();
        }
    }

    /** CANCEL for the client's INVITE (the transaction layer has matched it, RFC 3261 §9.2). */
    void onClientCancel(ServerTransaction cancelTx) {
        Signalling.respond(cancelTx, Response.OK, "OK");
        if (state != CallState.ROUTING && !state.isRinging()) {
            return;
        }
        cancelled = true;
        carrier.cancel();
        refuse(new Refusal(Response.REQUEST_TERMINATED, "Request Terminated", "cancelled"));
    }

    /** A request inside one of this call's dialogs. */
    void onInDialogRequest(ServerTransaction tx, boolean fromClient) {
        switch (tx.request().getMethod()) {
            case Request.BYE -> {
                Signalling.respond(tx, Response.OK, "OK");
                if (state.isAnswered()) {
                    wiring.sip().sendBye(fromClient ? carrier.leg() : client.dialog());
                    end(fromClient ? "caller_bye" : "callee_bye", fromClient ? "caller" : "callee", Response.OK);
                }
            }
            case Request.INVITE -> reinvites.relay(tx, fromClient, state == CallState.CONFIRMED);
            case Request.UPDATE -> reinvites.relay(tx, fromClient, state.isAnswered());
            case Request.INFO -> infos.relay(tx, fromClient, state.isAnswered());
            case Request.OPTIONS -> Signalling.respond(tx, Response.OK, "OK");
            default -> {
                SIPResponse r = tx.request().createResponse(Response.METHOD_NOT_ALLOWED);
                B2buaHandler.addAllow(r);
                tx.respond(r);
            }
        }
    }

    private void onAckTimeout() {
        if (state == CallState.ANSWERED) {
            log.info("call {}: client never acknowledged the 200 OK", client.callId());
            teardown("ack_timeout", "gateway");
        }
    }

    private void onMediaTimeout(Duration silence) {
        if (state.isAnswered()) {
            log.info("call {}: no media for {}, hanging up", client.callId(), silence);
            teardown("media_timeout", "gateway");
        }
    }

    // ---- endings --------------------------------------------------------------------------

    /** Ends an answered call from the gateway's side: BYE to both legs. */
    void teardown(String reason, String hungUpBy) {
        if (!state.isAnswered()) {
            return;
        }
        wiring.sip().sendBye(client.dialog());
        wiring.sip().sendBye(carrier.leg());
        end(reason, hungUpBy, Response.OK);
    }

    /**
     * Ends the call from the gateway's side whatever its state: an answered call with BYE on both legs, a call
     * still being set up with {@code beforeAnswer} to the client and CANCEL to the carrier.
     */
    void stop(String reason, Refusal beforeAnswer) {
        if (state.isAnswered()) {
            teardown(reason, "gateway");
        } else if (state != CallState.ENDED) {
            carrier.cancel();
            refuse(beforeAnswer);
        }
    }

    /** Refuses or fails the call before answer: final response to the client, then clean up. */
    private void refuse(Refusal r) {
        if (state == CallState.ENDED) {
            return;
        }
        if (!cancelled || r.code() == Response.REQUEST_TERMINATED) {
            client.refuse(r.code(), r.reason(), r.retryAfterSeconds());
        }
        wiring.metrics().callAttempt(r.outcome());
        wiring.metrics().responseSent(r.code());
        log.info("call {}: {} {} ({})", client.callId(), r.code(), r.reason(), r.outcome());
        end(r.outcome(), cancelled ? "caller" : "gateway", r.code());
    }

    private void end(String cause, String hungUpBy, int sipCode) {
        if (state == CallState.ENDED) {
            return;
        }
        boolean wasAnswered = state.isAnswered();
        moveTo(CallState.ENDED);
        client.stopTimers();
        sessions.stop();
        CompletableFuture<MediaQuality> quality = media == null ? CompletableFuture.completedFuture(null) : media.close();
        carrier.releaseTrunk();
        Instant endedAt = wiring.sip().timers().now();
        tally.ended(number, wasAnswered ? answeredAt : null, endedAt, cause);
        wiring.registry().remove(this);
        charging.settle(CallRecordSnapshot.of(client.callId(), caller, callee, carrier.candidate(), number, startedAt,
                answeredAt, endedAt, sipCode, cause, hungUpBy), quality);
    }

    /**
     * Runs one step of the call; an unexpected failure ends the call, so that it never stays
     * registered with its reservation, ports and trunk channel held.
     */
    private void guarded(Runnable step) {
        try {
            step.run();
        } catch (RuntimeException e) {
            log.error("call {}: unexpected failure, ending the call", client.callId(), e);
            if (state.isAnswered()) {
                teardown("internal_error", "gateway");
            } else {
                refuse(Refusal.internalError());
            }
        }
    }

    private void moveTo(CallState next) {
        state = state.check(next);
    }
}
