package dev.softswitch.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.softswitch.charging.account.JournalledAccountStore;
import dev.softswitch.charging.money.Money;
import dev.softswitch.gateway.Gateway;
import dev.softswitch.gateway.config.GatewayConfig;
import dev.softswitch.gateway.store.RedisSharedJournal;
import dev.softswitch.gateway.testing.RedisServer;
import dev.softswitch.gateway.testing.TestAccounts;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15 (SCL-1) through real gateways: two nodes share one real redis-server; SIPp places the calls. Credit for
 * one call is answered once whatever node each call reaches; a node killed with SIGKILL mid-call has its call settled
 * by the survivor while the survivor's own call goes on; a store paused mid-call ends the call with its paid time,
 * refuses new calls, and charges once when it is back. After each, balances and call records reconcile to the
 * micro-unit.
 */
@ExtendWith(SippAvailable.class)
class MultiNodeEndToEndTest {

    private static final Duration LIMIT = Duration.ofSeconds(30);
    private static final String UK_MOBILE = "+447400123456";
    private static final long INCREMENT = 20_000; // 0.60 a minute in 2-second increments

    @TempDir
    Path dir;
    private RedisServer redis;
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @BeforeEach
    void startRedis() throws Exception {
        redis = RedisServer.start(dir);
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
        redis.close();
    }

    /** One node's configuration: its own ports and call records, the shared store, the accounts given. */
    private Node node(String name, int carrierPort, String accounts) {
        return node(name, carrierPort, accounts, "1500ms");
    }

    private Node node(String name, int carrierPort, String accounts, String lapse) {
        Node n = new Node(name, SippProcess.freePort(), SippProcess.freeTcpPort(), dir.resolve("calls-" + name + ".jsonl"));
        int mediaBase = 20000 + 2 * (int) ((ProcessHandle.current().pid() + name.hashCode() + System.nanoTime() % 997)
                % 4000);
        n.yaml = """
                sip:
                  listen:
                    - { transport: udp, host: 127.0.0.1, port: %1$d }
                http: { host: 127.0.0.1, port: %6$d }
                media: { host: 127.0.0.1, portMin: %2$d, portMax: %3$d }
                trunks:
                  - { name: sipp-carrier, host: 127.0.0.1, port: %4$d, transport: udp, prefixes: ["44"], probe: false }
                charging:
                  currency: USD
                  store: { type: redis, uri: "%7$s", node: %8$s, prefix: "e2e:", timeout: 500ms, heartbeat: 250ms, lapse: %10$s }
                  rates:
                    - { prefix: "447", destination: UK mobile, perMinute: "0.60", increments: 2/2 }
                  accounts:
                %9$s
                cdr: { file: "%5$s" }
                """.formatted(n.sipPort, mediaBase, mediaBase + 99, carrierPort, n.records, n.httpPort, redis.uri(),
                name, accounts, lapse);
        return n;
    }

    private static final class Node {
        final String name;
        final int sipPort;
        final int httpPort;
        final Path records;
        String yaml;

        Node(String name, int sipPort, int httpPort, Path records) {
            this.name = name;
            this.sipPort = sipPort;
            this.httpPort = httpPort;
            this.records = records;
        }
    }

    private Gateway start(Node n) throws Exception {
        Gateway g = Gateway.start(GatewayConfig.parse(TestAccounts.withPasswords(n.yaml), "node-" + n.name + ".yaml"));
        closeables.add(g);
        return g;
    }

    /** A third node's view of the shared accounts, for the books. */
    private JournalledAccountStore observer() {
        RedisSharedJournal j = RedisSharedJournal.connect(new RedisSharedJournal.Settings(List.of(redis.uri()), false,
                "observer", "e2e:", Duration.ofSeconds(1), RedisSharedJournal.Durability.FSYNC, 0,
                Duration.ofSeconds(5)), new SimpleMeterRegistry());
        closeables.add(j);
        return JournalledAccountStore.shared(j, Clock.systemUTC());
    }

    private static String account(String id, String balance) {
        return "    - { id: %s, balance: \"%s\", number: \"+4474000%05d\" }".formatted(id, balance,
                Math.abs(id.hashCode()) % 100000);
    }

    // ---- one call's credit, two nodes, many interleavings ------------------------------------------

    @Test
    void creditForOneCallIsAnsweredOnceWhicheverNodesTheCallsReach() throws Exception {
        int rounds = 6;
        StringBuilder accounts = new StringBuilder();
        for (int r = 0; r < rounds; r++) {
            accounts.append(account("race" + r, "0.02")).append('\n'); // one 2-second increment
        }
        int carrierPort = SippProcess.freeUdpPort();
        Node a = node("a", carrierPort, accounts.toString().stripTrailing());
        Node b = node("b", carrierPort, accounts.toString().stripTrailing());
        start(a);
        start(b);
        JournalledAccountStore books = observer();
        for (int r = 0; r < rounds; r++) {
            Random random = new Random(r);
            String id = "race" + r;
            SippProcess carrier = track(carrier("credit-exhausted", carrierPort).calls(1).start());
            carrier.awaitListening(Duration.ofSeconds(5));
            Node firstNode = random.nextBoolean() ? a : b;
            Node secondNode = random.nextBoolean() ? a : b;
            SippProcess first = track(client("credit-exhausted", id, firstNode).start());
            LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(random.nextInt(3000)));
            SippProcess second = track(client("credit-exhausted", id, secondNode).start());
            first.awaitExit(LIMIT);
            second.awaitExit(LIMIT);
            // A client whose SIP port was taken between the free-port check and SIPp's bind (seen once in CI)
            // placed no call: it places it again, later, where the credit is gone either way.
            if (first.errors().contains("Unable to bind main socket")) {
                track(client("credit-exhausted", id, firstNode).start()).awaitExit(LIMIT);
            }
            if (second.errors().contains("Unable to bind main socket")) {
                track(client("credit-exhausted", id, secondNode).start()).awaitExit(LIMIT);
            }
            assertThat(carrier.awaitExit(LIMIT)).as("round %d: the carrier got exactly one call, ended by the"
                    + " gateway: %s", r, carrier.describe()).isZero();
            List<JsonNode> records = new ArrayList<>();
            MediaEndToEndTest.await(() -> {
                records.clear();
                records.addAll(recordsOf(id, a, b));
                return records.size() == 2;
            }, Duration.ofSeconds(10));
            assertThat(records.stream().filter(x -> !x.path("answer").isNull() && x.hasNonNull("answer")
                    && x.get("billedSeconds").asLong() > 0)).as("round %d: %s", r, records).hasSize(1);
            long charged = records.stream().mapToLong(x -> micros(x)).sum();
            assertThat(charged).as("round %d", r).isEqualTo(INCREMENT);
            assertThat(books.balance(id)).as("round %d", r).contains(Money.parse("0", "USD"));
            assertThat(books.reserved(id)).isEqualTo(Money.parse("0", "USD"));
        }
    }

    // ---- kill -9 a node mid-call --------------------------------------------------------------------

    @Test
    void aNodeKilledMidCallIsSettledByTheSurvivorWhoseOwnCallGoesOn() throws Exception {
        int carrierPort = SippProcess.freeUdpPort();
        String accounts = account("bob", "1.00");
        Node a = node("a", carrierPort, accounts);
        Node b = node("b", carrierPort, accounts);
        Gateway survivor = start(b);
        Path configA = dir.resolve("node-a.yaml");
        Files.writeString(configA, TestAccounts.withPasswords(a.yaml));
        Process child = GatewayChild.start(configA, dir.resolve("node-a.log"));
        closeables.add(() -> {
            child.destroyForcibly();
            child.waitFor(5, TimeUnit.SECONDS);
        });
        GatewayChild.awaitHealthy(a.httpPort, child, dir.resolve("node-a.log"), Duration.ofSeconds(60));

        SippProcess carrier = track(carrier("basic-call", carrierPort).calls(2).start());
        carrier.awaitListening(Duration.ofSeconds(5));
        SippProcess onA = track(client("basic-call", "bob", a).callDuration(Duration.ofSeconds(30)).start());
        MediaEndToEndTest.await(() -> GatewayChild.metric(a.httpPort, "calls_active") >= 1,
                Duration.ofSeconds(10));
        SippProcess onB = track(client("basic-call", "bob", b).callDuration(Duration.ofSeconds(6)).start());
        MediaEndToEndTest.await(() -> GatewayChild.metric(b.httpPort, "calls_active") >= 1, Duration.ofSeconds(10));
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2_500)); // node a's call talks into its 2nd increment
        child.destroyForcibly(); // SIGKILL: no BYE, no settlement, no last heartbeat
        assertThat(child.waitFor(5, TimeUnit.SECONDS)).isTrue();
        onA.close();

        assertThat(onB.awaitExit(LIMIT)).as("the survivor's own call ends normally: %s", onB.describe()).isZero();
        JsonNode lost = CallRecords.await(b.records, "bob", r -> "node_lost".equals(
                r.path("disconnectCause").asText()), Duration.ofSeconds(15));
        JsonNode own = CallRecords.await(b.records, "bob", r -> !"node_lost".equals(
                r.path("disconnectCause").asText()), Duration.ofSeconds(15));
        long lostCharge = micros(lost);
        assertThat(lostCharge).as("the increments of a's call that began: %s", lost)
                .isBetween(INCREMENT, 3 * INCREMENT);
        assertThat(lostCharge % INCREMENT).isZero();
        long ownCharge = micros(own);
        assertThat(ownCharge).as("%s", own).isEqualTo(own.get("billedSeconds").asLong() * 10_000)
                .isBetween(3 * INCREMENT, 4 * INCREMENT); // 6 s and a little
        JournalledAccountStore books = observer();
        assertThat(books.balance("bob")).contains(Money.ofMicros(1_000_000 - lostCharge - ownCharge, "USD"));
        assertThat(books.reserved("bob")).as("no reservation is orphaned").isEqualTo(Money.parse("0", "USD"));
    }

    // ---- the store paused mid-call ------------------------------------------------------------------

    @Test
    void aStorePausedMidCallEndsTheCallWithItsPaidTimeRefusesNewCallsAndChargesOnce() throws Exception {
        int carrierPort = SippProcess.freeUdpPort();
        String accounts = account("bob", "1.00");
        Node a = node("a", carrierPort, accounts, "20s"); // the pause is shorter: both nodes stay alive
        Node b = node("b", carrierPort, accounts, "20s");
        start(a);
        start(b);
        SippProcess carrier = track(carrier("credit-exhausted", carrierPort).calls(1).start());
        carrier.awaitListening(Duration.ofSeconds(5));
        SippProcess call = track(client("credit-exhausted", "bob", a).start());
        MediaEndToEndTest.await(() -> GatewayChild.metric(a.httpPort, "calls_active") >= 1, Duration.ofSeconds(10));
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(500));
        redis.pause();
        try {
            // the next increment cannot be reserved: the gateway ends the call at the end of its paid time
            assertThat(call.awaitExit(LIMIT)).as(call.describe()).isZero();
            assertThat(carrier.awaitExit(LIMIT)).as(carrier.describe()).isZero();
            // a new call meanwhile is refused, on either node
            SippProcess refused = track(client("refused", "bob", b).set("expected", "503").start());
            refused.awaitExit(LIMIT);
            JsonNode r = CallRecords.await(b.records, "bob", x -> x.get("sipCode").asInt() == 503,
                    Duration.ofSeconds(10));
            assertThat(micros(r)).isZero();
        } finally {
            redis.resume();
        }
        JsonNode settled = CallRecords.await(a.records, "bob", x -> x.get("billedSeconds").asLong() > 0,
                Duration.ofSeconds(20));
        long charge = micros(settled);
        assertThat(charge).as("%s", settled).isBetween(INCREMENT, 2 * INCREMENT);
        assertThat(settled.get("billedSeconds").asLong() * 10_000).isEqualTo(charge);
        JournalledAccountStore books = observer();
        assertThat(books.balance("bob")).contains(Money.ofMicros(1_000_000 - charge, "USD"));
        assertThat(books.reserved("bob")).isEqualTo(Money.parse("0", "USD"));
        assertThat(books.usage("bob", java.time.Instant.EPOCH, java.time.Instant.MAX)).hasSize(1);
    }

    private static long micros(JsonNode record) {
        return record.path("amount").path("micros").asLong(0);
    }

    private static List<JsonNode> recordsOf(String account, Node... nodes) {
        List<JsonNode> out = new ArrayList<>();
        for (Node n : nodes) {
            out.addAll(CallRecords.all(n.records, account));
        }
        return out;
    }

    private SippProcess.Builder carrier(String flow, int port) {
        return SippProcess.builder(SippScenario.uas(flow)).localPort(port).timeout(LIMIT);
    }

    private SippProcess.Builder client(String flow, String account, Node node) {
        return SippProcess.builder(SippScenario.uac(flow)).remote(node.sipPort).service(UK_MOBILE)
                .set("account", account).timeout(LIMIT);
    }

    private SippProcess track(SippProcess p) {
        closeables.add(p);
        return p;
    }
}
