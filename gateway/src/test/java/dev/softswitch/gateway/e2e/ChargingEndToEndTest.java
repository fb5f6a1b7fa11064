package dev.softswitch.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.softswitch.charging.money.Money;
import dev.softswitch.charging.session.ChargingEngine;
import dev.softswitch.gateway.Gateway;
import dev.softswitch.gateway.config.GatewayConfig;
import dev.softswitch.gateway.testing.TestAccounts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #6's end-to-end proof through the real gateway: concurrent calls of one account sharing the
 * credit, the durable journal across a clean restart, and a {@code kill -9} of a gateway JVM in the
 * middle of a call. Each test starts its own gateway(s) on free loopback ports.
 */
@ExtendWith(SippAvailable.class)
class ChargingEndToEndTest {

    private static final Duration LIMIT = Duration.ofSeconds(20);
    private static final String UK_MOBILE = "+447400123456";
    private static final Money TWO_SECONDS = Money.parse("0.02", "USD");

    @TempDir
    Path dir;

    private final List<AutoCloseable> closeables = new ArrayList<>();
    private int carrierPort;
    private int sipPort;

    @AfterEach
    void closeAll() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
    }

    /** A gateway configuration on fresh loopback ports: 0.60/min in 2-second increments to UK mobiles. */
    private String yaml(String journal, String balance) {
        sipPort = SippProcess.freePort();
        carrierPort = SippProcess.freeUdpPort();
        int mediaBase = 20000 + 2 * (int) ((ProcessHandle.current().pid() + 2000 + System.nanoTime() % 997) % 4000);
        return """
                sip:
                  listen:
                    - { transport: udp, host: 127.0.0.1, port: %1$d }
                http: { host: 127.0.0.1, port: %6$d }
                media: { host: 127.0.0.1, portMin: %2$d, portMax: %3$d }
                trunks:
                  - { name: sipp-carrier, host: 127.0.0.1, port: %4$d, transport: udp, prefixes: ["44"], probe: false }
                charging:
                  currency: USD
                %7$s
                  rates:
                    - { prefix: "447", destination: UK mobile, perMinute: "0.60", increments: 2/2 }
                  accounts:
                    - { id: bob, balance: "%8$s", number: "+447400000002" }
                cdr: { file: "%5$s" }
                """.formatted(sipPort, mediaBase, mediaBase + 99, carrierPort, dir.resolve("calls.jsonl"),
                SippProcess.freeTcpPort(), journal == null ? "" : "  journal: \"" + journal + "\"", balance);
    }

    private Gateway start(String yaml) throws Exception {
        Gateway g = Gateway.start(GatewayConfig.parse(TestAccounts.withPasswords(yaml), "charging-e2e.yaml"));
        closeables.add(g);
        return g;
    }

    // ---- (a) two calls, one purse --------------------------------------------------------------

    @Test
    void twoConcurrentCallsShareCreditForThreeIncrementsInTotal() throws Exception {
        Gateway gateway = start(yaml(null, "0.06"));
        SippProcess carrier = track(carrier("credit-exhausted").calls(2).start());
        carrier.awaitListening(Duration.ofSeconds(5));
        SippProcess client = track(client("credit-exhausted", "bob").calls(2).concurrentCalls(2).rate(20).start());

        // Both SIPp sides end 0 only if each of their two calls got the gateway's BYE.
        assertThat(client.awaitExit(LIMIT)).as(client.describe()).isZero();
        assertThat(carrier.awaitExit(LIMIT)).as(carrier.describe()).isZero();

        List<JsonNode> records = CallRecords.awaitOf(dir.resolve("calls.jsonl"), 0, "bob", 2);
        assertThat(records).hasSize(2);
        long total = 0;
        long billed = 0;
        for (JsonNode r : records) {
            assertThat(r.get("disconnectCause").asText()).isEqualTo("credit_exhausted");
            assertThat(r.get("hungUpBy").asText()).isEqualTo("gateway");
            total += r.get("amount").get("micros").asLong();
            billed += r.get("billedSeconds").asLong();
        }
        assertThat(total).isEqualTo(60_000);
        assertThat(billed).isEqualTo(6);
        assertThat(records).extracting(r -> r.get("billedSeconds").asLong()).containsExactlyInAnyOrder(2L, 4L);
        assertThat(gateway.accounts().balance("bob")).contains(Money.parse("0", "USD"));
        assertThat(gateway.accounts().available("bob")).isEqualTo(Money.parse("0", "USD"));
        assertThat(gateway.accounts().reserved("bob")).isEqualTo(Money.parse("0", "USD"));
        assertThat(gateway.relay().portsInUse()).isZero();
    }

    // ---- (b) journal across a clean restart ----------------------------------------------------

    @Test
    void balanceSurvivesARestartOnTheSameJournal() throws Exception {
        Path journal = dir.resolve("journal");
        Gateway first = start(yaml(journal.toString(), "1.00"));
        SippProcess carrier = track(carrier("basic-call").start());
        carrier.awaitListening(Duration.ofSeconds(5));
        SippProcess client = track(client("basic-call", "bob").callDuration(Duration.ofMillis(500)).start());
        assertThat(client.awaitExit(LIMIT)).as(client.describe()).isZero();
        assertThat(carrier.awaitExit(LIMIT)).as(carrier.describe()).isZero();
        MediaEndToEndTest.await(() -> first.accounts().balance("bob").orElseThrow().micros() < 1_000_000,
                Duration.ofSeconds(5));
        Money after = first.accounts().balance("bob").orElseThrow();
        assertThat(after).isEqualTo(Money.parse("0.98", "USD"));
        first.close();

        Gateway second = start(yaml(journal.toString(), "1.00"));
        assertThat(second.accounts().balance("bob")).contains(after);
        assertThat(second.accounts().available("bob")).isEqualTo(after);

        // And once more: a second restart neither resets nor doubles anything.
        second.close();
        Gateway third = start(yaml(journal.toString(), "1.00"));
        assertThat(third.accounts().balance("bob")).contains(after);
    }

    // ---- (c) kill -9 in the middle of a call -------------------------------------------------

    @Test
    void killedGatewayRestartsAndBillsTheIncrementsTheLiveCallBegan() throws Exception {
        Path journal = dir.resolve("journal");
        String config = yaml(journal.toString(), "1.00");
        Path configFile = dir.resolve("gateway.yaml");
        Files.writeString(configFile, TestAccounts.withPasswords(config));
        int httpPort = Integer.parseInt(config.replaceAll("(?s).*http: \\{ host: 127.0.0.1, port: (\\d+) }.*", "$1"));

        Process child = GatewayChild.start(configFile, dir.resolve("child.log"));
        closeables.add(() -> {
            child.destroyForcibly();
            child.waitFor(5, TimeUnit.SECONDS);
        });
        GatewayChild.awaitHealthy(httpPort, child, dir.resolve("child.log"), Duration.ofSeconds(60));

        SippProcess carrier = track(carrier("credit-exhausted").start());
        carrier.awaitListening(Duration.ofSeconds(5));
        SippProcess client = track(client("credit-exhausted", "bob").start());
        // Wait until the call is up and at least its second increment is reserved (the first at answer).
        MediaEndToEndTest.await(() -> GatewayChild.metric(httpPort, "calls_active") >= 1, Duration.ofSeconds(10));
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1_500)); // let it talk into its 2nd increment
        assertThat(child.isAlive()).as(GatewayChild.read(dir.resolve("child.log"))).isTrue();
        child.destroyForcibly(); // SIGKILL: no shutdown hook, no BYE, no settlement
        assertThat(child.waitFor(5, TimeUnit.SECONDS)).isTrue();
        client.close();
        carrier.close();

        int recordsBefore = CallRecords.count(dir.resolve("calls.jsonl"));
        Gateway restarted = start(yaml(journal.toString(), "1.00"));
        Money opening = Money.parse("1.00", "USD");
        Money balance = restarted.accounts().balance("bob").orElseThrow();
        // Issue 12: the call live at the kill is settled at the restart: the increments that began (the first at
        // answer, each earlier one once the next was reserved) are charged, the last reserved one handed back.
        assertThat(restarted.accounts().reserved("bob")).isEqualTo(Money.parse("0", "USD"));
        assertThat(balance.micros()).isBetween(opening.micros() - 3 * TWO_SECONDS.micros(),
                opening.micros() - TWO_SECONDS.micros());
        assertThat((opening.micros() - balance.micros()) % TWO_SECONDS.micros()).isZero();
        assertThat(restarted.accounts().available("bob")).isEqualTo(balance);
        JsonNode record = CallRecords.lastOf(dir.resolve("calls.jsonl"), recordsBefore, "bob");
        assertThat(record.get("disconnectCause").asText()).isEqualTo("gateway_restart");
        assertThat(record.get("amount").get("micros").asLong()).isEqualTo(opening.micros() - balance.micros());
        assertThat(restarted.accounts().housekeeping()
                .expire(Instant.now().plus(ChargingEngine.DEFAULT_RESERVATION_TTL).plusSeconds(1))).isZero();
        assertThat(restarted.accounts().balance("bob")).contains(balance);
    }

    private SippProcess.Builder carrier(String flow) {
        return SippProcess.builder(SippScenario.uas(flow)).localPort(carrierPort).timeout(LIMIT);
    }

    private SippProcess.Builder client(String flow, String account) {
        return SippProcess.builder(SippScenario.uac(flow)).remote(sipPort).service(UK_MOBILE)
                .set("account", account).timeout(LIMIT);
    }

    private SippProcess track(SippProcess p) {
        closeables.add(p);
        return p;
    }
}
