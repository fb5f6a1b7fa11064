package dev.softswitch.charging.bench;

import dev.softswitch.charging.account.JournalledAccountStore;
import dev.softswitch.charging.journal.NoJournal;
import dev.softswitch.charging.money.Money;
import dev.softswitch.charging.session.Authorisation;
import dev.softswitch.charging.session.ChargingEngine;
import dev.softswitch.charging.session.ChargingSession;
import dev.softswitch.charging.tariff.Rate;
import dev.softswitch.charging.tariff.RateSchedule;
import dev.softswitch.charging.tariff.RateTable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One call's charging cycle (authorise = reserve the first increment, start, reserve the next increment, end =
 * commit) per operation, with the journal off (in memory) and on (group-committed fsync to a file), one, two and
 * eight (the gateway's charging executor)
 * threads; each thread charges its own account. Then the heap held per active call session.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ChargingBenchmark {

    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
    private static final RateTable DECK = RateTable.of(List.of(
            new Rate("1", "USA", Money.parse("0.012", "USD"), Money.zero("USD"), 60, 60)));

    @Param({"off", "on"})
    public String journal;

    JournalledAccountStore store;
    ChargingEngine engine;
    Path dir;
    final AtomicInteger accounts = new AtomicInteger();

    @Setup(Level.Iteration)
    public void setUp() throws IOException {
        Clock clock = Clock.fixed(T0, ZoneOffset.UTC);
        if (journal.equals("on")) {
            dir = Files.createTempDirectory("charging-bench");
            store = JournalledAccountStore.open(dir, clock, Duration.ofMinutes(2));
        } else {
            store = new JournalledAccountStore(new NoJournal(), clock);
        }
        engine = new ChargingEngine(store, RateSchedule.of(DECK), clock, Duration.ofMinutes(2));
    }

    @TearDown(Level.Iteration)
    public void tearDown() throws IOException {
        store.close();
        if (dir != null) {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** One account per benchmark thread, with credit for far more calls than an iteration makes. */
    @State(Scope.Thread)
    public static class Caller {
        String account;
        long call;

        @Setup(Level.Iteration)
        public void setUp(ChargingBenchmark bench) {
            account = "acct-" + bench.accounts.incrementAndGet();
            bench.store.create(account, Money.parse("100000000", "USD"));
        }
    }

    @Benchmark
    public Object authoriseReserveCommit(Caller caller) {
        Authorisation a = engine.authorise(caller.account + "-" + caller.call++, caller.account, "12125550100");
        ChargingSession s = ((Authorisation.Granted) a).session();
        s.start(T0);
        s.reserveNext();
        return s.end(T0.plusSeconds(90));
    }

    /** Heap retained per answered call session (session object plus its reservation in the store). */
    static long heapBytesPerSession(int sessions) {
        JournalledAccountStore store = new JournalledAccountStore(new NoJournal(), Clock.fixed(T0, ZoneOffset.UTC));
        ChargingEngine engine = new ChargingEngine(store, RateSchedule.of(DECK), store.clock(), Duration.ofMinutes(2));
        for (int i = 0; i < 100; i++) {
            store.create("a" + i, Money.parse("100000000", "USD"));
        }
        ChargingSession[] live = new ChargingSession[sessions];
        long before = usedHeap();
        for (int i = 0; i < sessions; i++) {
            live[i] = ((Authorisation.Granted) engine.authorise("call-" + i, "a" + (i % 100), "12125550100")).session();
            live[i].start(T0);
        }
        long after = usedHeap();
        if (live[sessions - 1].paidUntil() == null) {
            throw new IllegalStateException();
        }
        return (after - before) / sessions;
    }

    static long usedHeap() {
        for (int i = 0; i < 5; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    public static void main(String[] args) throws Exception {
        for (int threads : new int[] {1, 2, 8}) {
            Options options = new OptionsBuilder()
                    .include(ChargingBenchmark.class.getName() + ".authoriseReserveCommit")
                    .threads(threads)
                    .forks(1)
                    .warmupIterations(2).warmupTime(TimeValue.seconds(2))
                    .measurementIterations(3).measurementTime(TimeValue.seconds(2))
                    .jvmArgs("-Xmx2g")
                    .build();
            new Runner(options).run();
        }
        System.out.println("heap bytes per active call session: " + heapBytesPerSession(200_000));
    }
}
