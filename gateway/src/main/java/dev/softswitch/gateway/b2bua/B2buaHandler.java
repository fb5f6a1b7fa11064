package dev.softswitch.gateway.b2bua;

import dev.softswitch.charging.cdr.CallRecordWriter;
import dev.softswitch.charging.session.ChargingEngine;
import dev.softswitch.gateway.account.SubscriberDirectory;
import dev.softswitch.gateway.auth.ClientVersionCheck;
import dev.softswitch.gateway.auth.DigestAuthenticator;
import dev.softswitch.gateway.auth.DigestGate;
import dev.softswitch.gateway.auth.Throttle;
import dev.softswitch.gateway.config.SessionTimersConfig;
import dev.softswitch.gateway.config.ThrottleConfig;
import dev.softswitch.gateway.metrics.GatewayMetrics;
import dev.softswitch.gateway.registrar.Registrar;
import dev.softswitch.gateway.routing.RoutingService;
import dev.softswitch.gateway.time.TimerService;
import dev.softswitch.gateway.transaction.ServerTransaction;
import dev.softswitch.gateway.transaction.TimerSettings;
import dev.softswitch.gateway.transaction.TransactionLayer;
import dev.softswitch.gateway.transaction.TransactionUser;
import dev.softswitch.gateway.transport.Endpoint;
import dev.softswitch.gateway.transport.SipSender;
import dev.softswitch.gateway.transport.TransportType;
import gov.nist.javax.sip.header.Allow;
import gov.nist.javax.sip.header.AllowList;
import gov.nist.javax.sip.header.SIPHeader;
import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import io.micrometer.core.instrument.Gauge;
import java.net.InetSocketAddress;
import java.text.ParseException;
import java.util.List;
import java.util.ListIterator;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import javax.sip.header.RequireHeader;
import javax.sip.header.UserAgentHeader;
import javax.sip.header.ViaHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transaction user of the gateway: a new INVITE becomes a {@link Call} once its credentials
 * prove an account, a REGISTER binds the account's contacts ({@link Registrar}); in-dialog requests
 * are matched to their call by dialog (Call-ID plus the gateway's tag); everything else gets the
 * answer RFC 3261 gives it (OPTIONS 200, known but unsupported methods 405 with Allow, unknown
 * methods 501, out-of-dialog BYE, UPDATE or INFO 481, Max-Forwards 0 483, a request of ours that
 * came back 482, a required extension other than {@code timer} 420, a session interval under Min-SE
 * 422). Sources are checked first ({@link SourceAcl}): an in-dialog request from anyone but the dialog's peer gets the
 * same 481 as an unknown dialog; an INVITE from a trunk that takes no inbound calls gets 403. SIP core thread only.
 */
public final class B2buaHandler implements TransactionUser {

    private static final Logger log = LoggerFactory.getLogger(B2buaHandler.class);
    private static final List<String> ALLOWED = List.of("INVITE", "ACK", "CANCEL", "BYE", "OPTIONS", "INFO", "UPDATE",
            "REGISTER");
    /** The Allow header of ALLOWED, built once (a copy goes into each message). */
    private static final AllowList ALLOW = allowList();
    /** {@link #ALLOW} as the header line it encodes to, without its CRLF. */
    static final String ALLOW_LINE = ALLOW.encode().trim();
    /** Extensions a client may require (RFC 3261 §8.2.2.3): session timers (RFC 4028). */
    private static final Set<String> SUPPORTED = Set.of(SessionTimers.OPTION_TAG);
    /** Bindings the registrar holds at most, over all accounts. */
    private static final int MAX_REGISTRATIONS = 200_000;
    /** Methods this gateway knows (RFC 3261 and its common extensions) but does not serve. */
    private static final Set<String> KNOWN_METHODS = Set.of(
            "SUBSCRIBE", "NOTIFY", "MESSAGE", "REFER", "PRACK", "PUBLISH");

    private final Builder parts;
    private final DigestGate gate;
    private final Registrar registrar;
    private final CallRegistry registry = new CallRegistry();
    private final SourceAcl acl;
    private Call.Wiring wiring;

    private B2buaHandler(Builder parts) {
        this.parts = parts;
        this.acl = new SourceAcl(parts.routing, parts.metrics);
        Throttle throttle = parts.throttle != null ? parts.throttle
                : new Throttle(ThrottleConfig.DEFAULTS, parts.timers::now, parts.metrics);
        this.gate = new DigestGate(parts.authenticator, throttle, parts.metrics);
        this.registrar = new Registrar(parts.timers, MAX_REGISTRATIONS);
        Gauge.builder("sip.registrations", registrar, Registrar::bindings)
                .description("Contacts bound by authenticated REGISTERs").register(parts.metrics.registry());
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Completes the wiring with the transaction layer that delivers to this handler. */
    public void bind(TransactionLayer transactions) {
        Signalling sip = new Signalling(parts.sender, transactions, parts.timers, parts.timerSettings);
        CallCharging.Desk charging = new CallCharging.Desk(parts.engine, parts.chargingExecutor, parts.chargingSteps,
                parts.timers, parts.callRecords, parts.metrics);
        this.wiring = new Call.Wiring(sip, charging, parts.relay, parts.routing, parts.subscribers, parts.metrics,
                registry, parts.sdesWithoutTls, parts.sessionTimers);
    }

    /** Calls in progress (routing, ringing or answered). */
    public int activeCalls() {
        return registry.size();
    }

    /** The calls in progress (SIP core thread). */
    public List<LiveCall> liveCalls() {
        return registry.calls().stream().map(Call::live).toList();
    }

    /**
     * Ends the live call {@code callId} from the gateway's side with cause {@code reason}: answered, BYE on both
     * legs; still being set up, 480 to the client and CANCEL to the carrier. Charging settles it as for any other
     * end. False when there is no such call (SIP core thread).
     */
    public boolean hangUp(String callId, String reason) {
        for (Call call : registry.calls()) {
            if (call.live().callId().equals(callId)) {
                call.stop(reason, new Refusal(Response.TEMPORARILY_UNAVAILABLE, "Call Ended By The Operator", reason));
                return true;
            }
        }
        return false;
    }

    /**
     * Ends every call of {@code account} (its account was suspended, FUP-2): answered ones with BYE on both legs
     * (cause {@code reason}), ones still being set up with 403 {@code phrase} and CANCEL to the carrier. Charging
     * settles each as for any other end (SIP core thread).
     */
    public int hangUpAccount(String account, String reason, String phrase) {
        Refusal refusal = new Refusal(Response.FORBIDDEN, phrase, reason);
        int ended = 0;
        for (Call call : List.copyOf(registry.calls())) {
            if (account.equals(call.live().account())) {
                call.stop(reason, refusal);
                ended++;
            }
        }
        return ended;
    }

    /** Ends every answered call with BYE on both legs (shutdown). */
    public void hangUpAll(String reason) {
        hangUpAll(reason, Response.SERVICE_UNAVAILABLE, "Service Unavailable");
    }

    /**
     * Ends every call: answered ones with BYE on both legs (cause {@code reason}), ones still being set up with
     * {@code code} and {@code phrase} to the client and CANCEL to the carrier.
     */
    public void hangUpAll(String reason, int code, String phrase) {
        Refusal refusal = new Refusal(code, phrase, reason);
        for (Call call : List.copyOf(registry.calls())) {
            call.stop(reason, refusal);
        }
    }

    @Override
    public void onRequest(ServerTransaction tx) {
        SIPRequest request = tx.request();
        String method = request.getMethod();
        try {
            String toTag = request.getToTag();
            if (toTag != null) {
                CallRegistry.LegRef leg = registry.find(request.getCallId().getCallId(), toTag);
                if (leg == null || !acl.admitsInDialog(leg.peer(), tx.source(), method)) {
                    respond(tx, Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST, "Call/Transaction Does Not Exist");
                } else {
                    leg.call().onInDialogRequest(tx, leg.clientSide());
                }
                return;
            }
            if (looped(request)) {
                // RFC 3261 §8.2.2.2 / §16.3: our own request came back to us.
                respond(tx, Response.LOOP_DETECTED, "Loop Detected");
                return;
            }
            if (Request.INVITE.equals(method) && !acl.admitsNewCall(tx.source())) {
                respond(tx, Response.FORBIDDEN, "Inbound Calls Not Accepted From Trunks");
                return;
            }
            if (request.getMaxForwards() != null && request.getMaxForwards().getMaxForwards() <= 0
                    && !Request.OPTIONS.equals(method)) {
                respond(tx, Response.TOO_MANY_HOPS, "Too Many Hops");
                return;
            }
            List<String> required = requiredExtensions(request);
            if (!required.isEmpty() && !Request.CANCEL.equals(method) && !Request.ACK.equals(method)) {
                // RFC 3261 §8.2.2.3: the gateway supports no extension a client may require (100rel,
                // timer …), so it refuses the request and names them.
                SIPResponse r = request.createResponse(Response.BAD_EXTENSION, "Bad Extension");
                for (String option : required) {
                    r.addHeader(DialogLeg.HEADERS.createUnsupportedHeader(option));
                }
                tx.respond(r);
                return;
            }
            Optional<SIPResponse> refused = RequestChecks.refusal(request);
            if (refused.isPresent()) {
                tx.respond(refused.get());
                return;
            }
            switch (method) {
                case Request.INVITE -> {
                    if (parts.overload.refuseNewCall(
                            parts.overload.overloaded() && gate.answersFreshChallenge(request, true))) {
                        SIPResponse busy = request.createResponse(Response.SERVICE_UNAVAILABLE, "Overloaded");
                        busy.addHeader(DialogLeg.HEADERS.createRetryAfterHeader(Refusal.RETRY_AFTER_SECONDS));
                        tx.respond(busy);
                        parts.metrics.callAttempt("overload");
                        parts.metrics.responseSent(Response.SERVICE_UNAVAILABLE);
                    } else if (SessionTimers.refusal(request, parts.sessionTimers) != null) {
                        tx.respond(SessionTimers.refusal(request, parts.sessionTimers)); // 422 with Min-SE (RFC 4028)
                    } else if (!outdated(tx)) {
                        // The caller is the account its credentials prove, never From (SIG-4).
                        gate.admit(tx, true).ifPresent(account -> new Call(wiring, tx, account).start());
                    }
                }
                // RFC 3261 §10.3: a REGISTER is authenticated (401) and binds the account's contacts.
                case Request.REGISTER -> {
                    if (!outdated(tx)) {
                        gate.admit(tx, false).ifPresent(account -> registrar.register(tx, account));
                    }
                }
                case Request.OPTIONS -> {
                    SIPResponse ok = request.createResponse(Response.OK);
                    addAllow(ok);
                    tx.respond(ok);
                }
                case Request.BYE, Request.UPDATE, Request.INFO ->
                        respond(tx, Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST, "Call/Transaction Does Not Exist");
                default -> {
                    if (KNOWN_METHODS.contains(method)) {
                        SIPResponse r = request.createResponse(Response.METHOD_NOT_ALLOWED);
                        addAllow(r);
                        tx.respond(r);
                    } else {
                        respond(tx, Response.NOT_IMPLEMENTED, "Not Implemented: method " + method + " is not supported");
                    }
                }
            }
        } catch (javax.sip.InvalidArgumentException | ParseException e) {
            respond(tx, Response.SERVER_INTERNAL_ERROR, "Server Internal Error");
        } catch (RuntimeException e) {
            log.error("request {} {} failed", method, request.getCallId().getCallId(), e);
            respond(tx, Response.SERVER_INTERNAL_ERROR, "Server Internal Error");
        }
    }

    @Override
    public void onAck(SIPRequest ack, Endpoint source) {
        CallRegistry.LegRef leg = registry.find(ack.getCallId().getCallId(), ack.getToTag());
        if (leg != null && leg.clientSide() && acl.admitsInDialog(leg.peer(), source, Request.ACK)) {
            leg.call().onClientAck();
        }
    }

    @Override
    public void onCancel(ServerTransaction cancelTx, ServerTransaction inviteTx) {
        Call call = registry.byInvite(inviteTx);
        if (call == null) {
            respond(cancelTx, Response.OK, "OK");
            return;
        }
        if (!acl.admitsInDialog(DialogPeer.connection(inviteTx.source()), cancelTx.source(), Request.CANCEL)) {
            respond(cancelTx, Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST, "Call/Transaction Does Not Exist");
            return;
        }
        call.onClientCancel(cancelTx);
    }

    @Override
    public void onInviteEnded(ServerTransaction inviteTx) {
        registry.forgetInvite(inviteTx);
    }

    @Override
    public void onStrayResponse(SIPResponse response, Endpoint source) {
        if (response.getStatusCode() / 100 != 2 || !Request.INVITE.equals(response.getCSeq().getMethod())) {
            return;
        }
        CallRegistry.LegRef leg = registry.find(response.getCallId().getCallId(), response.getFromTag());
        if (leg != null && !leg.clientSide() && leg.peer().admits(source)) {
            leg.call().onCarrierOkRetransmission(response);
        }
    }

    /** Refuses a client older than the minimum version of its platform (SIG-6); true when it did. */
    private boolean outdated(ServerTransaction tx) {
        javax.sip.header.Header ua = tx.request().getHeader(UserAgentHeader.NAME);
        Optional<String> refusal = parts.clients.refusal(ua instanceof SIPHeader h ? h.getHeaderValue() : null);
        if (refusal.isEmpty()) {
            return false;
        }
        respond(tx, Response.FORBIDDEN, refusal.get());
        if (Request.INVITE.equals(tx.request().getMethod())) {
            parts.metrics.callAttempt("client_outdated");
            parts.metrics.responseSent(Response.FORBIDDEN);
        }
        return true;
    }

    private static List<String> requiredExtensions(SIPRequest request) {
        List<String> options = new java.util.ArrayList<>();
        java.util.ListIterator<?> it = request.getHeaders(RequireHeader.NAME);
        while (it != null && it.hasNext()) {
            String tag = ((RequireHeader) it.next()).getOptionTag();
            if (tag != null && !tag.isBlank()) {
                if (!SUPPORTED.contains(tag.trim().toLowerCase(Locale.ROOT))) {
                    options.add(tag.trim());
                }
            }
        }
        return options;
    }

    /**
     * A request that went out from here and came back: a Via below the sender's carries a branch of one of
     * the gateway's own client transactions, with the gateway's own address as sent-by.
     */
    private boolean looped(SIPRequest request) {
        ViaHeader top = request.getTopmostViaHeader();
        for (ListIterator<?> it = request.getHeaders(ViaHeader.NAME); it.hasNext(); ) {
            ViaHeader via = (ViaHeader) it.next();
            if (via == top || via.getBranch() == null) {
                continue;
            }
            if (wiring.sip().transactions().isOwnBranch(via.getBranch(), request.getMethod()) && ownSentBy(via)) {
                return true;
            }
        }
        return false;
    }

    private boolean ownSentBy(ViaHeader via) {
        for (TransportType t : TransportType.values()) {
            try {
                InetSocketAddress local = parts.sender.localAddress(t);
                if (local != null && local.getPort() == via.getPort()
                        && local.getHostString().equalsIgnoreCase(via.getHost())) {
                    return true;
                }
            } catch (RuntimeException e) {
                // no listen point for this transport
            }
        }
        return false;
    }

    /** Adds the methods this gateway serves as Allow (RFC 3261 §20.5), one value each, to a response or request. */
    static void addAllow(SIPMessage message) {
        message.addHeader((AllowList) ALLOW.clone());
    }

    private static AllowList allowList() {
        AllowList list = new AllowList();
        try {
            for (String method : ALLOWED) {
                list.add((Allow) DialogLeg.HEADERS.createAllowHeader(method));
            }
        } catch (ParseException e) {
            throw new IllegalStateException(e);
        }
        return list;
    }

    private static void respond(ServerTransaction tx, int code, String reason) {
        Signalling.respond(tx, code, reason);
    }

    /** The parts a handler is wired to; the transaction layer comes later, in {@link #bind}. */
    public static final class Builder {
        private SipSender sender;
        private TimerService timers;
        private TimerSettings timerSettings;
        private DigestAuthenticator authenticator;
        private Throttle throttle;
        private ChargingEngine engine;
        private Executor chargingExecutor;
        private Executor chargingSteps;
        private CallRecordWriter callRecords;
        private RelayPorts relay;
        private RoutingService routing;
        private Supplier<SubscriberDirectory> subscribers;
        private GatewayMetrics metrics;
        private OverloadGuard overload;
        private ClientVersionCheck clients = ClientVersionCheck.NONE;
        private boolean sdesWithoutTls;
        private SessionTimersConfig sessionTimers = SessionTimersConfig.DEFAULTS;

        private Builder() {
        }

        /** Session timers (RFC 4028) asked for on both legs, and the shortest interval taken (422 below it). */
        public Builder sessionTimers(SessionTimersConfig sessionTimers) {
            this.sessionTimers = Objects.requireNonNull(sessionTimers, "sessionTimers");
            return this;
        }

        /** Which app client versions may call (SIG-6); by default every one. */
        public Builder clients(ClientVersionCheck clients) {
            this.clients = clients;
            return this;
        }

        /** How calls send SIP, and the SIP core's clock and RFC 3261 timer values. */
        public Builder sip(SipSender sender, TimerService timers, TimerSettings timerSettings) {
            this.sender = sender;
            this.timers = timers;
            this.timerSettings = timerSettings;
            return this;
        }

        /** How app clients prove which account they are (digest authentication, SIG-4). */
        public Builder auth(DigestAuthenticator authenticator) {
            this.authenticator = authenticator;
            return this;
        }

        /**
         * The throttle that counts failed authentications and bans (the same one the gateway consults
         * before the transaction layer); without one, a throttle on the default limits.
         */
        public Builder throttle(Throttle throttle) {
            this.throttle = throttle;
            return this;
        }

        /**
         * The charging engine, the executor where charging may block (the retries of a store that cannot be reached,
         * call records written to their file), the one charging steps run on ({@code executor} itself, or, for a store
         * whose steps never block — in memory, the journal's fsync owed rather than waited for — one that runs them on
         * the SIP core thread), and where call records go.
         */
        public Builder charging(ChargingEngine engine, Executor executor, Executor steps, CallRecordWriter callRecords) {
            this.engine = engine;
            this.chargingExecutor = Objects.requireNonNull(executor, "executor");
            this.chargingSteps = Objects.requireNonNull(steps, "steps");
            this.callRecords = callRecords;
            return this;
        }

        public Builder relay(RelayPorts relay) {
            this.relay = relay;
            return this;
        }

        /** Routing, and the accounts that may call (read per call, so a reload takes effect). */
        public Builder routing(RoutingService routing, Supplier<SubscriberDirectory> subscribers) {
            this.routing = routing;
            this.subscribers = subscribers;
            return this;
        }

        public Builder metrics(GatewayMetrics metrics) {
            this.metrics = metrics;
            return this;
        }

        public Builder overload(OverloadGuard overload) {
            this.overload = overload;
            return this;
        }

        /** Whether SDES keys ({@code a=crypto}) are accepted over UDP and TCP too, not only over TLS; off by default. */
        public Builder sdesWithoutTls(boolean allowed) {
            this.sdesWithoutTls = allowed;
            return this;
        }

        public B2buaHandler build() {
            Objects.requireNonNull(sender, "sip");
            Objects.requireNonNull(authenticator, "auth");
            Objects.requireNonNull(engine, "charging");
            Objects.requireNonNull(relay, "relay");
            Objects.requireNonNull(routing, "routing");
            Objects.requireNonNull(metrics, "metrics");
            Objects.requireNonNull(overload, "overload");
            return new B2buaHandler(this);
        }
    }
}
