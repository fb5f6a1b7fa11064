package dev.softswitch.gateway.auth;

import gov.nist.javax.sip.header.AuthenticationHeader;
import gov.nist.javax.sip.header.ProxyAuthenticate;
import gov.nist.javax.sip.header.WWWAuthenticate;
import gov.nist.javax.sip.message.SIPRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.ListIterator;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import java.time.Instant;
import javax.sip.header.AuthorizationHeader;
import javax.sip.header.ProxyAuthorizationHeader;

/**
 * Digest authentication of requests from app clients (RFC 3261 §22, RFC 8760, qop=auth only): the
 * challenge offers the configured algorithms in order of preference with one self-validating nonce;
 * a response is checked against the account's stored HA1 for the algorithm the client chose, and its
 * nonce-count must grow. The account is the authenticated user name, never From. An unknown user and
 * a wrong password get the same outcome; nothing else is said about an account before it is proven.
 * SIP core thread.
 */
public final class DigestAuthenticator {

    /** What a request proved. */
    public sealed interface Outcome permits Authenticated, Challenge, Refused {
    }

    /** Valid credentials of {@code account}. */
    public record Authenticated(String account, DigestAlgorithm algorithm) implements Outcome {
    }

    /** No usable credentials (none, another realm, unknown algorithm, a nonce not ours or expired): challenge again. */
    public record Challenge(boolean stale) implements Outcome {
    }

    /** Credentials that do not prove the account (wrong password, unknown user, replayed nonce-count). */
    public record Refused(String reason) implements Outcome {
    }

    private static final String QOP = "auth";
    private static final java.util.regex.Pattern NONCE_COUNT = java.util.regex.Pattern.compile("[0-9a-fA-F]{8}");

    private final String realm;
    private final List<DigestAlgorithm> offered;
    private final NonceService nonces;
    private final NonceCounts counts;
    private final Supplier<Instant> clock;
    private final Function<String, Optional<DigestCredentials>> credentials;
    /** HA1 of nobody: an unknown user costs the same hashing as a known one. */
    private final String decoy;

    public DigestAuthenticator(String realm, List<DigestAlgorithm> offered, NonceService nonces, int maxTrackedNonces,
                               Supplier<Instant> clock, Function<String, Optional<DigestCredentials>> credentials) {
        if (offered.isEmpty()) {
            throw new IllegalArgumentException("offer at least one algorithm");
        }
        this.realm = realm;
        this.offered = List.copyOf(offered);
        this.nonces = nonces;
        this.counts = new NonceCounts(maxTrackedNonces, nonces.ttl().toMillis());
        this.clock = clock;
        this.credentials = credentials;
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        this.decoy = HexFormat.of().formatHex(random);
    }

    public String realm() {
        return realm;
    }

    /**
     * The challenge headers, Proxy-Authenticate for a 407 when {@code proxy}, else WWW-Authenticate for a
     * 401: one per offered algorithm, most preferred first (RFC 8760 §2.4), sharing one nonce. Built through
     * JAIN-SIP's setters, the objects its parser makes of {@code Digest realm="…", nonce="…", algorithm=…,
     * qop="auth"[, stale=true]}, without writing that out to parse it again.
     */
    public List<AuthenticationHeader> challengeHeaders(boolean stale, boolean proxy) {
        String nonce = nonces.issue();
        List<AuthenticationHeader> headers = new ArrayList<>(offered.size());
        try {
            for (DigestAlgorithm a : offered) {
                AuthenticationHeader h = proxy ? new ProxyAuthenticate() : new WWWAuthenticate();
                h.setScheme("Digest");
                h.setRealm(realm);
                h.setNonce(nonce);
                h.setAlgorithm(a.token());
                h.setQop(QOP);
                if (stale) {
                    h.setParameter("stale", "true");
                }
                headers.add(h);
            }
        } catch (ParseException e) {
            throw new IllegalStateException("challenge header refused: " + e.getMessage(), e);
        }
        return headers;
    }

    /**
     * Checks the credentials of {@code request} for our realm: Proxy-Authorization when
     * {@code proxy} (INVITE, 407), Authorization otherwise (REGISTER, 401).
     */
    public Outcome authenticate(SIPRequest request, boolean proxy) {
        AuthenticationHeader h = ours(request, proxy ? ProxyAuthorizationHeader.NAME : AuthorizationHeader.NAME);
        if (h == null) {
            return new Challenge(false);
        }
        Optional<DigestAlgorithm> algorithm = DigestAlgorithm.ofToken(param(h, "algorithm"));
        if (algorithm.isEmpty() || !offered.contains(algorithm.get())) {
            return new Challenge(false);
        }
        NonceService.Check nonce = nonces.check(param(h, "nonce"));
        if (nonce.validity() == NonceService.Validity.INVALID) {
            return new Challenge(false);
        }
        if (nonce.validity() == NonceService.Validity.STALE) {
            return new Challenge(true);
        }
        String username = param(h, "username");
        String uri = param(h, "uri");
        String response = param(h, "response");
        String cnonce = param(h, "cnonce");
        String nc = param(h, "nc");
        if (username == null || uri == null || response == null || cnonce == null || nc == null
                || !QOP.equalsIgnoreCase(param(h, "qop")) || !NONCE_COUNT.matcher(nc).matches()) {
            return new Challenge(false);
        }
        DigestAlgorithm a = algorithm.get();
        Optional<String> ha1 = credentials.apply(username).flatMap(c -> c.ha1(a));
        String expected = a.response(ha1.orElse(decoy), param(h, "nonce"), nc, cnonce, QOP, request.getMethod(), uri);
        boolean matches = MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                response.toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.US_ASCII));
        if (ha1.isEmpty() || !matches) {
            return new Refused("credentials do not match");
        }
        if (!sameUri(uri, request)) {
            return new Refused("digest uri is not the request's");
        }
        return switch (counts.accept(param(h, "nonce"), nonce.issuedMillis(), Long.parseLong(nc, 16),
                clock.get().toEpochMilli())) {
            case FRESH -> new Authenticated(username, a);
            case FORGOTTEN -> new Challenge(true);
            case REPLAY -> new Refused("nonce-count replayed");
        };
    }

    /**
     * Whether {@code request} answers a challenge of ours: credentials for our realm carrying a nonce we signed that
     * is still fresh. Only the nonce's signature is checked (no password, no nonce-count): cheap enough to tell,
     * while the core sheds, a call whose challenge was already paid for from one that would start with a new one.
     */
    public boolean answersFreshChallenge(SIPRequest request, boolean proxy) {
        AuthenticationHeader h = ours(request, proxy ? ProxyAuthorizationHeader.NAME : AuthorizationHeader.NAME);
        return h != null && nonces.check(param(h, "nonce")).validity() == NonceService.Validity.VALID;
    }

    /**
     * The user name the request's credentials for our realm claim, before anything is checked (a
     * banned account is refused without its password being looked at).
     */
    public Optional<String> claimedUser(SIPRequest request, boolean proxy) {
        AuthenticationHeader h = ours(request, proxy ? ProxyAuthorizationHeader.NAME : AuthorizationHeader.NAME);
        return h == null ? Optional.empty() : Optional.ofNullable(param(h, "username"));
    }

    /** The first credentials header of {@code name} for our realm and the Digest scheme; null if none. */
    private AuthenticationHeader ours(SIPRequest request, String name) {
        ListIterator<?> it = request.getHeaders(name);
        while (it != null && it.hasNext()) {
            Object next = it.next();
            if (next instanceof AuthenticationHeader h && "Digest".equalsIgnoreCase(h.getScheme())
                    && realm.equals(param(h, "realm"))) {
                return h;
            }
        }
        return null;
    }

    /**
     * The digest-uri names the request's target (RFC 7616 §3.4.6): the Request-URI, or only its host
     * and port (what SIPp sends unless told otherwise). The nonce-count check keeps a response from
     * being used twice either way.
     */
    private static boolean sameUri(String uri, SIPRequest request) {
        String target = request.getRequestURI().toString();
        if (uri.equalsIgnoreCase(target)) {
            return true;
        }
        if (request.getRequestURI() instanceof javax.sip.address.SipURI sip) {
            String hostPort = sip.getScheme() + ":" + sip.getHost() + (sip.getPort() > 0 ? ":" + sip.getPort() : "");
            return uri.equalsIgnoreCase(hostPort);
        }
        return false;
    }

    private static String param(AuthenticationHeader h, String name) {
        String v = h.getParameter(name);
        if (v != null && v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
            v = v.substring(1, v.length() - 1);
        }
        return v;
    }
}
