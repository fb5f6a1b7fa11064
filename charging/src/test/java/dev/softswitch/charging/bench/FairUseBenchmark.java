package dev.softswitch.charging.bench;

import dev.softswitch.charging.account.JournalledAccountStore;
import dev.softswitch.charging.fairuse.FairUseAction;
import dev.softswitch.charging.fairuse.FairUsePolicy;
import dev.softswitch.charging.fairuse.Hold;
import dev.softswitch.charging.fairuse.Step;
import dev.softswitch.charging.journal.NoJournal;
import dev.softswitch.charging.money.Money;
import dev.softswitch.charging.product.Product;
import dev.softswitch.charging.product.ProductCatalog;
import dev.softswitch.charging.session.Authorisation;
import dev.softswitch.charging.session.ChargingEngine;
import dev.softswitch.charging.session.ChargingSession;
import dev.softswitch.charging.tariff.Rate;
import dev.softswitch.charging.tariff.RateSchedule;
import dev.softswitch.charging.tariff.RateTable;
import dev.softswitch.charging.tariff.Tax;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the fair-use detectors (issue 13) cost: one short call's whole charging cycle (authorise, start, end) with
 * no detector, with the demo's short-call detector, and with all five detectors on, journal off so that the
 * detectors' CPU shows; the clock moves a minute per call so that no step fires. Then the heap the detectors hold
 * per account. Run: {@code mvn -B -Pbench -pl charging test-compile exec:exec
 * -Dbench.main=dev.softswitch.charging.bench.FairUseBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class FairUseBenchmark {

    private static final Instant T0 = Instant.parse("2026-03-02T00:00:00Z");

    @Param({"none", "demo", "all"})
    public String detectors;

    private ChargingEngine engine;
    private MinuteClock clock;
    private long call;

    /** A clock the benchmark moves. */
    static final class MinuteClock extends Clock {
        final AtomicLong millis = new AtomicLong(T0.toEpochMilli());

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis.get());
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    }

    static FairUsePolicy policy(String detectors) {
        FairUsePolicy.ShortCalls shortCalls = new FairUsePolicy.ShortCalls(Duration.ofSeconds(6),
                Duration.ofMinutes(10), List.of(new Step(20, FairUseAction.WARN, null),
                new Step(30, FairUseAction.SUSPEND_ACCOUNT, Hold.of(Duration.ofHours(1)))));
        return switch (detectors) {
            case "none" -> FairUsePolicy.NONE;
            case "demo" -> new FairUsePolicy(shortCalls, null, null, null, null);
            default -> new FairUsePolicy(shortCalls,
                    new FairUsePolicy.CallBursts(Duration.ofMinutes(1), List.of(new Step(40,
                            FairUseAction.REFUSE_CALL, null))),
                    new FairUsePolicy.ConcurrentCalls(List.of(new Step(3, FairUseAction.REFUSE_CALL, null))),
                    new FairUsePolicy.RiskyDestinations(List.of("882", "883", "1900"), true, Duration.ofHours(1),
                            List.of(new Step(2, FairUseAction.SUSPEND_ACCOUNT, Hold.UNTIL_LIFTED))),
                    new FairUsePolicy.SpendOutliers(Money.parse("0.01", "USD"), 3, 10, 100,
                            FairUseAction.SUSPEND_ACCOUNT, Hold.END_OF_MONTH));
        };
    }

    static ChargingEngine engine(Clock clock, JournalledAccountStore store, String detectors) {
        Rate us = new Rate("1", "United States", Money.parse("0.012", "USD"), Money.zero("USD"), 60, 60);
        Product p = new Product("line-out", "USD", Tax.NONE, RateSchedule.of(RateTable.of("b", List.of(us))),
                ZoneOffset.UTC, "", null, null, null, List.of(), List.of()).withFairUse(policy(detectors));
        return new ChargingEngine(store, ProductCatalog.of(p), clock, Duration.ofMinutes(2));
    }

    @Setup(Level.Iteration)
    public void setUp() {
        clock = new MinuteClock();
        JournalledAccountStore store = new JournalledAccountStore(new NoJournal(), clock);
        engine = engine(clock, store, detectors);
        engine.openAccount("alice", "line-out", null);
        engine.purchaseCredit("alice", Money.parse("100000000", "USD"), "bench");
    }

    @Benchmark
    public Object shortCall() {
        Authorisation a = engine.authorise("c" + call++, "alice", "12125550100");
        ChargingSession s = ((Authorisation.Granted) a).session();
        Instant now = clock.instant();
        s.start(now);
        Object result = s.end(now.plusSeconds(2));
        clock.millis.addAndGet(61_000);
        return result;
    }

    /** Heap the detectors hold per account: one short call on each of {@code n} accounts, all detectors on. */
    static long heapBytesPerAccount(String detectors, int n) {
        MinuteClock clock = new MinuteClock();
        JournalledAccountStore store = new JournalledAccountStore(new NoJournal(), clock);
        ChargingEngine engine = engine(clock, store, detectors);
        for (int i = 0; i < n; i++) {
            engine.openAccount("a" + i, "line-out", null);
            engine.purchaseCredit("a" + i, Money.parse("10", "USD"), "bench");
        }
        long before = ChargingBenchmark.usedHeap();
        for (int i = 0; i < n; i++) {
            ChargingSession s = ((Authorisation.Granted) engine.authorise("c" + i, "a" + i, "12125550100")).session();
            s.start(clock.instant());
            s.end(clock.instant().plusSeconds(2));
        }
        long after = ChargingBenchmark.usedHeap();
        if (engine.fairUse().watchedAccounts() != (detectors.equals("none") ? 0 : n)) {
            throw new IllegalStateException("watched " + engine.fairUse().watchedAccounts());
        }
        return (after - before) / n;
    }

    public static void main(String[] args) throws Exception {
        Options options = new OptionsBuilder()
                .include(FairUseBenchmark.class.getName() + ".shortCall")
                .forks(1)
                .warmupIterations(3).warmupTime(TimeValue.seconds(2))
                .measurementIterations(5).measurementTime(TimeValue.seconds(2))
                .jvmArgs("-Xmx2g")
                .build();
        new Runner(options).run();
        int n = 100_000;
        long none = heapBytesPerAccount("none", n);
        long all = heapBytesPerAccount("all", n);
        System.out.printf("heap bytes per account after one short call: no detector %d, all five %d: the detectors"
                + " hold %d%n", none, all, all - none);
    }
}
