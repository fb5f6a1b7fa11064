package dev.softswitch.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.softswitch.gateway.testing.DeepFields;
import dev.softswitch.gateway.testing.DigestTestClient;
import dev.softswitch.gateway.testing.SipMessageFixtures;
import gov.nist.javax.sip.header.AuthenticationHeader;
import gov.nist.javax.sip.header.HeaderFactoryImpl;
import gov.nist.javax.sip.message.SIPRequest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DigestAuthenticatorTest {

    private static final String URI = "sip:+447400123456@127.0.0.1:5060";

    private Instant now = Instant.parse("2026-12-01T12:00:00Z");
    private final NonceService nonces = new NonceService(() -> now, Duration.ofMinutes(5), new SecureRandom());
    private final DigestAuthenticator auth = new DigestAuthenticator("softswitch",
            List.of(DigestAlgorithm.SHA_256, DigestAlgorithm.MD5), nonces, 3, () -> now,
            user -> Optional.ofNullable(Map.of("alice", DigestCredentials.derive("alice", "softswitch", "alice-demo"))
                    .get(user)));

    /** The headers built through setters are the objects JAIN-SIP's parser makes of the challenge as written out. */
    @Test
    void challengeHeadersAreWhatJainSipReadsFromTheirText() throws Exception {
        HeaderFactoryImpl factory = new HeaderFactoryImpl();
        for (boolean proxy : new boolean[] {true, false}) {
            for (boolean stale : new boolean[] {false, true}) {
                List<AuthenticationHeader> headers = auth.challengeHeaders(stale, proxy);
                assertThat(headers).hasSize(2);
                for (int i = 0; i < headers.size(); i++) {
                    AuthenticationHeader h = headers.get(i);
                    String text = "Digest realm=\"softswitch\", nonce=\"" + h.getNonce() + "\", algorithm="
                            + List.of("SHA-256", "MD5").get(i) + ", qop=\"auth\"" + (stale ? ", stale=true" : "");
                    Object parsed = factory.createHeader(proxy ? "Proxy-Authenticate" : "WWW-Authenticate", text);
                    assertThat(DeepFields.difference(parsed, h)).as(text).isNull();
                    assertThat(h.encode()).isEqualTo(((AuthenticationHeader) parsed).encode());
                }
                assertThat(headers.get(0).getNonce()).isEqualTo(headers.get(1).getNonce());
            }
        }
    }

    /** RFC 7616 §3.9.1 (the vectors RFC 8760 §3 points to): user Mufasa, GET /dir/index.html. */
    @Test
    void requestDigestsMatchTheRfcExamples() {
        String nonce = "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v";
        String cnonce = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";
        for (var expected : Map.of(
                DigestAlgorithm.MD5, "8ca523f5e9506fed4657c9700eebdbec",
                DigestAlgorithm.SHA_256, "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1").entrySet()) {
            DigestAlgorithm a = expected.getKey();
            String ha1 = a.ha1("Mufasa", "http-auth@example.org", "Circle of Life");
            assertThat(a.response(ha1, nonce, "00000001", cnonce, "auth", "GET", "/dir/index.html"))
                    .isEqualTo(expected.getValue());
        }
    }

    @Test
    void aValidAnswerToEitherChallengeAuthenticatesTheUserName() {
        for (DigestAlgorithm a : DigestAlgorithm.values()) {
            String challenge = DigestTestClient.offering(DigestTestClient.challenges(auth, false), a);
            assertThat(auth.authenticate(invite(answer(challenge, "alice", "alice-demo", 1)), true))
                    .isEqualTo(new DigestAuthenticator.Authenticated("alice", a));
        }
    }

    @Test
    void noCredentialsAnotherRealmOrAForgedNonceAreChallenged() {
        assertThat(auth.authenticate(invite(null), true)).isEqualTo(new DigestAuthenticator.Challenge(false));
        String otherRealm = answer(DigestTestClient.challenge(auth), "alice", "alice-demo", 1).replace("softswitch", "other");
        assertThat(auth.authenticate(invite(otherRealm), true)).isEqualTo(new DigestAuthenticator.Challenge(false));
        String forged = "Digest realm=\"softswitch\", nonce=\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\","
                + " algorithm=SHA-256, qop=\"auth\"";
        assertThat(auth.authenticate(invite(answer(forged, "alice", "alice-demo", 1)), true))
                .isEqualTo(new DigestAuthenticator.Challenge(false));
    }

    @Test
    void anUnknownUserAndAWrongPasswordAreRefusedAlike() {
        String challenge = DigestTestClient.challenge(auth);
        DigestAuthenticator.Outcome unknown = auth.authenticate(invite(answer(challenge, "mallory", "x", 1)), true);
        DigestAuthenticator.Outcome wrong = auth.authenticate(invite(answer(challenge, "alice", "x", 1)), true);
        assertThat(unknown).isInstanceOf(DigestAuthenticator.Refused.class).isEqualTo(wrong);
    }

    @Test
    void aNonceCountMustGrowAndAnExpiredNonceIsStale() {
        String challenge = DigestTestClient.challenge(auth);
        assertThat(auth.authenticate(invite(answer(challenge, "alice", "alice-demo", 1)), true))
                .isInstanceOf(DigestAuthenticator.Authenticated.class);
        assertThat(auth.authenticate(invite(answer(challenge, "alice", "alice-demo", 1)), true))
                .isEqualTo(new DigestAuthenticator.Refused("nonce-count replayed"));
        assertThat(auth.authenticate(invite(answer(challenge, "alice", "alice-demo", 2)), true))
                .isInstanceOf(DigestAuthenticator.Authenticated.class);
        now = now.plus(Duration.ofMinutes(5)).plusMillis(1);
        assertThat(auth.authenticate(invite(answer(challenge, "alice", "alice-demo", 3)), true))
                .isEqualTo(new DigestAuthenticator.Challenge(true));
    }

    @Test
    void forgottenNoncesTurnStaleInsteadOfLettingAReplayThrough() {
        // Capacity 3: the fourth nonce used pushes the first out; its next use is answered stale.
        List<String> challenges = List.of(DigestTestClient.challenge(auth), DigestTestClient.challenge(auth),
                DigestTestClient.challenge(auth), DigestTestClient.challenge(auth));
        for (String c : challenges) {
            assertThat(auth.authenticate(invite(answer(c, "alice", "alice-demo", 1)), true))
                    .isInstanceOf(DigestAuthenticator.Authenticated.class);
        }
        assertThat(auth.authenticate(invite(answer(challenges.get(0), "alice", "alice-demo", 1)), true))
                .isEqualTo(new DigestAuthenticator.Challenge(true));
    }

    @Test
    void theDigestUriMustNameThisRequest() {
        String challenge = DigestTestClient.challenge(auth);
        String otherTarget = DigestTestClient.authorization(challenge, "alice", "alice-demo", "INVITE",
                "sip:+19005550100@127.0.0.1:5060", 1, "c");
        assertThat(auth.authenticate(invite(otherTarget), true)).isInstanceOf(DigestAuthenticator.Refused.class);
        String hostOnly = DigestTestClient.authorization(challenge, "alice", "alice-demo", "INVITE",
                "sip:127.0.0.1:5060", 2, "c"); // SIPp's default digest-uri
        assertThat(auth.authenticate(invite(hostOnly), true)).isInstanceOf(DigestAuthenticator.Authenticated.class);
    }

    private static String answer(String challenge, String user, String password, int nc) {
        return DigestTestClient.authorization(challenge, user, password, "INVITE", URI, nc, "cn" + nc);
    }

    private static SIPRequest invite(String credentials) {
        var b = SipMessageFixtures.request("INVITE", URI).from("<sip:alice@127.0.0.1>", "t").to("<" + URI + ">")
                .cseq(1);
        if (credentials != null) {
            b.header("Proxy-Authorization", credentials);
        }
        return b.build();
    }
}
