package dev.softswitch.charging.journal;

import dev.softswitch.charging.MutableClock;
import dev.softswitch.charging.account.CreditLot;
import dev.softswitch.charging.account.JournalledAccountStore;
import dev.softswitch.charging.account.PlanProduct;
import dev.softswitch.charging.event.JournalEvent;
import dev.softswitch.charging.money.Money;
import dev.softswitch.charging.session.Authorisation;
import dev.softswitch.charging.session.ChargingEngine;
import dev.softswitch.charging.session.ChargingSession;
import dev.softswitch.charging.session.DenialReason;
import dev.softswitch.charging.tariff.Rate;
import dev.softswitch.charging.tariff.RateSchedule;
import dev.softswitch.charging.tariff.RateTable;
import dev.softswitch.charging.tariff.Tax;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class JournalReplayTest {

    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
    private static final List<String> ACCOUNTS = List.of("u1", "u2", "u3");
    private static final RateTable DECK = RateTable.of("test", List.of(
            new Rate("1", "USA", Money.parse("0.013", "USD"), Money.parse("0.01", "USD"), 60, 60),
            new Rate("44", "UK", Money.parse("0.07", "USD"), Money.zero("USD"), 30, 6).withTax(Tax.added(700))));

    static LongStream seeds() {
        return LongStream.rangeClosed(1, 6).map(i -> i * 104_729L);
    }

    /** What a replay must reproduce for one account. */
    private static List<Object> view(JournalledAccountStore store, String id) {
        List<Object> v = new ArrayList<>();
        v.add(store.balance(id));
        v.add(store.reserved(id));
        v.add(store.lots(id));
        v.add(store.plans(id));
        v.add(store.forfeited(id));
        v.add(store.usage(id, Instant.MIN, Instant.MAX).stream().map(c -> c.callId() + "=" + c.amountMicros()
                + c.lotDebits()).toList());
        v.add(store.purchases(id, Instant.MIN, Instant.MAX));
        return v;
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void replayReproducesTheBalances(long seed, @TempDir Path dir) throws IOException {
        Random random = new Random(seed);
        MutableClock clock = new MutableClock(T0);
        List<List<Object>> before = new ArrayList<>();
        try (JournalledAccountStore store = JournalledAccountStore.open(dir, clock, Duration.ofMinutes(2))) {
            ChargingEngine engine = new ChargingEngine(store, RateSchedule.of(DECK), clock, Duration.ofMinutes(2));
            for (String id : ACCOUNTS) {
                store.create(id, Money.zero("USD"));
            }
            store.purchasePlan("u1", PlanProduct.thirtyDays("US 100", List.of("1"), 3, Money.parse("1.99", "USD")),
                    T0, true);
            List<ChargingSession> open = new ArrayList<>();
            for (int op = 0; op < 150; op++) {
                clock.advance(Duration.ofSeconds(random.nextInt(120)));
                String id = ACCOUNTS.get(random.nextInt(ACCOUNTS.size()));
                int dice = random.nextInt(10);
                if (dice < 2) {
                    Instant expiry = random.nextBoolean() ? Instant.MAX
                            : clock.instant().plus(Duration.ofMinutes(random.nextInt(600)));
                    store.purchaseCredit(id, new Money(1 + random.nextInt(2_000_000), "USD"), clock.instant(), "shop",
                            expiry);
                } else if (dice < 5) {
                    Authorisation a = engine.authorise("c" + op, id, random.nextBoolean() ? "12125550100" : "447700900");
                    if (a instanceof Authorisation.Granted g) {
                        g.session().start(clock.instant());
                        open.add(g.session());
                    }
                } else if (dice < 7 && !open.isEmpty()) {
                    open.get(random.nextInt(open.size())).reserveNext();
                } else if (dice < 9 && !open.isEmpty()) {
                    ChargingSession s = open.remove(random.nextInt(open.size()));
                    s.end(clock.instant());
                } else if (op == 75) {
                    store.snapshot();
                } else {
                    engine.expireReservations();
                }
                if (op == 100) {
                    store.snapshot();
                }
            }
            for (String id : ACCOUNTS) {
                before.add(view(store, id));
            }
        }
        try (JournalledAccountStore again = JournalledAccountStore.open(dir, clock, Duration.ofMinutes(2))) {
            for (int i = 0; i < ACCOUNTS.size(); i++) {
                assertThat(view(again, ACCOUNTS.get(i))).as("seed %d: replay of %s", seed, ACCOUNTS.get(i))
                        .isEqualTo(before.get(i));
            }
        }
    }

    @Test
    void aTornTailIsCutOffAndAppendingGoesOn(@TempDir Path dir) throws IOException {
        MutableClock clock = new MutableClock(T0);
        try (JournalledAccountStore store = JournalledAccountStore.open(dir, clock, Duration.ofMinutes(2))) {
            store.create("u1", Money.parse("5", "USD"));
        }
        Path segment;
        try (Stream<Path> files = Files.list(dir)) {
            segment = files.filter(p -> p.getFileName().toString().startsWith("journal-")).findFirst().orElseThrow();
        }
        Files.write(segment, new byte[] {0, 0, 0, 40, 1, 2, 3}, StandardOpenOption.APPEND); // a frame cut short
        try (JournalledAccountStore store = JournalledAccountStore.open(dir, clock, Duration.ofMinutes(2))) {
            assertThat(store.balance("u1")).contains(Money.parse("5", "USD"));
            store.credit("u1", Money.parse("1", "USD"));
        }
        try (JournalledAccountStore store = JournalledAccountStore.open(dir, clock, Duration.ofMinutes(2))) {
            assertThat(store.balance("u1")).contains(Money.parse("6", "USD"));
        }
    }

    @Test
    void openReservationsSurviveARestartAndExpireAfterTheirTtl(@TempDir Path dir) throws IOException {
        MutableClock clock = new MutableClock(T0);
        try (JournalledAccountStore store = JournalledAccountStore.open(dir, clock, Duration.ofMinutes(2))) {
            store.create("u1", Money.parse("1", "USD"));
            ChargingEngine engine = new ChargingEngine(store, RateSchedule.of(DECK), clock, Duration.ofMinutes(2));
            Authorisation a = engine.authorise("c1", "u1", "12125550100");
            assertThat(a).isInstanceOf(Authorisation.Granted.class);
            assertThat(store.reserved("u1")).isEqualTo(Money.parse("0.023", "USD"));
        }
        try (JournalledAccountStore store = JournalledAccountStore.open(dir, clock, Duration.ofMinutes(2))) {
            assertThat(store.reserved("u1")).as("not lost").isEqualTo(Money.parse("0.023", "USD"));
            assertThat(store.housekeeping().expire(T0.plus(Duration.ofMinutes(2)))).as("TTL not yet over").isZero();
            assertThat(store.housekeeping().expire(T0.plus(Duration.ofMinutes(2)).plusMillis(1))).isEqualTo(1);
            assertThat(store.reserved("u1").isZero()).isTrue();
            assertThat(store.balance("u1")).contains(Money.parse("1", "USD"));
        }
        try (JournalledAccountStore store = JournalledAccountStore.open(dir, clock, Duration.ofMinutes(2))) {
            assertThat(store.reserved("u1").isZero()).as("the expiry was journaled, not doubled").isTrue();
        }
    }

    @Test
    void theEngineFailsClosedWhenTheJournalIsUnavailable() {
        Journal broken = new Journal() {
            private boolean failing;

            @Override
            public long append(JournalEvent event) {
                if (failing) {
                    throw new JournalUnavailableException("disk gone", null);
                }
                return 0;
            }

            @Override
            public void awaitDurable(long seq) {
            }

            @Override
            public boolean available() {
                return !failing;
            }

            @Override
            public void close() {
                failing = true;
            }
        };
        MutableClock clock = new MutableClock(T0);
        JournalledAccountStore store = new JournalledAccountStore(broken, clock);
        store.create("u1", Money.parse("10", "USD"));
        ChargingEngine engine = new ChargingEngine(store, RateSchedule.of(DECK), clock, Duration.ofMinutes(2));
        ChargingSession running = ((Authorisation.Granted) engine.authorise("c1", "u1", "12125550100")).session();
        running.start(T0);
        broken.close(); // from now on every append fails
        Authorisation refused = engine.authorise("c2", "u1", "12125550100");
        assertThat(refused).isInstanceOf(Authorisation.Denied.class);
        assertThat(((Authorisation.Denied) refused).reason()).isEqualTo(DenialReason.STORE_UNAVAILABLE);
        assertThat(running.reserveNext()).as("no increment without a durable record").isFalse();
        assertThat(running.paidUntil()).isEqualTo(T0.plusSeconds(60));
    }

    @Test
    void groupCommitBatchesConcurrentAppends(@TempDir Path dir) throws Exception {
        MutableClock clock = new MutableClock(T0);
        try (JournalledAccountStore store = JournalledAccountStore.open(dir, clock, Duration.ofMinutes(2))) {
            for (int t = 0; t < 4; t++) {
                store.create("t" + t, Money.zero("USD"));
            }
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                String id = "t" + t;
                threads.add(new Thread(() -> {
                    for (int i = 0; i < 50; i++) {
                        store.credit(id, Money.parse("0.01", "USD"));
                    }
                }));
            }
            threads.forEach(Thread::start);
            for (Thread t : threads) {
                t.join();
            }
            long syncs = ((FileJournal) store.journal()).syncs();
            for (int t = 0; t < 4; t++) {
                assertThat(store.balance("t" + t)).contains(Money.parse("0.5", "USD"));
            }
            assertThat(syncs).as("fsyncs for 204 appends").isLessThanOrEqualTo(204);
        }
        try (JournalledAccountStore store = JournalledAccountStore.open(dir, clock, Duration.ofMinutes(2))) {
            assertThat(store.lots("t3")).extracting(CreditLot::channel).containsOnly("credit");
        }
    }
}
