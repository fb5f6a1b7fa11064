package dev.softswitch.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.softswitch.charging.money.Money;
import dev.softswitch.gateway.Gateway;
import dev.softswitch.gateway.config.GatewayConfig;
import dev.softswitch.gateway.testing.TestAccounts;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The walking skeleton end to end (issue #3): the real gateway, started in this JVM on loopback
 * ports, between a SIPp app client and a SIPp carrier. Nothing is mocked at the protocol boundary.
 */
@ExtendWith(SippAvailable.class)
class GatewayEndToEndTest {

    private static final Duration LIMIT = Duration.ofSeconds(30);
    private static final String UK_MOBILE = "+447400123456";

    @TempDir
    static Path dir;

    private static Gateway gateway;
    private static int sipPort;
    private static int carrierPort;
    private static Path callRecords;

    private final List<SippProcess> processes = new ArrayList<>();
    private int recordsBefore;

    @BeforeAll
    static void startGateway() throws Exception {
        sipPort = SippProcess.freePort();
        carrierPort = SippProcess.freeUdpPort();
        int mediaBase = 20000 + 2 * (int) (ProcessHandle.current().pid() % 4000);
        callRecords = dir.resolve("calls.jsonl");
        String yaml = """
                sip:
                  listen:
                    - { transport: udp, host: 127.0.0.1, port: %1$d }
                    - { transport: tcp, host: 127.0.0.1, port: %1$d }
                http: { host: 127.0.0.1, port: %6$d }
                media: { host: 127.0.0.1, portMin: %2$d, portMax: %3$d }
                trunks:
                  - { name: sipp-carrier, host: 127.0.0.1, port: %4$d, transport: udp, prefixes: ["44", "81"], probe: false }
                charging:
                  currency: USD
                  rates:
                    - { prefix: "447", destination: UK mobile, perMinute: "0.60", increments: 2/2 }
                    - { prefix: "44", destination: UK, perMinute: "0.03", increments: 60/60 }
                    - { prefix: "33", destination: France, perMinute: "0.03", increments: 60/60 }
                  accounts:
                    - { id: alice, balance: "10.00", number: "+447400000001" }
                    - { id: dave, balance: "10.00", number: "+819012345678" }
                    - { id: erin, balance: "10.00", number: "+66812345678" }
                    - { id: bob, balance: "0.06", number: "+447400000002" }
                    - { id: carol, balance: "0", number: "+447400000003" }
                cdr: { file: "%5$s" }
                """.formatted(sipPort, mediaBase, mediaBase + 199, carrierPort, callRecords, SippProcess.freeTcpPort());
        gateway = Gateway.start(GatewayConfig.parse(TestAccounts.withPasswords(yaml), "e2e.yaml"));
    }

    @AfterAll
    static void stopGateway() {
        if (gateway != null) {
            gateway.close();
        }
    }

    @AfterEach
    void stopSipp() throws Exception {
        processes.forEach(SippProcess::close);
        await(() -> activeCalls() == 0, Duration.ofSeconds(10));
    }

    @ParameterizedTest
    @EnumSource(SippTransport.class)
    void answeredCallCallerHangsUp(SippTransport clientTransport) throws Exception {
        String account = clientTransport == SippTransport.UDP ? "alice" : "dave";
        Money before = gateway.accounts().balance(account).orElseThrow();
        SippProcess carrier = carrier("basic-call").traceMessages().start();
        track(carrier).awaitListening(Duration.ofSeconds(5));
        SippProcess client = track(client("basic-call", account, UK_MOBILE)
                .transport(clientTransport)
                .callDuration(Duration.ofMillis(500))
                .traceMessages()
                .start());

        assertThat(client.awaitExit(LIMIT)).as(client.describe()).isZero();
        assertThat(carrier.awaitExit(LIMIT)).as(carrier.describe()).isZero();

        // The carrier sees only the gateway: its own Call-ID, the gateway's Via and Contact.
        SippMessage invite = carrier.receivedMessages().get(0);
        SippMessage clientInvite = client.sentMessages().get(0);
        assertThat(invite.header("Call-ID")).isNotEqualTo(clientInvite.header("Call-ID"));
        assertThat(invite.header("Via").orElseThrow()).contains("127.0.0.1:" + sipPort)
                .doesNotContain(":" + client.localPort());
        assertThat(invite.header("Contact").orElseThrow()).contains("gw@127.0.0.1:" + sipPort);
        assertThat(invite.body()).doesNotContain("m=audio " + client.mediaPort());
        assertThat(carrier.receivedMessages()).extracting(m -> m.startLine().split(" ")[0])
                .containsExactly("INVITE", "ACK", "BYE");

        // Half a second of talk is one started 2-second increment of 0.60/min: 0.02.
        JsonNode record = lastRecordOf(account);
        assertThat(record.get("disconnectCause").asText()).isEqualTo("caller_bye");
        assertThat(record.get("amount").get("micros").asLong()).isEqualTo(20_000);
        assertThat(gateway.accounts().balance(account)).contains(before.minus(Money.parse("0.02", "USD")));
        assertThat(gateway.relay().portsInUse()).isZero();
    }

    @Test
    void carrierHangsUp() throws Exception {
        SippProcess carrier = track(carrier("callee-hangup").callDuration(Duration.ofMillis(300)).start());
        carrier.awaitListening(Duration.ofSeconds(5));
        SippProcess client = track(client("callee-hangup", "alice", UK_MOBILE).start());

        assertThat(client.awaitExit(LIMIT)).as(client.describe()).isZero();
        assertThat(carrier.awaitExit(LIMIT)).as(carrier.describe()).isZero();
        assertThat(lastRecordOf("alice").get("hungUpBy").asText()).isEqualTo("callee");
    }

    @Test
    void cancelBeforeAnswerCancelsTheCarrierLeg() throws Exception {
        SippProcess carrier = track(carrier("cancel").start());
        carrier.awaitListening(Duration.ofSeconds(5));
        SippProcess client = track(client("cancel", "alice", UK_MOBILE).callDuration(Duration.ofMillis(300)).start());

        assertThat(client.awaitExit(LIMIT)).as(client.describe()).isZero();
        assertThat(carrier.awaitExit(LIMIT)).as(carrier.describe()).isZero();
        JsonNode record = lastRecordOf("alice");
        assertThat(record.get("sipCode").asInt()).isEqualTo(487);
        assertThat(record.get("answer").isNull()).isTrue();
    }

    @Test
    void carrierBusyReachesTheClient() throws Exception {
        SippProcess carrier = track(carrier("busy").start());
        carrier.awaitListening(Duration.ofSeconds(5));
        SippProcess client = track(client("busy", "alice", UK_MOBILE).start());

        assertThat(client.awaitExit(LIMIT)).as(client.describe()).isZero();
        assertThat(carrier.awaitExit(LIMIT)).as(carrier.describe()).isZero();
        assertThat(lastRecordOf("alice").get("sipCode").asInt()).isEqualTo(486);
    }

    @Test
    void numberNoTrunkServesGets404() throws Exception {
        SippProcess client = track(client("rejected", "alice", "+33142685300").set("expected", "404")
                .traceMessages().start());
        assertThat(client.awaitExit(LIMIT)).as(client.describe()).isZero();
        assertThat(client.finalResponse()).hasValue("SIP/2.0 404 No Route To France");
    }

    @Test
    void insufficientCreditGets402() throws Exception {
        SippProcess client = track(client("rejected", "carol", UK_MOBILE).set("expected", "402")
                .traceMessages().start());
        assertThat(client.awaitExit(LIMIT)).as(client.describe()).isZero();
        assertThat(client.finalResponse()).hasValue("SIP/2.0 402 Insufficient Credit");
    }

    @Test
    void creditRunningOutSendsByeToBothLegsAtTheEndOfTheLastPaidIncrement() throws Exception {
        // bob's 0.06 pays three 2-second increments of 0.60/min: the gateway must hang up at 6 s.
        SippProcess carrier = track(carrier("credit-exhausted").traceMessages().timeout(LIMIT).start());
        carrier.awaitListening(Duration.ofSeconds(5));
        SippProcess client = track(client("credit-exhausted", "bob", UK_MOBILE).traceMessages().timeout(LIMIT).start());

        assertThat(client.awaitExit(LIMIT)).as(client.describe()).isZero();
        assertThat(carrier.awaitExit(LIMIT)).as(carrier.describe()).isZero();

        JsonNode record = lastRecordOf("bob");
        assertThat(record.get("disconnectCause").asText()).isEqualTo("credit_exhausted");
        assertThat(record.get("hungUpBy").asText()).isEqualTo("gateway");
        assertThat(record.get("billedSeconds").asLong()).isEqualTo(6);
        assertThat(record.get("amount").get("micros").asLong()).isEqualTo(60_000);
        assertThat(record.get("durationMillis").asLong()).isBetween(5_900L, 6_500L);
        assertThat(gateway.accounts().balance("bob")).contains(Money.parse("0", "USD"));

        Duration talk = Duration.between(
                sent(client, "ACK").loggedAt(), received(client, "BYE").loggedAt());
        assertThat(talk).isBetween(Duration.ofMillis(5_500), Duration.ofMillis(6_800));
    }

    @Test
    void rtpFlowsThroughTheRelayBothWays() throws Exception {
        long before = gateway.relay().packetsRelayed();
        SippProcess carrier = track(carrier("rtp").rtpEcho().start());
        carrier.awaitListening(Duration.ofSeconds(5));
        // g711a.pcap has 30 ms frames: 3 s was exactly 100 frames, at the edge of the counts below
        SippProcess client = track(client("rtp", "erin", UK_MOBILE).callDuration(Duration.ofMillis(4000))
                .traceMessages().start());

        assertThat(client.awaitExit(LIMIT)).as(client.describe()).isZero();
        assertThat(carrier.awaitExit(LIMIT)).as(carrier.describe()).isZero();

        // ~4 s of 30 ms frames each way (~130); the answer the client saw points at a relay port.
        long relayed = gateway.relay().packetsRelayed() - before;
        assertThat(relayed).isGreaterThan(200);
        // The call record carries the relay's figures for each direction (MED-4) and the destination.
        JsonNode record = lastRecordOf("erin");
        assertThat(record.get("media").get("clientToCarrier").get("packets").asLong()).isGreaterThan(100);
        assertThat(record.get("media").get("carrierToClient").get("packets").asLong()).isGreaterThan(100);
        assertThat(record.get("destinationCountry").asText()).isEqualTo("GB");
        assertThat(record.get("numberType").asText()).isEqualTo("MOBILE");
        assertThat(received(client, "200").body()).doesNotContain("m=audio " + carrier.mediaPort());
        String metrics = get("/metrics");
        assertThat(metrics).contains("relay_packets_total");
    }

    @Test
    void metricsShowCallsInPrometheusFormat() throws Exception {
        SippProcess carrier = track(carrier("basic-call").start());
        carrier.awaitListening(Duration.ofSeconds(5));
        SippProcess client = track(client("basic-call", "erin", UK_MOBILE).callDuration(Duration.ofMillis(100)).start());
        assertThat(client.awaitExit(LIMIT)).as(client.describe()).isZero();
        assertThat(carrier.awaitExit(LIMIT)).as(carrier.describe()).isZero();

        String metrics = get("/metrics");
        assertThat(metrics)
                .contains("sip_requests_received_total{method=\"INVITE\"}")
                .contains("calls_attempts_total{outcome=\"answered\"}")
                .contains("calls_active ")
                .contains("calls_teardowns_total{reason=\"caller_bye\"}")
                .contains("charging_debited_micros_total{currency=\"USD\"}");
    }

    // ---- helpers ----------------------------------------------------------------------------

    private SippProcess.Builder carrier(String flow) {
        return SippProcess.builder(SippScenario.uas(flow)).localPort(carrierPort).timeout(LIMIT);
    }

    private SippProcess.Builder client(String flow, String account, String number) {
        return SippProcess.builder(SippScenario.uac(flow))
                .remote(sipPort)
                .service(number)
                .set("account", account)
                .timeout(LIMIT);
    }

    private SippProcess track(SippProcess p) {
        processes.add(p);
        return p;
    }

    private static SippMessage sent(SippProcess p, String startsWith) {
        return p.sentMessages().stream().filter(m -> m.startLine().startsWith(startsWith)).findFirst().orElseThrow(
                () -> new AssertionError("no " + startsWith + " sent\n" + p.describe()));
    }

    private static SippMessage received(SippProcess p, String what) {
        return p.receivedMessages().stream()
                .filter(m -> m.startLine().startsWith(what) || m.startLine().startsWith("SIP/2.0 " + what))
                .findFirst().orElseThrow(() -> new AssertionError("no " + what + " received\n" + p.describe()));
    }

    /** The call record of {@code account} written during this test (waits for it: it follows the last SIP message). */
    private JsonNode lastRecordOf(String account) throws Exception {
        ObjectMapper json = new ObjectMapper();
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (true) {
            List<String> lines = Files.exists(callRecords) ? Files.readAllLines(callRecords) : List.of();
            for (int i = lines.size() - 1; i >= recordsBefore; i--) {
                JsonNode node = json.readTree(lines.get(i));
                if (account.equals(node.get("caller").asText())) {
                    return node;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no call record for " + account + " after line " + recordsBefore + " in " + lines);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }

    @BeforeEach
    void countRecords() throws Exception {
        recordsBefore = Files.exists(callRecords) ? Files.readAllLines(callRecords).size() : 0;
    }

    private static int activeCalls() {
        try {
            return gateway.activeCalls();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String get(String path) throws Exception {
        var address = gateway.httpAddress();
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + address.getPort() + path)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }

    /** Polls {@code condition} until it holds or {@code limit} passes (bounded; no fixed sleeps). */
    private static void await(BooleanSupplier condition, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + limit);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }
}
