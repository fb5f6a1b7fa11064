package dev.softswitch.gateway.b2bua;

import dev.softswitch.gateway.config.SessionTimersConfig;
import dev.softswitch.gateway.sip.HeaderCopies;
import dev.softswitch.gateway.time.Timeout;
import dev.softswitch.gateway.time.TimerService;
import gov.nist.javax.sip.header.SIPHeader;
import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import java.text.ParseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.ListIterator;
import java.util.Locale;
import java.util.function.Consumer;
import javax.sip.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Session timers (RFC 4028) on both legs of one call, each leg on its own terms: the interval and who
 * refreshes, the client leg's from the client's INVITE (the gateway is its UAS), the carrier leg's from
 * the carrier's 2xx (the gateway is its UAC). A refresh is any re-INVITE or UPDATE answered 2xx on a
 * leg; one passed through from the other side refreshes both. Where the gateway is the refresher it
 * sends an UPDATE at half the interval unless something else refreshed the leg first; where the peer
 * is, the leg expires {@code interval - min(32, interval / 3)} seconds after its last refresh (§10) and
 * the call ends. SIP core thread.
 */
final class SessionTimers {

    static final String OPTION_TAG = "timer";
    static final String SESSION_EXPIRES = "Session-Expires";
    static final String MIN_SE = "Min-SE";
    /** The longest interval taken: a day (longer ones are refused 400, never scheduled). */
    private static final int MAX_INTERVAL = 86_400;
    private static final Logger log = LoggerFactory.getLogger(SessionTimers.class);

    /** A Session-Expires value: seconds, and {@code uac}, {@code uas} or null for who refreshes. */
    record Interval(int seconds, String refresher) {
    }

    private final TimerService timers;
    private final SessionTimersConfig config;
    /** Sends a refresh on a leg (true: the client's) whose refresher the gateway is, half its interval after the last. */
    private final Consumer<Boolean> refresh;
    /** Ends the call: a leg's session expired, or a refresh of the gateway's got 408 or 481. */
    private final Runnable expired;
    private final Leg client = new Leg(true);
    private final Leg carrier = new Leg(false);
    private boolean running;
    /** What the carrier's 422 asked for (0: none). */
    private int carrierAsk;

    SessionTimers(TimerService timers, SessionTimersConfig config, Consumer<Boolean> refresh, Runnable expired) {
        this.timers = timers;
        this.config = config;
        this.refresh = refresh;
        this.expired = expired;
    }

    SessionTimersConfig config() {
        return config;
    }

    /**
     * RFC 4028 §8.1 and §10: a request asking for less than the gateway's Min-SE gets 422 naming it; an
     * unreadable Session-Expires gets 400. Returns the answer to send, or null when the request may go on.
     */
    static SIPResponse refusal(SIPRequest request, SessionTimersConfig config) {
        Interval asked;
        try {
            asked = interval(request);
        } catch (IllegalArgumentException e) {
            return request.createResponse(400, "Bad Request: " + e.getMessage());
        }
        if (asked == null || asked.seconds() >= config.minSeSeconds()) {
            return null;
        }
        SIPResponse r = request.createResponse(422, "Session Interval Too Small");
        try {
            r.addHeader(HeaderCopies.of(MIN_SE, Integer.toString(config.minSeSeconds())));
        } catch (ParseException e) {
            throw new IllegalStateException(e);
        }
        return r;
    }

    /** The client's INVITE sets the client leg's terms: its interval, and who refreshes (§9). */
    void offeredByClient(SIPRequest invite) {
        client.peerSupports = supports(invite);
        Interval asked = lenient(invite);
        if (asked != null) {
            client.active = true;
            client.interval = asked.seconds();
            // A client that does not support timers cannot refresh: then the gateway does (§9).
            client.gatewayRefreshes = !client.peerSupports || "uas".equals(asked.refresher());
        } else if (client.peerSupports) {
            client.active = true;
            client.interval = config.expiresSeconds();
            client.gatewayRefreshes = false;
        }
    }

    /**
     * Asks the carrier for session timers in the INVITE (§7.1): Supported, Session-Expires and Min-SE, with
     * the carrier as the refresher of its own leg (a UAS keeps the refresher asked for, §9 table 2), as
     * before the gateway took timers; Allow tells it that UPDATE may refresh.
     */
    void decorateCarrierInvite(SIPRequest invite) throws ParseException {
        invite.addHeader(HeaderCopies.of("Supported", OPTION_TAG));
        B2buaHandler.addAllow(invite);
        invite.addHeader(HeaderCopies.of(SESSION_EXPIRES, carrierSessionExpires()));
        invite.addHeader(HeaderCopies.of(MIN_SE, carrierMinSe()));
    }

    /** {@link #decorateCarrierInvite} as the header lines it adds, for an INVITE written as bytes. */
    void carrierInviteLines(List<String> lines) {
        lines.add("Supported: " + OPTION_TAG);
        lines.add(B2buaHandler.ALLOW_LINE);
        lines.add(SESSION_EXPIRES + ": " + carrierSessionExpires());
        lines.add(MIN_SE + ": " + carrierMinSe());
    }

    private String carrierSessionExpires() {
        int asked = carrierAsk > 0 ? carrierAsk : client.active ? client.interval : config.expiresSeconds();
        return asked + ";refresher=uas";
    }

    private String carrierMinSe() {
        return Integer.toString(Math.max(config.minSeSeconds(), carrierAsk));
    }

    /**
     * The carrier answered 422 with its Min-SE (§7.1): the next INVITE asks for that, when it is longer than
     * what was asked and at most a day. Returns whether to ask again.
     */
    boolean carrierWantsLonger(SIPResponse tooSmall) {
        List<String> minSe = values(tooSmall, MIN_SE, null);
        int asked = carrierAsk > 0 ? carrierAsk : client.active ? client.interval : config.expiresSeconds();
        try {
            int wanted = minSe.isEmpty() ? 0 : Integer.parseInt(minSe.get(0).split(";")[0].trim());
            if (wanted > asked && wanted <= MAX_INTERVAL) {
                carrierAsk = wanted;
                return true;
            }
        } catch (NumberFormatException e) {
            log.info("carrier 422 with an unreadable Min-SE: {}", minSe);
        }
        return false;
    }

    /** The carrier's 2xx sets the carrier leg's terms; without Session-Expires it has no session timer (§7.2). */
    void answeredByCarrier(SIPResponse ok) {
        adoptAnswer(carrier, ok);
    }

    /** The 2xx to the client's INVITE says the client leg's terms (§9). */
    void decorateClientAnswer(Consumer<Header> ok) throws ParseException {
        decorateAnswer(ok, true);
    }

    /** The call is answered: both legs' timers start. */
    void start() {
        running = true;
        client.refreshed();
        carrier.refreshed();
    }

    /** The call ended: no more refreshes or expiries. */
    void stop() {
        running = false;
        client.cancel();
        carrier.cancel();
    }

    /** What a re-INVITE or UPDATE relayed to the other leg says of that leg's session timer (§7.4). */
    void decorateRequest(SIPRequest out, boolean toClient) throws ParseException {
        Leg leg = toClient ? client : carrier;
        Leg other = toClient ? carrier : client;
        out.addHeader(HeaderCopies.of("Supported", OPTION_TAG));
        if (leg.active) {
            out.addHeader(HeaderCopies.of(SESSION_EXPIRES,
                    leg.interval + ";refresher=" + (leg.gatewayRefreshes ? "uac" : "uas")));
        } else {
            // The leg has no timer yet: offer one, its peer refreshing (as the carrier INVITE asks).
            out.addHeader(HeaderCopies.of(SESSION_EXPIRES,
                    (other.active ? other.interval : config.expiresSeconds()) + ";refresher=uas"));
        }
        out.addHeader(HeaderCopies.of(MIN_SE, Integer.toString(config.minSeSeconds())));
    }

    /**
     * A re-INVITE or UPDATE received on one leg was relayed and answered 2xx by the other side: the
     * requester's terms and the answerer's take effect, and both legs are refreshed. With a null
     * {@code answer} the gateway answered it itself (the other side takes no UPDATE): only its leg is.
     */
    void refreshedBy(SIPRequest request, boolean fromClient, SIPResponse answer) {
        Leg in = fromClient ? client : carrier;
        Interval asked = lenient(request);
        in.peerSupports |= supports(request);
        if (asked != null) {
            in.active = true;
            in.interval = asked.seconds();
            if (asked.refresher() != null) {
                in.gatewayRefreshes = "uas".equals(asked.refresher());
            }
        }
        if (answer == null) {
            in.refreshed();
            return;
        }
        adoptAnswer(fromClient ? carrier : client, answer);
        client.refreshed();
        carrier.refreshed();
    }

    /** The 2xx the gateway sends for a refresh it received on one leg says that leg's terms (§9). */
    void decorateAnswer(Consumer<Header> ok, boolean toClient) throws ParseException {
        Leg leg = toClient ? client : carrier;
        if (!leg.active) {
            return;
        }
        ok.accept(HeaderCopies.of(SESSION_EXPIRES,
                leg.interval + ";refresher=" + (leg.gatewayRefreshes ? "uas" : "uac")));
        if (leg.peerSupports) {
            ok.accept(HeaderCopies.of("Require", OPTION_TAG));
        }
    }

    /** The answer to a refresh the gateway sent on one leg (§10): 2xx refreshes it, 408 or 481 ends the call. */
    void ownRefreshAnswered(boolean clientSide, SIPResponse r) {
        int code = r.getStatusCode();
        Leg leg = clientSide ? client : carrier;
        if (code / 100 == 2) {
            adoptAnswer(leg, r);
            leg.refreshed();
        } else if (code == 408 || code == 481) {
            log.info("session refresh on the {} leg answered {}: the dialog is gone", leg.name(), code);
            expired.run();
        } else if (code == 405 || code == 501) {
            // A peer that takes no UPDATE: the gateway cannot refresh this leg and does not end the call for it.
            log.info("session refresh on the {} leg answered {}: no session timer on that leg", leg.name(), code);
            leg.active = false;
            leg.cancel();
        }
    }

    /** A refresh the gateway sent got no answer at all: the dialog is gone (§10). */
    void ownRefreshTimedOut(boolean clientSide) {
        log.info("session refresh on the {} leg timed out", (clientSide ? client : carrier).name());
        expired.run();
    }

    private void adoptAnswer(Leg leg, SIPResponse answer) {
        Interval said = lenient(answer);
        if (said != null) {
            leg.active = true;
            leg.peerSupports = true;
            leg.interval = said.seconds();
            // In the answer to the gateway's request, uac names the gateway (§7.2).
            leg.gatewayRefreshes = !"uas".equals(said.refresher());
        }
    }

    /** One leg's session timer. */
    private final class Leg {
        private final boolean clientSide;
        boolean active;
        boolean peerSupports;
        int interval;
        boolean gatewayRefreshes;
        private Timeout refreshTimer;
        private Timeout expiryTimer;

        Leg(boolean clientSide) {
            this.clientSide = clientSide;
        }

        String name() {
            return clientSide ? "client" : "carrier";
        }

        void refreshed() {
            cancel();
            if (!active || !running) {
                return;
            }
            if (gatewayRefreshes) {
                refreshTimer = timers.schedule(Duration.ofMillis(interval * 500L), () -> {
                    if (running) {
                        refresh.accept(clientSide);
                    }
                });
            }
            long expiresIn = interval - Math.min(32, interval / 3);
            expiryTimer = timers.schedule(Duration.ofSeconds(expiresIn), () -> {
                if (running) {
                    log.info("session on the {} leg was not refreshed within {} s", name(), interval);
                    expired.run();
                }
            });
        }

        void cancel() {
            if (refreshTimer != null) {
                refreshTimer.cancel();
                refreshTimer = null;
            }
            if (expiryTimer != null) {
                expiryTimer.cancel();
                expiryTimer = null;
            }
        }
    }

    // ---- header parsing --------------------------------------------------------------------

    /** Whether the message says Supported: timer or Require: timer. */
    static boolean supports(SIPMessage m) {
        return hasOption(m, "Supported", "k") || hasOption(m, "Require", null);
    }

    private static boolean hasOption(SIPMessage m, String name, String compact) {
        for (String value : values(m, name, compact)) {
            for (String option : value.split(",")) {
                if (OPTION_TAG.equalsIgnoreCase(option.trim())) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The message's Session-Expires, or null; an unreadable one is an {@link IllegalArgumentException}. */
    static Interval interval(SIPMessage m) {
        List<String> values = values(m, SESSION_EXPIRES, "x");
        if (values.isEmpty()) {
            return null;
        }
        String[] parts = values.get(0).split(";");
        int seconds;
        try {
            seconds = Integer.parseInt(parts[0].trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Session-Expires \"" + parts[0].trim() + "\" is not a number of seconds");
        }
        if (seconds < 1 || seconds > MAX_INTERVAL) {
            throw new IllegalArgumentException("Session-Expires must be 1 to " + MAX_INTERVAL + " seconds");
        }
        String refresher = null;
        for (int i = 1; i < parts.length; i++) {
            String[] kv = parts[i].split("=", 2);
            if (kv.length == 2 && "refresher".equalsIgnoreCase(kv[0].trim())) {
                refresher = kv[1].trim().toLowerCase(Locale.ROOT);
                if (!refresher.equals("uac") && !refresher.equals("uas")) {
                    throw new IllegalArgumentException("Session-Expires refresher must be uac or uas");
                }
            }
        }
        return new Interval(seconds, refresher);
    }

    private static Interval lenient(SIPMessage m) {
        try {
            return interval(m);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static List<String> values(SIPMessage m, String name, String compact) {
        List<String> values = new ArrayList<>();
        collect(m.getHeaders(name), values);
        if (compact != null && values.isEmpty()) {
            collect(m.getHeaders(compact), values);
        }
        return values;
    }

    private static void collect(ListIterator<?> it, List<String> into) {
        while (it != null && it.hasNext()) {
            Object h = it.next();
            if (h instanceof SIPHeader header) {
                into.add(header.getHeaderValue().trim());
            }
        }
    }
}
