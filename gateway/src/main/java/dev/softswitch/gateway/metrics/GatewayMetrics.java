package dev.softswitch.gateway.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The gateway's meters (OPS-1). Names are Micrometer's dotted names; the Prometheus registry turns
 * them into {@code sip_requests_received_total}, {@code calls_active}, … Counters are cached per
 * tag value so the hot path does a map lookup, not a registration.
 */
public final class GatewayMetrics {

    /** SIP methods (RFC 3261 and the IANA SIP Methods registry). */
    private static final java.util.Set<String> KNOWN_METHODS = java.util.Set.of("INVITE", "ACK", "BYE", "CANCEL",
            "OPTIONS", "REGISTER", "PRACK", "SUBSCRIBE", "NOTIFY", "PUBLISH", "INFO", "REFER", "MESSAGE", "UPDATE");

    private final MeterRegistry registry;
    private final Map<String, Counter> requestsByMethod = new ConcurrentHashMap<>();
    private final Map<String, Counter> responsesByCode = new ConcurrentHashMap<>();
    private final Map<String, Counter> attemptsByOutcome = new ConcurrentHashMap<>();
    private final Map<String, Counter> teardownsByReason = new ConcurrentHashMap<>();
    private final Map<String, Counter> chargedByCurrency = new ConcurrentHashMap<>();
    private final Map<String, Counter> refusedByReason = new ConcurrentHashMap<>();
    private final Map<String, Counter> authByOutcome = new ConcurrentHashMap<>();
    private final Map<String, Counter> throttledByReason = new ConcurrentHashMap<>();
    private final Map<String, Counter> bansByScope = new ConcurrentHashMap<>();
    private final Map<String, Counter> fairUseActions = new ConcurrentHashMap<>();
    private final Map<String, TrunkCountry> byTrunkAndCountry = new ConcurrentHashMap<>();
    private final Timer postDialDelay;
    private final AtomicInteger callsActive = new AtomicInteger();

    public GatewayMetrics(MeterRegistry registry) {
        this.registry = registry;
        Gauge.builder("calls.active", callsActive, AtomicInteger::get)
                .description("Calls between INVITE accepted for routing and their end")
                .register(registry);
        postDialDelay = Timer.builder("calls.post.dial.delay")
                .description("From the client's INVITE to the carrier's first 180/183 or answer")
                .serviceLevelObjectives(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(3),
                        Duration.ofSeconds(5), Duration.ofSeconds(8), Duration.ofSeconds(13))
                .register(registry);
    }

    public MeterRegistry registry() {
        return registry;
    }

    /**
     * A SIP request arrived (any transport, parsed). The method tag is one of the SIP methods the
     * IANA registry lists, or OTHER: a sender inventing method names cannot grow the series.
     */
    public void requestReceived(String method) {
        Counter known = requestsByMethod.get(method); // the common case: a known method as the RFC spells it
        if (known != null) {
            known.increment();
            return;
        }
        String upper = method.toUpperCase(Locale.ROOT);
        requestsByMethod.computeIfAbsent(KNOWN_METHODS.contains(upper) ? upper : "OTHER", m ->
                Counter.builder("sip.requests.received").description("SIP requests received, by method")
                        .tag("method", m).register(registry)).increment();
    }

    /** A final response the gateway sent to an app client for a new INVITE (by status code). */
    public void responseSent(int code) {
        responsesByCode.computeIfAbsent(Integer.toString(code), c ->
                Counter.builder("sip.responses.sent").description("SIP final responses sent to clients, by code")
                        .tag("code", c).register(registry)).increment();
    }

    /** A call attempt ended with {@code outcome} (answered, busy, no_route, insufficient_credit, …). */
    public void callAttempt(String outcome) {
        attemptsByOutcome.computeIfAbsent(outcome, o ->
                Counter.builder("calls.attempts").description("Call attempts by outcome")
                        .tag("outcome", o).register(registry)).increment();
    }

    /** An answered call ended for {@code reason} (caller_bye, callee_bye, credit_exhausted, …). */
    public void teardown(String reason) {
        teardownsByReason.computeIfAbsent(reason, r ->
                Counter.builder("calls.teardowns").description("Answered calls ended, by reason")
                        .tag("reason", r).register(registry)).increment();
    }

    /**
     * A request refused for where it came from (issue 10); {@code reason} is one of a fixed few the
     * caller names ({@code trunk_invite}, {@code not_dialog_peer}), never a value from the message.
     */
    public void requestRefused(String reason) {
        refusedByReason.computeIfAbsent(reason, r ->
                Counter.builder("sip.requests.refused").description("SIP requests refused for their source, by reason")
                        .tag("reason", r).register(registry)).increment();
    }

    /**
     * A fair-use detector took {@code action} (FUP-2); {@code count} false only registers the series at 0, so that
     * alerts see every configured pair before its first action. Both labels come from closed sets.
     */
    public void fairUseAction(String detector, String action, boolean count) {
        Counter c = fairUseActions.computeIfAbsent(detector + '\0' + action, k ->
                Counter.builder("fair_use.actions").description("Fair-use actions taken, by detector and action")
                        .tag("detector", detector).tag("action", action).register(registry));
        if (count) {
            c.increment();
        }
    }

    /** Money debited for a call, in micro-units of {@code currency}. */
    public void charged(String currency, long micros) {
        chargedByCurrency.computeIfAbsent(currency, c ->
                Counter.builder("charging.debited.micros").description("Amount debited for calls, in micro-units of the currency")
                        .tag("currency", c).register(registry)).increment(micros);
    }

    /**
     * A request's digest authentication ended with {@code outcome}: authenticated, challenged, stale
     * (challenged again with stale=true) or refused (wrong password, unknown user, replay). A bounded set.
     */
    public void authentication(String method, String outcome) {
        authByOutcome.computeIfAbsent(method + ' ' + outcome, k ->
                Counter.builder("sip.auth").description("Digest authentications of client requests, by method and outcome")
                        .tag("method", method).tag("outcome", outcome).register(registry)).increment();
    }

    /**
     * A request throttled, by reason: source_banned (dropped unanswered), invite_rate (the INVITE that
     * went over the source's rate, dropped, and the source banned) or account_banned (403 without
     * checking the password). A bounded set.
     */
    public void throttled(String reason) {
        throttledByReason.computeIfAbsent(reason, r ->
                Counter.builder("sip.throttled").description("Requests throttled, by reason")
                        .tag("reason", r).register(registry)).increment();
    }

    /** A ban imposed on a {@code scope}: source (an address) or account. */
    public void banned(String scope) {
        bansByScope.computeIfAbsent(scope, s ->
                Counter.builder("sip.bans").description("Bans imposed by throttling, by scope")
                        .tag("scope", s).register(registry)).increment();
    }

    public void callStarted() {
        callsActive.incrementAndGet();
    }

    public void callEnded() {
        callsActive.decrementAndGet();
    }

    public int callsActive() {
        return callsActive.get();
    }

    /**
     * One carrier attempt ended (OPS-1), or a call that reached no trunk: {@code trunk} is the name of a
     * configured trunk (null: {@code none}), {@code country} the ISO 3166 alpha-2 region of the dialled
     * number (anything else, null included: {@code other}), {@code answeredFor} how long the attempt was
     * answered (null: not answered). Both label sets are bounded, so
     * {@code calls_trunk_answers_total / calls_trunk_attempts_total} is the ASR and
     * {@code calls_trunk_answered_seconds_total / calls_trunk_answers_total} the ACD, per trunk and country.
     */
    public void trunkAttempt(String trunk, String country, Duration answeredFor) {
        String t = trunk == null ? "none" : trunk;
        String c = country != null && ISO_COUNTRIES.contains(country.toUpperCase(Locale.ROOT))
                ? country.toUpperCase(Locale.ROOT) : "other";
        TrunkCountry meters = byTrunkAndCountry.computeIfAbsent(t + ' ' + c, k -> new TrunkCountry(
                counter("calls.trunk.attempts", "Carrier attempts (or calls that reached no trunk), by trunk and country", t, c),
                counter("calls.trunk.answers", "Carrier attempts answered, by trunk and country", t, c),
                counter("calls.trunk.answered.seconds", "Seconds of answered calls, by trunk and country", t, c)));
        meters.attempts.increment();
        if (answeredFor != null) {
            meters.answers.increment();
            meters.seconds.increment(answeredFor.toNanos() / 1e9);
        }
    }

    /** Post-dial delay: the client's INVITE to the carrier's first 180, 183 or answer. */
    public void postDialDelay(Duration delay) {
        postDialDelay.record(delay);
    }

    private Counter counter(String name, String description, String trunk, String country) {
        return Counter.builder(name).description(description).tag("trunk", trunk).tag("country", country)
                .register(registry);
    }

    private static final java.util.Set<String> ISO_COUNTRIES = java.util.Set.of(Locale.getISOCountries());

    private record TrunkCountry(Counter attempts, Counter answers, Counter seconds) {
    }
}
