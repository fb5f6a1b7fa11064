package dev.softswitch.gateway.testing;

import dev.softswitch.gateway.auth.DigestAlgorithm;
import dev.softswitch.gateway.auth.DigestAuthenticator;
import gov.nist.javax.sip.header.AuthenticationHeader;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The client side of digest authentication for tests (RFC 7616 §3.4 with qop=auth): picks a challenge
 * and answers it as a UA with the account's password would.
 */
public final class DigestTestClient {

    private static final Pattern PARAM = Pattern.compile("(\\w+)=(\"([^\"]*)\"|[^,\\s]+)");

    private DigestTestClient() {
    }

    /** The parameters of one challenge header value ({@code Digest realm="…", nonce="…", …}). */
    /** The values of the challenges {@code authenticator} would send now (one per algorithm, one nonce). */
    public static List<String> challenges(DigestAuthenticator authenticator, boolean stale) {
        return authenticator.challengeHeaders(stale, true).stream().map(AuthenticationHeader::getHeaderValue).toList();
    }

    /** The first (most preferred) of {@link #challenges}, not stale. */
    public static String challenge(DigestAuthenticator authenticator) {
        return challenges(authenticator, false).get(0);
    }

    public static Map<String, String> params(String challenge) {
        Map<String, String> params = new LinkedHashMap<>();
        Matcher m = PARAM.matcher(challenge.replaceFirst("(?i)^\\s*Digest\\s+", ""));
        while (m.find()) {
            params.put(m.group(1).toLowerCase(Locale.ROOT), m.group(3) != null ? m.group(3) : m.group(2));
        }
        return params;
    }

    /** The first of {@code challenges} offering {@code algorithm}; fails when none does. */
    public static String offering(List<String> challenges, DigestAlgorithm algorithm) {
        return challenges.stream()
                .filter(c -> algorithm.token().equalsIgnoreCase(params(c).get("algorithm")))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + algorithm.token() + " challenge in " + challenges));
    }

    /** The Proxy-Authorization / Authorization value answering {@code challenge} for {@code method uri}. */
    public static String authorization(String challenge, String user, String password, String method, String uri,
                                       int nc, String cnonce) {
        Map<String, String> c = params(challenge);
        DigestAlgorithm algorithm = DigestAlgorithm.ofToken(c.get("algorithm")).orElseThrow();
        String realm = c.get("realm");
        String nonce = c.get("nonce");
        String ncHex = String.format("%08x", nc);
        String response = algorithm.response(algorithm.ha1(user, realm, password), nonce, ncHex, cnonce, "auth",
                method, uri);
        return "Digest username=\"" + user + "\", realm=\"" + realm + "\", nonce=\"" + nonce + "\", uri=\"" + uri
                + "\", response=\"" + response + "\", algorithm=" + algorithm.token() + ", qop=auth, nc=" + ncHex
                + ", cnonce=\"" + cnonce + "\"";
    }
}
