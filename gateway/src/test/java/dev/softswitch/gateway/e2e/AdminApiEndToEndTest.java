package dev.softswitch.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.softswitch.gateway.Gateway;
import dev.softswitch.gateway.auth.DigestAlgorithm;
import dev.softswitch.gateway.config.GatewayConfig;
import dev.softswitch.gateway.testing.TestAccounts;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12's proof of the admin API (OPS-2) through the real gateway: an account created through the API
 * with a password buys credit, looks up a rate and places a SIPp call at once; its explanation and balance
 * are read back through the API; a live call is listed and hung up through the API (both legs get BYE, the
 * call is settled); a drained trunk stays drained across a restart; after the restart on the same journal
 * the account still calls; suspended, its INVITE gets 403 saying why; deleted (ACC-4), no callee number of it is
 * left in its history or the call records, whose amounts stay.
 */
@ExtendWith(SippAvailable.class)
class AdminApiEndToEndTest {

    private static final Duration LIMIT = Duration.ofSeconds(20);
    private static final String TOKEN = "demo-admin-token";
    private static final String UK_MOBILE = "+447400123456";
    private static final ObjectMapper JSON = new ObjectMapper();
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
    Path dir;

    private final List<AutoCloseable> closeables = new ArrayList<>();
    private HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private int sipPort;
    private int httpPort;
    private int carrierPort;

    @AfterEach
    void closeAll() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
    }

    @Test
    void anAccountCreatedThroughTheApiBuysCreditAndCallsAtOnceAndAfterARestart() throws Exception {
        sipPort = SippProcess.freePort();
        httpPort = SippProcess.freeTcpPort();
        carrierPort = SippProcess.freeUdpPort();
        Gateway gateway = start();

        HttpResponse<String> created = send("POST", "/api/v1/accounts", """
                {"id": "dave", "product": "default", "number": "+447400000009", "country": "GB",
                 "timeZone": "Europe/London", "password": "%s"}""".formatted(TestAccounts.password("dave")));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        HttpResponse<String> credit = send("POST", "/api/v1/accounts/dave/credit", "{\"amount\": \"1.00\"}");
        assertThat(credit.statusCode()).as(credit.body()).isEqualTo(201);

        JsonNode rate = json(send("GET", "/api/v1/accounts/dave/rate?number=%2B447400123456", null));
        assertThat(rate.get("callable").asBoolean()).as(rate.toString()).isTrue();
        assertThat(rate.get("destination").asText()).isEqualTo("UK mobile");
        assertThat(rate.get("priceOfFirstIncrement").asText()).isEqualTo("0.06");

        assertThat(call("dave")).isTrue();

        List<JsonNode> records = CallRecords.awaitOf(dir.resolve("calls.jsonl"), 0, "dave", 1);
        String callId = records.get(0).get("callId").asText();
        JsonNode call = json(send("GET", "/api/v1/accounts/dave/calls/" + callId, null));
        assertThat(call.get("amount").asText()).isEqualTo("0.06");
        assertThat(call.get("explanation").asText()).contains("UK mobile");
        JsonNode account = json(send("GET", "/api/v1/accounts/dave", null));
        assertThat(account.at("/balance/total").asText()).isEqualTo("0.94");
        assertThat(account.at("/balance/lots/0/remaining").asText()).isEqualTo("0.94");

        hangUpThroughTheApi("dave");
        JsonNode hungUp = CallRecords.awaitOf(dir.resolve("calls.jsonl"), 0, "dave", 2).get(1);
        assertThat(hungUp.get("hungUpBy").asText()).isEqualTo("gateway");
        assertThat(hungUp.get("disconnectCause").asText()).isEqualTo("operator");
        assertThat(json(send("GET", "/api/v1/accounts/dave", null)).at("/balance/total").asText())
                .as("the hung-up call paid its first minute").isEqualTo("0.88");

        assertThat(json(send("POST", "/api/v1/trunks/sipp-carrier/drain", null)).get("drained").asBoolean()).isTrue();

        gateway.close();
        closeables.remove(gateway);
        start();
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build(); // no connection to the old one
        assertThat(json(send("GET", "/api/v1/trunks", null)).at("/trunks/0/drained").asBoolean())
                .as("a drained trunk stays drained across a restart").isTrue();
        assertThat(json(send("POST", "/api/v1/trunks/sipp-carrier/undrain", null)).get("drained").asBoolean())
                .isFalse();
        assertThat(call("dave")).as("the account's credentials come back from the journal").isTrue();

        assertThat(send("POST", "/api/v1/accounts/dave/suspend", "{\"reason\": \"unpaid invoice\"}").statusCode())
                .isEqualTo(200);
        SipUdpPeer peer = track(new SipUdpPeer(sipPort, "dave", TestAccounts.password("dave"), DigestAlgorithm.MD5));
        assertThat(peer.invite(UK_MOBILE, OFFER, LIMIT).startLine())
                .isEqualTo("SIP/2.0 403 Account Suspended: unpaid invoice");

        // the refused call's record is written once its charging step is done, after the 403
        CallRecords.awaitOf(dir.resolve("calls.jsonl"), 0, "dave", 4);
        JsonNode deleted = json(send("DELETE", "/api/v1/accounts/dave", null));
        assertThat(deleted.get("number").isNull()).isTrue();
        assertThat(deleted.get("callRecordsAnonymised").asInt()).as("three calls and the refused one").isEqualTo(4);
        assertThat(java.nio.file.Files.readString(dir.resolve("calls.jsonl"))).doesNotContain("447400123456");
        assertThat(send("GET", "/api/v1/accounts/dave/history", null).body()).doesNotContain("447400123456")
                .contains("\"amount\" : \"0.06\"");
    }

    private Gateway start() throws Exception {
        int mediaBase = 26000 + 2 * (int) ((ProcessHandle.current().pid() + System.nanoTime() % 991) % 1500);
        String yaml = """
                sip:
                  listen:
                    - { transport: udp, host: 127.0.0.1, port: %1$d }
                http:
                  host: 127.0.0.1
                  port: %2$d
                  tokens: [{ name: demo, role: operator, sha256: "91c16f0d6cc1bec3c3603972182a07c66ff4fa71618a975e963d6dbe42b6dd37" }]
                media: { host: 127.0.0.1, portMin: %3$d, portMax: %4$d }
                trunks:
                  - { name: sipp-carrier, host: 127.0.0.1, port: %5$d, transport: udp, prefixes: ["44"], probe: false }
                charging:
                  currency: USD
                  journal: "%6$s"
                  rates:
                    - { prefix: "447", destination: UK mobile, perMinute: "0.06", increments: 60/60 }
                  accounts:
                    - { id: alice, balance: "10.00", number: "+447400000001" }
                cdr: { file: "%7$s" }
                """.formatted(sipPort, httpPort, mediaBase, mediaBase + 39, carrierPort, dir.resolve("journal"),
                dir.resolve("calls.jsonl"));
        Gateway g = Gateway.start(GatewayConfig.parse(TestAccounts.withPasswords(yaml), "admin-e2e.yaml"));
        closeables.add(g);
        return g;
    }

    /**
     * A call as {@code account} that only the gateway ends (both SIPp sides wait for its BYE): listed by
     * {@code GET /api/v1/calls} once answered, then hung up by {@code DELETE /api/v1/calls/{callId}}.
     */
    private void hangUpThroughTheApi(String account) throws Exception {
        try (SippProcess carrier = SippProcess.builder(SippScenario.uas("credit-exhausted")).localPort(carrierPort)
                .timeout(LIMIT).start()) {
            carrier.awaitListening(Duration.ofSeconds(5));
            try (SippProcess client = SippProcess.builder(SippScenario.uac("credit-exhausted")).remote(sipPort)
                    .service(UK_MOBILE).set("account", account).timeout(LIMIT).start()) {
                String callId = awaitAnsweredCall(account);
                HttpResponse<String> hangUp = send("DELETE", "/api/v1/calls/" + callId, null);
                assertThat(hangUp.statusCode()).as(hangUp.body()).isEqualTo(200);
                assertThat(client.awaitExit(LIMIT)).as(client.describe()).isZero();
                assertThat(carrier.awaitExit(LIMIT)).as(carrier.describe()).isZero();
            }
        }
    }

    /** The Call-ID of {@code account}'s answered call, as the API lists it (bounded wait). */
    private String awaitAnsweredCall(String account) throws Exception {
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while (System.nanoTime() < deadline) {
            for (JsonNode c : json(send("GET", "/api/v1/calls", null)).get("calls")) {
                if (c.get("account").asText().equals(account) && !c.get("answeredAt").isNull()) {
                    return c.get("callId").asText();
                }
            }
            java.util.concurrent.locks.LockSupport.parkNanos(java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(50));
        }
        throw new AssertionError("no answered call of " + account + " within " + LIMIT);
    }

    /** One SIPp call as {@code account} (its password is its test password); true when both sides completed. */
    private boolean call(String account) {
        try (SippProcess carrier = SippProcess.builder(SippScenario.uas("basic-call")).localPort(carrierPort)
                .timeout(LIMIT).start()) {
            carrier.awaitListening(Duration.ofSeconds(5));
            try (SippProcess client = SippProcess.builder(SippScenario.uac("basic-call")).remote(sipPort)
                    .service(UK_MOBILE).set("account", account).callDuration(Duration.ofMillis(500)).timeout(LIMIT)
                    .start()) {
                return client.awaitExit(LIMIT) == 0 && carrier.awaitExit(LIMIT) == 0;
            }
        }
    }

    private HttpResponse<String> send(String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                .timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + TOKEN)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> r) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private <T extends AutoCloseable> T track(T closeable) {
        closeables.add(closeable);
        return closeable;
    }
}
