package dev.softswitch.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.softswitch.gateway.Gateway;
import dev.softswitch.gateway.config.GatewayConfig;
import dev.softswitch.gateway.testing.TestAccounts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Dialog features (issue 11) through the real gateway, a SIPp app client and a SIPp carrier. Session
 * timers (RFC 4028, {@code sipp-scenarios/session-timer}): 422 with Min-SE for an interval under the
 * minimum, {@code Require: timer} taken (it got 420 before), the terms on both legs, and a refresh by
 * UPDATE relayed to the carrier and answered back; the expiry itself (at least 60 s of real time) is
 * proven on the manual clock in {@code DialogFeaturesTest}. The ring timeout: a carrier that rings and
 * never answers is CANCELled and the client gets 480.
 */
@ExtendWith(SippAvailable.class)
class DialogEndToEndTest {

    private static final Duration LIMIT = Duration.ofSeconds(20);

    @TempDir
    static Path dir;

    private static Gateway gateway;
    private static int sipPort;
    private static int carrierPort;
    private static Path callRecords;

    @BeforeAll
    static void startGateway() throws Exception {
        sipPort = SippProcess.freePort();
        carrierPort = SippProcess.freeUdpPort();
        int mediaBase = 20000 + 2 * (int) ((ProcessHandle.current().pid() + 2000) % 4000);
        callRecords = dir.resolve("calls.jsonl");
        String yaml = """
                sip:
                  listen:
                    - { transport: udp, host: 127.0.0.1, port: %1$d }
                  sessionTimers: { expires: 600s, minSe: 90s }
                http: { host: 127.0.0.1, port: %5$d }
                media: { host: 127.0.0.1, portMin: %2$d, portMax: %3$d }
                trunks:
                  - { name: sipp-carrier, host: 127.0.0.1, port: %4$d, transport: udp, prefixes: ["44"], probe: false }
                charging:
                  currency: USD
                  rates:
                    - { prefix: "447", destination: UK mobile, perMinute: "0.60", increments: 2/2 }
                  accounts:
                    - { id: alice, balance: "10.00", number: "+447400000001" }
                cdr: { file: "%6$s" }
                routing: { ringTimeout: 2s }
                """.formatted(sipPort, mediaBase, mediaBase + 19, carrierPort, SippProcess.freeTcpPort(), callRecords);
        gateway = Gateway.start(GatewayConfig.parse(TestAccounts.withPasswords(yaml), "session-timer-e2e.yaml"));
    }

    @AfterAll
    static void stopGateway() {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void sessionTimersAreNegotiatedOnBothLegsAndARefreshByUpdatePassesThrough() throws Exception {
        int before = records();
        try (SippProcess carrier = SippProcess.builder(SippScenario.uas("session-timer")).localPort(carrierPort)
                .timeout(LIMIT).traceMessages().start()) {
            carrier.awaitListening(Duration.ofSeconds(5));
            try (SippProcess client = SippProcess.builder(SippScenario.uac("session-timer")).remote(sipPort)
                    .service("+447400123456").set("account", "alice").callDuration(Duration.ofMillis(300))
                    .timeout(LIMIT).traceMessages().start()) {
                assertThat(client.awaitExit(LIMIT)).as(client.describe()).isZero();
                assertThat(carrier.awaitExit(LIMIT)).as(carrier.describe()).isZero();

                List<SippMessage> toClient = client.receivedMessages();
                SippMessage tooSmall = only(toClient, "SIP/2.0 422");
                assertThat(tooSmall.header("Min-SE")).contains("90");
                List<SippMessage> oks = toClient.stream().filter(m -> m.startLine().startsWith("SIP/2.0 200")).toList();
                SippMessage answer = oks.stream().filter(m -> m.text().contains("INVITE")).findFirst().orElseThrow();
                assertThat(answer.header("Session-Expires")).contains("120;refresher=uac");
                assertThat(answer.header("Require")).contains("timer");
                SippMessage refreshed = oks.stream().filter(m -> m.text().contains(" UPDATE")).findFirst().orElseThrow();
                assertThat(refreshed.header("Session-Expires")).contains("120;refresher=uac");

                List<SippMessage> atCarrier = carrier.receivedMessages();
                SippMessage invite = atCarrier.stream().filter(m -> m.isRequest("INVITE")).findFirst().orElseThrow();
                assertThat(invite.header("Session-Expires")).contains("120;refresher=uas");
                assertThat(invite.header("Min-SE")).contains("90");
                assertThat(invite.headers("Supported")).anySatisfy(s -> assertThat(s).contains("timer"));
                SippMessage update = atCarrier.stream().filter(m -> m.isRequest("UPDATE")).findFirst().orElseThrow();
                // the carrier is its leg's refresher: the gateway's UPDATE says so (uas of this transaction)
                assertThat(update.header("Session-Expires")).contains("120;refresher=uas");
            }
        }
        MediaEndToEndTest.await(DialogEndToEndTest::noActiveCalls, Duration.ofSeconds(10));
        MediaEndToEndTest.await(() -> gateway.relay().portsInUse() == 0, Duration.ofSeconds(5));
        JsonNode record = CallRecords.lastOf(callRecords, before, "alice");
        assertThat(record.get("disconnectCause").asText()).isEqualTo("caller_bye");
    }

    @Test
    void aCarrierThatRingsAndNeverAnswersIsCancelledAtTheRingTimeoutAndTheClientGets480() throws Exception {
        int before = records();
        long started = System.nanoTime();
        try (SippProcess carrier = SippProcess.builder(SippScenario.uas("cancel")).localPort(carrierPort)
                .timeout(LIMIT).traceMessages().start()) {
            carrier.awaitListening(Duration.ofSeconds(5));
            try (SippProcess client = SippProcess.builder(SippScenario.uac("rejected")).remote(sipPort)
                    .service("+447400123456").set("account", "alice").set("expected", "480").timeout(LIMIT).start()) {
                assertThat(client.awaitExit(LIMIT)).as(client.describe()).isZero();
                assertThat(carrier.awaitExit(LIMIT)).as(carrier.describe()).isZero();
                assertThat(carrier.receivedMessages()).anySatisfy(m -> assertThat(m.isRequest("CANCEL")).isTrue());
            }
        }
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
        MediaEndToEndTest.await(DialogEndToEndTest::noActiveCalls, Duration.ofSeconds(10));
        MediaEndToEndTest.await(() -> gateway.relay().portsInUse() == 0, Duration.ofSeconds(5));
        JsonNode record = CallRecords.lastOf(callRecords, before, "alice");
        assertThat(record.get("disconnectCause").asText()).isEqualTo("ring_timeout");
        assertThat(record.get("sipCode").asInt()).isEqualTo(480);
    }

    private static int records() throws Exception {
        return Files.exists(callRecords) ? Files.readAllLines(callRecords).size() : 0;
    }

    private static boolean noActiveCalls() {
        try {
            return gateway.activeCalls() == 0;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static SippMessage only(List<SippMessage> messages, String startLine) {
        List<SippMessage> found = messages.stream().filter(m -> m.startLine().startsWith(startLine)).toList();
        assertThat(found).as(startLine).hasSize(1);
        return found.get(0);
    }
}
