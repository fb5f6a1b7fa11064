package dev.softswitch.gateway.store;

import dev.softswitch.charging.account.JournalledAccountStore;
import dev.softswitch.charging.account.NodeSettlement;
import dev.softswitch.charging.cdr.ChargedCall;
import dev.softswitch.charging.journal.JournalUnavailableException;
import dev.softswitch.charging.money.Money;
import dev.softswitch.charging.session.Authorisation;
import dev.softswitch.charging.session.ChargingEngine;
import dev.softswitch.charging.session.ChargingSession;
import dev.softswitch.charging.session.DenialReason;
import dev.softswitch.charging.fairuse.FairUseAction;
import dev.softswitch.charging.fairuse.FairUsePolicy;
import dev.softswitch.charging.fairuse.Hold;
import dev.softswitch.charging.fairuse.Step;
import dev.softswitch.charging.product.Product;
import dev.softswitch.charging.product.ProductCatalog;
import dev.softswitch.charging.tariff.Rate;
import dev.softswitch.charging.tariff.RateSchedule;
import dev.softswitch.charging.tariff.Tax;
import dev.softswitch.charging.tariff.RateTable;
import dev.softswitch.gateway.testing.RedisCluster;
import dev.softswitch.gateway.testing.RedisSentinel;
import dev.softswitch.gateway.testing.RedisServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Issue 15 (SCL-1): two charging stores, as two gateway nodes, sharing one real redis-server: credit is spent once
 * whatever the interleaving, a node's death is settled by a survivor exactly once, and a store that is gone refuses
 * new calls while nothing is charged twice when it comes back.
 */
class SharedChargingStoreTest {

    private static final Rate US = new Rate("1", "USA", usd("1"), usd("0.1"), 60, 60);
    private static final Duration LAPSE = Duration.ofMillis(600);

    @TempDir
    Path dir;
    private RedisServer redis;
    private final List<RedisSharedJournal> journals = new ArrayList<>();

    private static Money usd(String s) {
        return Money.parse(s, "USD");
    }

    @BeforeEach
    void startRedis() throws Exception {
        redis = RedisServer.start(dir);
    }

    @AfterEach
    void stopRedis() throws Exception {
        journals.forEach(RedisSharedJournal::close);
        redis.close();
    }

    private RedisSharedJournal journal(String node) {
        RedisSharedJournal j = RedisSharedJournal.connect(new RedisSharedJournal.Settings(List.of(redis.uri()), false,
                node, "t:", Duration.ofMillis(500), RedisSharedJournal.Durability.FSYNC, 0, LAPSE),
                new SimpleMeterRegistry());
        journals.add(j);
        return j;
    }

    private static JournalledAccountStore store(RedisSharedJournal j) {
        return JournalledAccountStore.shared(j, Clock.systemUTC());
    }

    @Test
    void creditForOneCallPaysForOneCallWhateverTheInterleavingOfTwoNodes() throws Exception {
        JournalledAccountStore a = store(journal("a"));
        JournalledAccountStore b = store(journal("b"));
        ChargingEngine ea = new ChargingEngine(a, RateTable.of(List.of(US)));
        ChargingEngine eb = new ChargingEngine(b, RateTable.of(List.of(US)));
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int seed = 0; seed < 40; seed++) {
                Random random = new Random(seed);
                String account = "acct" + seed;
                (seed % 2 == 0 ? a : b).create(account, usd("1.1")); // the first minute and the connect fee
                CyclicBarrier go = new CyclicBarrier(2);
                int delayA = random.nextInt(300);
                int delayB = random.nextInt(300);
                CompletableFuture<Authorisation> onA = CompletableFuture.supplyAsync(() -> race(go, delayA,
                        () -> ea.authorise("call-a-" + account, account, "12125550100")), pool);
                CompletableFuture<Authorisation> onB = CompletableFuture.supplyAsync(() -> race(go, delayB,
                        () -> eb.authorise("call-b-" + account, account, "12125550100")), pool);
                List<Authorisation> both = List.of(onA.get(), onB.get());
                long granted = both.stream().filter(x -> x instanceof Authorisation.Granted).count();
                assertThat(granted).as("seed %d: %s", seed, both).isEqualTo(1);
                Authorisation.Denied denied = (Authorisation.Denied) both.stream()
                        .filter(x -> x instanceof Authorisation.Denied).findFirst().orElseThrow();
                assertThat(denied.reason()).as("seed %d", seed).isEqualTo(DenialReason.INSUFFICIENT_CREDIT);
                ChargingSession winner = ((Authorisation.Granted) both.stream()
                        .filter(x -> x instanceof Authorisation.Granted).findFirst().orElseThrow()).session();
                Instant t = Instant.now();
                winner.start(t);
                winner.end(t.plusSeconds(30));
                JournalledAccountStore books = store(journal("books-" + seed)); // reads the account afresh
                assertThat(books.balance(account)).as("seed %d", seed).contains(usd("0"));
                assertThat(books.reserved(account)).isEqualTo(usd("0"));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static Authorisation race(CyclicBarrier go, int delayMicros, java.util.function.Supplier<Authorisation> f) {
        try {
            go.await();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        LockSupport.parkNanos(delayMicros * 1000L);
        return f.get();
    }

    @Test
    void theCallsOfANodeWhoseHeartbeatLapsedAreSettledOnceByASurvivor() throws Exception {
        RedisSharedJournal ja = journal("a");
        JournalledAccountStore a = store(ja);
        JournalledAccountStore b = store(journal("b"));
        a.create("alice", usd("10"));
        ChargingEngine ea = new ChargingEngine(a, RateTable.of(List.of(US)));
        ChargingSession talking = ((Authorisation.Granted) ea.authorise("c1", "alice", "12125550100")).session();
        talking.start(Instant.now());
        assertThat(talking.reserveNext()).isTrue(); // the second minute, reserved as the first runs out
        ChargingSession ringing = ((Authorisation.Granted) ea.authorise("c2", "alice", "12125550100")).session();
        assertThat(b.reserved("alice")).isEqualTo(usd("3.2"));
        ja.close(); // node a dies: no settlement, no heartbeat any more

        List<ChargedCall> settled = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (settled.isEmpty() && System.nanoTime() < deadline) {
            NodeSettlement.of(b).heartbeat();
            settled.addAll(NodeSettlement.of(b).settleLapsedNodes());
            LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
        }
        assertThat(settled).extracting(ChargedCall::callId).containsExactly("c1");
        // the answered call pays for the minute that began; its last reserved minute and the ringing call go back
        assertThat(b.balance("alice")).contains(usd("8.9"));
        assertThat(b.reserved("alice")).isEqualTo(usd("0"));
        assertThat(NodeSettlement.of(b).settleLapsedNodes()).as("settled once").isEmpty();

        JournalledAccountStore again = store(journal("a")); // node a comes back: nothing left of its calls
        assertThat(again.settleInterruptedCalls()).isEmpty();
        assertThat(again.balance("alice")).contains(usd("8.9"));
        assertThat(ringing.reserved()).isNotNull();
    }

    @Test
    void aStoreThatIsGoneRefusesNewCallsAndASettlementRetriedLaterChargesOnce() throws Exception {
        JournalledAccountStore a = store(journal("a"));
        JournalledAccountStore b = store(journal("b"));
        a.create("alice", usd("10"));
        ChargingEngine ea = new ChargingEngine(a, RateTable.of(List.of(US)));
        ChargingEngine eb = new ChargingEngine(b, RateTable.of(List.of(US)));
        ChargingSession call = ((Authorisation.Granted) ea.authorise("c1", "alice", "12125550100")).session();
        Instant t = Instant.now();
        call.start(t);

        redis.pause();
        try {
            Authorisation refused = eb.authorise("c2", "alice", "12125550100");
            assertThat(refused).isInstanceOf(Authorisation.Denied.class);
            assertThat(((Authorisation.Denied) refused).reason()).isEqualTo(DenialReason.STORE_UNAVAILABLE);
            assertThat(call.reserveNext()).as("the next increment cannot be paid: the call ends with its paid time")
                    .isFalse();
            assertThatThrownBy(() -> call.end(t.plusSeconds(40))).isInstanceOf(JournalUnavailableException.class);
        } finally {
            redis.resume();
        }
        // the paused server may still take the settlement it had queued: the retry must not charge again
        call.end(t.plusSeconds(40));
        assertThat(call.record()).isNotNull();
        assertThat(b.balance("alice")).contains(usd("8.9"));
        assertThat(b.reserved("alice")).as("the refused call holds nothing").isEqualTo(usd("0"));
        assertThat(b.usage("alice", Instant.EPOCH, Instant.MAX)).hasSize(1);

        redis.stop(); // a restart reads the append-only file: what was acknowledged is kept
        redis.restart();
        JournalledAccountStore fresh = store(journal("c"));
        assertThat(fresh.balance("alice")).contains(usd("8.9"));
    }

    @Test
    void shortCallsOnTwoNodesAddUpAndASuspensionOnOneHoldsOnTheOther() {
        List<Step> steps = List.of(new Step(2, FairUseAction.WARN, null),
                new Step(3, FairUseAction.SUSPEND_ACCOUNT, Hold.of(Duration.ofHours(1))));
        FairUsePolicy policy = new FairUsePolicy(new FairUsePolicy.ShortCalls(Duration.ofSeconds(6),
                Duration.ofMinutes(10), steps), new FairUsePolicy.CallBursts(Duration.ofMinutes(1),
                List.of(new Step(10, FairUseAction.REFUSE_CALL, null))), null, null, null);
        Product product = new Product("line-out", "USD", Tax.NONE, RateSchedule.of(RateTable.of("line-out",
                List.of(US))), java.time.ZoneOffset.UTC, "", null, null, null, List.of(), List.of())
                .withFairUse(policy);
        JournalledAccountStore a = store(journal("a"));
        JournalledAccountStore b = store(journal("b"));
        ChargingEngine ea = new ChargingEngine(a, ProductCatalog.of(product), Clock.systemUTC(),
                ChargingEngine.DEFAULT_RESERVATION_TTL);
        ChargingEngine eb = new ChargingEngine(b, ProductCatalog.of(product), Clock.systemUTC(),
                ChargingEngine.DEFAULT_RESERVATION_TTL);
        List<String> toldA = new ArrayList<>();
        List<String> toldB = new ArrayList<>();
        ea.fairUse().listener((acct, d, action, until, reason) -> toldA.add(d.label() + " " + action.label()));
        eb.fairUse().listener((acct, d, action, until, reason) -> toldB.add(d.label() + " " + action.label()));
        ea.openAccount("mallory", "line-out", null);
        ea.purchaseCredit("mallory", usd("100"), "test");
        // short calls alternate between the nodes: each node alone sees two, together they are four
        for (int i = 0; i < 4; i++) {
            ChargingEngine e = i % 2 == 0 ? ea : eb;
            Authorisation granted = e.authorise("short-" + i, "mallory", "12125550100");
            assertThat(granted).as("call %d", i).isInstanceOf(Authorisation.Granted.class);
            ChargingSession s = ((Authorisation.Granted) granted).session();
            Instant t = Instant.now();
            s.start(t.minusSeconds(2)); // a 2-second call that has just ended
            s.end(t);
        }
        assertThat(toldA).as("node a warned at the 3rd short call of both nodes").containsExactly("short_calls warn");
        assertThat(toldB).as("node b suspended at the 4th").containsExactly("short_calls suspend_account");
        for (ChargingEngine e : List.of(ea, eb)) {
            Authorisation refused = e.authorise("after-" + e.hashCode(), "mallory", "12125550100");
            assertThat(((Authorisation.Denied) refused).reason()).isEqualTo(DenialReason.ACCOUNT_SUSPENDED);
        }
    }

    @Test
    void housekeepingReadsOnlyAccountsWithWorkDueAndDropsIdleOnesFromTheCache() {
        Instant[] now = {Instant.now()};
        Clock clock = new Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return java.time.ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now[0];
            }
        };
        RedisSharedJournal ja = journal("a");
        JournalledAccountStore a = JournalledAccountStore.shared(ja, clock);
        JournalledAccountStore b = store(journal("b"));
        for (int i = 0; i < 50; i++) {
            b.create("idle" + i, usd("1"));
            a.balance("idle" + i);
        }
        a.create("busy", usd("10"));
        ChargingSession live = ((Authorisation.Granted) new ChargingEngine(a, RateSchedule.of(RateTable.of(List.of(US))), clock,
                Duration.ofMinutes(15)).authorise("c1", "busy", "12125550100")).session();
        NodeSettlement nodes = NodeSettlement.of(a);
        assertThat(nodes.cachedAccounts()).isEqualTo(51);
        now[0] = now[0].plus(Duration.ofMinutes(6));
        long before = ja.roundTrips();
        a.housekeeping().expire(now[0]);
        assertThat(ja.roundTrips() - before).as("only the account with a reservation is read").isEqualTo(1);
        assertThat(nodes.cachedAccounts()).as("idle accounts are dropped, the one with a call stays").isEqualTo(1);
        assertThat(a.balance("idle7")).as("read afresh when asked").contains(usd("1"));
        live.release();
    }

    @Test
    void aRedisClusterCarriesTheSameGuaranteesEachAccountOnItsOwnSlot() throws Exception {
        try (RedisCluster cluster = RedisCluster.start(dir)) {
            List<RedisSharedJournal> mine = new ArrayList<>();
            try {
                for (String node : List.of("a", "b")) {
                    mine.add(RedisSharedJournal.connect(new RedisSharedJournal.Settings(cluster.uris(), true, node,
                            "t:", Duration.ofSeconds(1), RedisSharedJournal.Durability.FSYNC, 0, LAPSE),
                            new SimpleMeterRegistry()));
                }
                JournalledAccountStore a = store(mine.get(0));
                JournalledAccountStore b = store(mine.get(1));
                ChargingEngine ea = new ChargingEngine(a, RateTable.of(List.of(US)));
                ChargingEngine eb = new ChargingEngine(b, RateTable.of(List.of(US)));
                for (int i = 0; i < 12; i++) { // accounts spread over the three masters' slots
                    String account = "acct" + i;
                    a.create(account, usd("1.1"));
                    Authorisation first = (i % 2 == 0 ? ea : eb).authorise("x" + i, account, "12125550100");
                    Authorisation second = (i % 2 == 0 ? eb : ea).authorise("y" + i, account, "12125550100");
                    assertThat(first).isInstanceOf(Authorisation.Granted.class);
                    assertThat(((Authorisation.Denied) second).reason()).isEqualTo(DenialReason.INSUFFICIENT_CREDIT);
                    ChargingSession s = ((Authorisation.Granted) first).session();
                    Instant t = Instant.now();
                    s.start(t.minusSeconds(30));
                    s.end(t);
                }
                JournalledAccountStore books = store(mine.get(1));
                assertThat(books.accountIds()).hasSize(12);
                for (int i = 0; i < 12; i++) {
                    assertThat(books.balance("acct" + i)).contains(usd("0"));
                }
            } finally {
                mine.forEach(RedisSharedJournal::close);
            }
        }
    }

    @Test
    void aNodesAuditOfChangesToNoAccountOutlivesItsRestart() {
        JournalledAccountStore a = store(journal("a"));
        a.administration().audit("", "ops", "trunk_drained", "carrier-1");
        JournalledAccountStore b = store(journal("b"));
        b.administration().audit("", "ops", "reload", "ok");
        JournalledAccountStore again = store(journal("a"));
        assertThat(again.administration().gatewayAuditTrail()).extracting(e -> e.action() + " " + e.detail())
                .as("a's own lines, not b's").containsExactly("trunk_drained carrier-1");
    }

    @Test
    void behindSentinelWithAReplicaAcknowledgedMoneySurvivesTheMastersDeath() throws Exception {
        try (RedisSentinel sentinel = RedisSentinel.start(dir)) {
            RedisSharedJournal j = RedisSharedJournal.connect(new RedisSharedJournal.Settings(List.of(sentinel.uri()),
                    false, "a", "t:", Duration.ofSeconds(1), RedisSharedJournal.Durability.REPLICAS, 1, LAPSE),
                    new SimpleMeterRegistry());
            journals.add(j);
            JournalledAccountStore a = JournalledAccountStore.shared(j, Clock.systemUTC());
            a.create("alice", usd("10"));
            ChargingEngine ea = new ChargingEngine(a, RateTable.of(List.of(US)));
            ChargingSession s = ((Authorisation.Granted) ea.authorise("c1", "alice", "12125550100")).session();
            Instant t = Instant.now();
            s.start(t.minusSeconds(30));
            s.end(t); // acknowledged only once the replica has it (WAIT)

            sentinel.killMaster(); // the Sentinel promotes the replica; the failover is Redis's, not ours
            JournalledAccountStore after = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (after == null) {
                try {
                    RedisSharedJournal again = RedisSharedJournal.connect(new RedisSharedJournal.Settings(
                            List.of(sentinel.uri()), false, "b", "t:", Duration.ofSeconds(1),
                            RedisSharedJournal.Durability.REPLICAS, 1, LAPSE), new SimpleMeterRegistry());
                    journals.add(again);
                    after = JournalledAccountStore.shared(again, Clock.systemUTC());
                } catch (IllegalStateException | JournalUnavailableException notYet) {
                    if (System.nanoTime() > deadline) {
                        throw notYet;
                    }
                    LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
                }
            }
            assertThat(after.balance("alice")).as("the debit acknowledged before the failover").contains(usd("8.9"));
        }
    }

    @Test
    void aServerThatDoesNotFsyncEveryWriteIsRefusedNamingTheFix() throws Exception {
        try (RedisServer lax = RedisServer.start(dir, "everysec")) {
            assertThatThrownBy(() -> RedisSharedJournal.connect(new RedisSharedJournal.Settings(List.of(lax.uri()),
                    false, "a", "t:", Duration.ofMillis(500), RedisSharedJournal.Durability.FSYNC, 0, LAPSE),
                    new SimpleMeterRegistry()))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("appendfsync always");
        }
    }

    @Test
    void aLongAccountHistoryIsCompactedAndReadWholeByAnotherNode() {
        JournalledAccountStore a = store(journal("a"));
        a.create("alice", usd("1000"));
        ChargingEngine ea = new ChargingEngine(a, RateTable.of(List.of(US)));
        Instant t = Instant.now();
        for (int i = 0; i < 120; i++) { // about 3 events a call: compacted at least once
            ChargingSession s = ((Authorisation.Granted) ea.authorise("c" + i, "alice", "12125550100")).session();
            s.start(t);
            s.end(t.plusSeconds(5));
        }
        JournalledAccountStore b = store(journal("b"));
        assertThat(b.balance("alice")).contains(usd("868")); // 120 x 1.1
        assertThat(b.usage("alice", Instant.EPOCH, Instant.MAX)).hasSize(120);
        assertThat(a.balance("alice")).isEqualTo(b.balance("alice"));
    }
}
