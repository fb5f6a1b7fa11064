package dev.softswitch.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.softswitch.gateway.Gateway;
import dev.softswitch.gateway.auth.DigestAlgorithm;
import dev.softswitch.gateway.config.GatewayConfig;
import dev.softswitch.gateway.testing.DigestTestClient;
import dev.softswitch.gateway.testing.TestAccounts;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10's proof of the trust boundary through the real gateway (started in this JVM from YAML,
 * offering SHA-256 first as in production) over UDP on loopback: no credentials get a challenge and
 * nothing else, an unknown user and a wrong password get the same answer, SHA-256 and MD5 credentials
 * place the call, and credentials seen once do not work twice. (An expired nonce is covered on the
 * manual clock in B2buaCallTest: the real clock would have to sleep through the nonce's life.)
 */
@ExtendWith(SippAvailable.class)
class AuthenticationEndToEndTest {

    private static final Duration LIMIT = Duration.ofSeconds(20);
    private static final String UK_MOBILE = "+447400123456";
    private static final String OFFER = """
            v=0\r
            o=client 1 1 IN IP4 127.0.0.1\r
            s=-\r
            c=IN IP4 127.0.0.1\r
            t=0 0\r
            m=audio 40000 RTP/AVP 0\r
            a=rtpmap:0 PCMU/8000\r
            """;

    @TempDir
    static Path dir;

    private static Gateway gateway;
    private static int sipPort;
    private static int carrierPort;

    private final List<AutoCloseable> closeables = new ArrayList<>();

    @BeforeAll
    static void startGateway() throws Exception {
        sipPort = SippProcess.freePort();
        carrierPort = SippProcess.freeUdpPort();
        int mediaBase = 24000 + 2 * (int) ((ProcessHandle.current().pid() + 2000) % 2000);
        String yaml = """
                sip:
                  listen:
                    - { transport: udp, host: 127.0.0.1, port: %1$d }
                http: { host: 127.0.0.1, port: %6$d }
                media: { host: 127.0.0.1, portMin: %2$d, portMax: %3$d }
                trunks:
                  - { name: sipp-carrier, host: 127.0.0.1, port: %4$d, transport: udp, prefixes: ["44"], probe: false }
                charging:
                  currency: USD
                  rates:
                    - { prefix: "447", destination: UK mobile, perMinute: "0.60", increments: 2/2 }
                  accounts:
                    - { id: alice, balance: "10.00", number: "+447400000001" }
                    - { id: carol, balance: "0", number: "+447400000003" }
                cdr: { file: "%5$s" }
                auth: { algorithms: [SHA-256, MD5] }
                """.formatted(sipPort, mediaBase, mediaBase + 39, carrierPort, dir.resolve("calls.jsonl"),
                SippProcess.freeTcpPort());
        gateway = Gateway.start(GatewayConfig.parse(TestAccounts.withPasswords(yaml), "auth-e2e.yaml"));
    }

    @AfterAll
    static void stopGateway() {
        if (gateway != null) {
            gateway.close();
        }
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : closeables) {
            c.close();
        }
    }

    @Test
    void noCredentialsGetAChallengeSha256FirstAndNothingAboutTheAccountOrNumber() {
        // carol has no credit and "12" is not a number: a challenge is all anyone learns first.
        SipUdpPeer peer = track(new SipUdpPeer(sipPort, "carol"));
        SipUdpPeer.Message challenge = peer.inviteWith("12", OFFER, null, LIMIT);
        assertThat(challenge.status()).isEqualTo(407);
        List<String> offers = challenge.headers("Proxy-Authenticate");
        assertThat(offers).hasSize(2);
        assertThat(DigestTestClient.params(offers.get(0))).containsEntry("algorithm", "SHA-256").containsEntry("qop", "auth");
        assertThat(DigestTestClient.params(offers.get(1))).containsEntry("algorithm", "MD5");
        assertThat(challenge.header("Server")).isEmpty();
    }

    @Test
    void anUnknownUserAndAWrongPasswordGetTheSameAnswer() {
        SipUdpPeer.Message unknown = track(new SipUdpPeer(sipPort, "mallory", "guess", null)).invite(UK_MOBILE, OFFER, LIMIT);
        SipUdpPeer.Message wrong = track(new SipUdpPeer(sipPort, "alice", "guess", null)).invite(UK_MOBILE, OFFER, LIMIT);
        assertThat(unknown.startLine()).isEqualTo("SIP/2.0 403 Forbidden");
        assertThat(masked(wrong)).isEqualTo(masked(unknown));
    }

    @Test
    void sha256AndMd5CredentialsPlaceTheCallAndCredentialsSeenOnceDoNotWorkTwice() throws Exception {
        SippProcess carrier = track(SippProcess.builder(SippScenario.uas("basic-call")).localPort(carrierPort)
                .calls(2).timeout(LIMIT).start());
        carrier.awaitListening(Duration.ofSeconds(5));

        SipUdpPeer sha = track(new SipUdpPeer(sipPort, "alice"));
        SipUdpPeer.Message ok = sha.invite(UK_MOBILE, OFFER, LIMIT);
        assertThat(ok.status()).as(ok.raw()).isEqualTo(200);
        assertThat(DigestTestClient.params(sha.credentials())).containsEntry("algorithm", "SHA-256");
        assertThat(sha.bye(LIMIT).status()).isEqualTo(200);

        SipUdpPeer md5 = track(new SipUdpPeer(sipPort, "alice", TestAccounts.password("alice"), DigestAlgorithm.MD5));
        ok = md5.invite(UK_MOBILE, OFFER, LIMIT);
        assertThat(ok.status()).as(ok.raw()).isEqualTo(200);
        assertThat(DigestTestClient.params(md5.credentials())).containsEntry("algorithm", "MD5");
        assertThat(md5.bye(LIMIT).status()).isEqualTo(200);

        // Someone who saw alice's INVITE sends her credentials again from elsewhere: refused.
        SipUdpPeer replay = track(new SipUdpPeer(sipPort, "alice"));
        assertThat(replay.inviteWith(UK_MOBILE, OFFER, sha.credentials(), LIMIT).startLine())
                .isEqualTo("SIP/2.0 403 Forbidden");
        assertThat(carrier.awaitExit(LIMIT)).as(carrier.describe()).isZero();

        // Each record is written once the call's money has moved, just after its BYE: wait for both.
        assertThat(CallRecords.awaitOf(dir.resolve("calls.jsonl"), 0, "alice", 2)).hasSize(2);
        assertThat(CallRecords.count(dir.resolve("calls.jsonl"))).isEqualTo(2);
    }

    /** The response with what differs per request (Via, From, To, Call-ID) left out. */
    private static String masked(SipUdpPeer.Message m) {
        return m.raw().replaceAll("(?m)^(Via|From|To|Call-ID): [^\\r\\n]*\\r\\n", "");
    }

    private <T extends AutoCloseable> T track(T closeable) {
        closeables.add(closeable);
        return closeable;
    }
}
