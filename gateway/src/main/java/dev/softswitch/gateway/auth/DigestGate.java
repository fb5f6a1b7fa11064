package dev.softswitch.gateway.auth;

import dev.softswitch.gateway.metrics.GatewayMetrics;
import dev.softswitch.gateway.sip.SipMessages;
import dev.softswitch.gateway.transaction.ServerTransaction;
import dev.softswitch.gateway.transport.OutgoingResponse;
import gov.nist.javax.sip.message.SIPRequest;
import java.util.Optional;
import javax.sip.message.Response;

/**
 * Where a request from an app client proves whose it is (SIG-4): INVITE against a 407 with
 * Proxy-Authenticate, REGISTER against a 401 with WWW-Authenticate (RFC 3261 §22.2, §22.3). A request
 * without usable credentials is challenged; credentials that prove nothing get 403 Forbidden, the same
 * bytes for an unknown user as for a wrong password, so that nobody can learn which accounts exist.
 * Every 403 is counted by the {@link Throttle}; credentials naming a banned account get the same 403
 * without their password being checked. SIP core thread.
 */
public final class DigestGate {

    private final DigestAuthenticator authenticator;
    private final Throttle throttle;
    private final GatewayMetrics metrics;

    public DigestGate(DigestAuthenticator authenticator, Throttle throttle, GatewayMetrics metrics) {
        this.authenticator = authenticator;
        this.throttle = throttle;
        this.metrics = metrics;
    }

    /**
     * The account {@code tx}'s request proves, or empty after answering it (challenge or 403).
     *
     * @param proxy true for INVITE (407 / Proxy-Authorization), false for REGISTER (401 / Authorization)
     */
    public Optional<String> admit(ServerTransaction tx, boolean proxy) {
        SIPRequest request = tx.request();
        String method = request.getMethod();
        Optional<String> claimed = authenticator.claimedUser(request, proxy);
        if (claimed.isPresent() && throttle.accountBanned(claimed.get())) {
            // Still a failure of its source: whoever keeps at a banned account ends up banned too.
            metrics.authentication(method, "refused");
            throttle.failed(tx.source(), null);
            tx.respond(forbidden(request));
            return Optional.empty();
        }
        DigestAuthenticator.Outcome outcome = authenticator.authenticate(request, proxy);
        if (outcome instanceof DigestAuthenticator.Authenticated ok) {
            metrics.authentication(method, "authenticated");
            return Optional.of(ok.account());
        }
        if (outcome instanceof DigestAuthenticator.Challenge challenge) {
            metrics.authentication(method, challenge.stale() ? "stale" : "challenged");
            tx.respond(challenge(request, proxy, challenge.stale()));
        } else {
            metrics.authentication(method, "refused");
            throttle.failed(tx.source(), claimed.orElse(null));
            tx.respond(forbidden(request));
        }
        return Optional.empty();
    }

    /** Whether {@code request} answers a fresh challenge of ours (see {@link DigestAuthenticator#answersFreshChallenge}). */
    public boolean answersFreshChallenge(SIPRequest request, boolean proxy) {
        return authenticator.answersFreshChallenge(request, proxy);
    }

    private static OutgoingResponse forbidden(SIPRequest request) {
        return tagged(request, OutgoingResponse.to(request, Response.FORBIDDEN, "Forbidden"));
    }

    private OutgoingResponse challenge(SIPRequest request, boolean proxy, boolean stale) {
        OutgoingResponse r = proxy
                ? OutgoingResponse.to(request, Response.PROXY_AUTHENTICATION_REQUIRED, "Proxy Authentication Required")
                : OutgoingResponse.to(request, Response.UNAUTHORIZED, "Unauthorized");
        authenticator.challengeHeaders(stale, proxy).forEach(r::header);
        return tagged(request, r);
    }

    /** {@code r} with a To tag of its own where the request had none (RFC 3261 §8.2.6.2). */
    private static OutgoingResponse tagged(SIPRequest request, OutgoingResponse r) {
        return request.getToTag() == null ? r.toTag(SipMessages.newTag()) : r;
    }
}
