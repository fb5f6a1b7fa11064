package dev.softswitch.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * OPS-3 / issue #4: trunks reload from the configuration file without a restart ({@code POST
 * /api/v1/reload} with an operator token); a bad file is refused whole, naming its line, and the running
 * routing stays.
 */
@ExtendWith(SippAvailable.class)
class ReloadEndToEndTest {

    private static final Duration LIMIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    @Test
    void reloadSwitchesTrunksWithoutRestartAndABadFileChangesNothing() throws Exception {
        int sipPort = SippProcess.freePort();
        int httpPort = SippProcess.freeTcpPort();
        int first = SippProcess.freeUdpPort();
        int second = SippProcess.freeUdpPort();
        int mediaBase = 30000 + 2 * (int) Math.floorMod(System.nanoTime(), 1300L);
        Path config = dir.resolve("gateway.yaml");
        Files.writeString(config, TestAccounts.withPasswords(yaml(sipPort, httpPort, mediaBase, "first", first, "120d")));
        Gateway gateway = Gateway.start(GatewayConfig.load(config), config);
        open.add(gateway);
        assertThat(gateway.charging().historyPeriod()).isEqualTo(Duration.ofDays(120));
        assertThat(gateway.accounts().housekeeping().usageRetention()).as("settled calls kept as long")
                .isEqualTo(Duration.ofDays(120));

        assertThat(callVia(sipPort, first)).isTrue();

        Files.writeString(config, TestAccounts.withPasswords(yaml(sipPort, httpPort, mediaBase, "second", second, "200d")));
        HttpResponse<String> ok = post(httpPort, "/api/v1/reload");
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        assertThat(ok.body()).contains("trunks and buy-rate decks").contains("the usage history's period")
                .contains("\"notReloaded\" : [ ]");
        assertThat(gateway.charging().historyPeriod()).isEqualTo(Duration.ofDays(200));
        assertThat(gateway.accounts().housekeeping().usageRetention()).isEqualTo(Duration.ofDays(200));
        assertThat(callVia(sipPort, second)).isTrue();

        Files.writeString(config, TestAccounts.withPasswords(yaml(sipPort, httpPort, mediaBase, "third", 70000, "200d")));
        HttpResponse<String> refused = post(httpPort, "/api/v1/reload");
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("the running one stays")
                .contains("gateway.yaml:").contains("70000 is not a valid port");
        assertThat(callVia(sipPort, second)).isTrue();
    }

    /** Places one call through the gateway with a carrier on {@code carrierPort}; true when it got there. */
    private boolean callVia(int sipPort, int carrierPort) {
        try (SippProcess carrier = SippProcess.builder(SippScenario.uas("basic-call")).localPort(carrierPort)
                .timeout(LIMIT).start();
             SippProcess client = startClient(carrier, sipPort)) {
            return client.awaitExit(LIMIT) == 0 && carrier.awaitExit(LIMIT) == 0;
        }
    }

    private static SippProcess startClient(SippProcess carrier, int sipPort) {
        carrier.awaitListening(Duration.ofSeconds(5));
        return SippProcess.builder(SippScenario.uac("basic-call")).remote(sipPort).service("+447400123456")
                .set("account", "alice").callDuration(Duration.ofMillis(100)).timeout(LIMIT).start();
    }

    private static HttpResponse<String> post(int port, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer demo-admin-token")
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    private String yaml(int sipPort, int httpPort, int mediaBase, String trunk, int carrierPort, String history) {
        return """
                sip:
                  listen:
                    - { transport: udp, host: 127.0.0.1, port: %1$d }
                http:
                  host: 127.0.0.1
                  port: %2$d
                  tokens: [{ name: demo, role: operator, sha256: "91c16f0d6cc1bec3c3603972182a07c66ff4fa71618a975e963d6dbe42b6dd37" }]
                media: { host: 127.0.0.1, portMin: %3$d, portMax: %4$d }
                trunks:
                  - name: %5$s
                    host: 127.0.0.1
                    port: %6$d
                    transport: udp
                    prefixes: ["44"]
                    probe: false
                charging:
                  currency: USD
                  historyPeriod: %8$s
                  rates:
                    - { prefix: "44", destination: UK, perMinute: "0.03", increments: 60/60 }
                  accounts:
                    - { id: alice, balance: "10.00", number: "+447400000001" }
                cdr: { file: "%7$s" }
                """.formatted(sipPort, httpPort, mediaBase, mediaBase + 99, trunk, carrierPort,
                dir.resolve("calls.jsonl"), history);
    }
}
