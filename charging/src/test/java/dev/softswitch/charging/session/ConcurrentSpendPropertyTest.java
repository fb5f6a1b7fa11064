package dev.softswitch.charging.session;

import dev.softswitch.charging.MutableClock;
import dev.softswitch.charging.account.AccountOptions;
import dev.softswitch.charging.account.JournalledAccountStore;
import dev.softswitch.charging.account.PlanBalance;
import dev.softswitch.charging.account.PlanProduct;
import dev.softswitch.charging.account.Refusal;
import dev.softswitch.charging.cdr.ChargedCall;
import dev.softswitch.charging.journal.NoJournal;
import dev.softswitch.charging.money.Money;
import dev.softswitch.charging.tariff.Rate;
import dev.softswitch.charging.tariff.RateSchedule;
import dev.softswitch.charging.tariff.RateTable;
import dev.softswitch.charging.tariff.Tax;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Two real threads run random calls (and small top-ups) on the same account, which has a credit lot, a 30-day plan with minutes for
 * one international destination and a monthly international spend cap. Sampled after every operation: balance
 * and available never negative, reservations within the balance, plan minutes left never negative, international
 * spend never above the cap (each read on its own: the other thread keeps going). At the end: total debited equals the sum of the ChargeResults, plan minutes used
* never above the plan's and equal to what the call records say, international spend equal to the international
 * calls' charges and within the cap, nothing left reserved. The seed picks the account, the rates and both
 * threads' call sequences; the interleaving is the scheduler's.
 */
class ConcurrentSpendPropertyTest {

    private static final String ACCOUNT = "shared";
    private static final int THREADS = 2;
    private static final int CALLS_PER_THREAD = 1_500;
    private static final long JOIN_TIMEOUT_MILLIS = 30_000;
    /** Home is 81; 44 is covered by the plan; 1 is international and not covered. */
    private static final String[] DESTINATIONS = {"442071234567", "447911123456", "12125551234", "819012345678",
            "81312345678"};
    private static final int[] INCREMENTS = {1, 6, 30, 60};

    static LongStream seeds() {
        return LongStream.rangeClosed(1, 12).map(i -> i * 7_777_777L + 3);
    }

    /** What one thread saw; read by the test thread only after join. */
    private static final class Worker implements Runnable {
        final long seed;
        final int index;
        final ChargingEngine engine;
        final CyclicBarrier start;
        final long capMicros;
        final int planMinutes;
        long charged;
        long chargedInternational;
        long toppedUp;
        int granted;
        final Map<DenialReason, Integer> denials = new EnumMap<>(DenialReason.class);
        final Map<Refusal, Integer> refusals = new EnumMap<>(Refusal.class);
        final List<String> violations = new ArrayList<>();
        Throwable crash;

        Worker(long seed, int index, ChargingEngine engine, CyclicBarrier start, long capMicros, int planMinutes) {
            this.seed = seed;
            this.index = index;
            this.engine = engine;
            this.start = start;
            this.capMicros = capMicros;
            this.planMinutes = planMinutes;
        }

        @Override
        public void run() {
            try {
                start.await(10, TimeUnit.SECONDS);
                calls();
            } catch (Throwable t) {
                crash = t;
            }
        }

        private void calls() {
            Random random = new Random(seed * 31 + index);
            JournalledAccountStore accounts = engine.accounts();
            Instant base = engine.clock().instant();
            int op = 0;
            for (int n = 0; n < CALLS_PER_THREAD; n++) {
                if (random.nextInt(12) == 0) {
                    // small top-ups keep the account near its credit limit all along
                    long micros = 100_000 + random.nextInt(900_000);
                    accounts.credit(ACCOUNT, new Money(micros, "USD"));
                    toppedUp += micros;
                    sample(accounts, "top-up", op++);
                }
                String callId = "t" + index + "-" + n;
                String destination = DESTINATIONS[random.nextInt(DESTINATIONS.length)];
                boolean international = !destination.startsWith("81");
                Authorisation answer = engine.authorise(callId, ACCOUNT, destination);
                sample(accounts, callId, op++);
                if (answer instanceof Authorisation.Denied denied) {
                    denials.merge(denied.reason(), 1, Integer::sum);
                    continue;
                }
                granted++;
                ChargingSession session = ((Authorisation.Granted) answer).session();
                int dice = random.nextInt(100);
                ChargeResult result;
                if (dice < 8) {
                    session.release();
                    result = session.result();
                } else if (dice < 12) {
                    result = session.end(base);
                } else {
                    Instant answered = base.plusSeconds(random.nextInt(3_600));
                    session.start(answered);
                    sample(accounts, callId, op++);
                    int more = random.nextInt(12);
                    for (int i = 0; i < more; i++) {
                        boolean ok = session.reserveNext();
                        sample(accounts, callId, op++);
                        if (!ok) {
                            refusals.merge(session.lastRefusal() == null ? Refusal.UNKNOWN_RESERVATION
                                    : session.lastRefusal(), 1, Integer::sum);
                            break;
                        }
                    }
                    long paidMillis = Duration.between(answered, session.paidUntil()).toMillis();
                    long duration = random.nextInt(50) == 0 ? paidMillis + 1 + random.nextInt(5_000)
                            : (long) (random.nextDouble() * (paidMillis + 1));
                    result = session.end(answered.plusMillis(duration));
                }
                sample(accounts, callId, op++);
                charged += result.amount().micros();
                if (international) {
                    chargedInternational += result.amount().micros();
                }
            }
        }

        private void sample(JournalledAccountStore accounts, String callId, int op) {
            if (violations.size() >= 5) {
                return;
            }
            String where = "seed " + seed + ", thread " + index + ", operation " + op + " (" + callId + ")";
            long balance = accounts.balance(ACCOUNT).orElseThrow().micros();
            long available = accounts.available(ACCOUNT).micros();
            long reserved = accounts.reserved(ACCOUNT).micros();
            // three separate reads, each atomic on its own while the other thread keeps going: compare none of
            // them with another (available = balance - reserved under the account lock covers reserved <= balance)
            if (balance < 0 || available < 0 || reserved < 0) {
                violations.add(where + ": balance " + balance + ", available " + available + ", reserved " + reserved);
            }
            for (PlanBalance plan : accounts.plans(ACCOUNT)) {
                if (plan.minutesLeft() < 0 || plan.minutesLeft() > planMinutes) {
                    violations.add(where + ": plan " + plan.planId() + " has " + plan.minutesLeft()
                            + " minutes left of " + planMinutes);
                }
            }
            long spend = accounts.internationalSpend(ACCOUNT, engine.clock().instant()).micros();
            if (spend > capMicros) {
                violations.add(where + ": international spend " + spend + " above the cap " + capMicros);
            }
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void twoThreadsNeverOverspendCreditPlanOrCap(long seed) throws Exception {
        Random random = new Random(seed);
        Instant now = Instant.parse("2025-05-10T12:00:00Z");
        MutableClock clock = new MutableClock(now);
        JournalledAccountStore accounts = new JournalledAccountStore(new NoJournal(), clock);
        long capMicros = 1_000_000 + random.nextInt(7_000_000);
        accounts.open(ACCOUNT, AccountOptions.of("USD").withHomePrefix("81")
                .withInternationalCap(new Money(capMicros, "USD")));
        long opening = 3_000_000 + random.nextInt(12_000_000);
        accounts.purchaseCredit(ACCOUNT, new Money(opening, "USD"), now, "card", Duration.ofDays(180));
        int planMinutes = 5 + random.nextInt(30);
        accounts.purchasePlan(ACCOUNT, PlanProduct.thirtyDays("uk-30", List.of("44"), planMinutes,
                new Money(3_000_000, "USD")), now, false);
        ChargingEngine engine = new ChargingEngine(accounts, RateSchedule.of(randomRates(random)), clock,
                ChargingEngine.DEFAULT_RESERVATION_TTL);

        CyclicBarrier start = new CyclicBarrier(THREADS);
        List<Worker> workers = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < THREADS; i++) {
            Worker w = new Worker(seed, i, engine, start, capMicros, planMinutes);
            Thread t = new Thread(w, "spend-" + seed + "-" + i);
            t.setDaemon(true);
            workers.add(w);
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join(JOIN_TIMEOUT_MILLIS);
            if (t.isAlive()) {
                fail("seed " + seed + ": " + t.getName() + " did not finish in " + JOIN_TIMEOUT_MILLIS + " ms");
            }
        }
        long charged = 0;
        long chargedInternational = 0;
        long toppedUp = 0;
        int granted = 0;
        Map<DenialReason, Integer> denials = new EnumMap<>(DenialReason.class);
        Map<Refusal, Integer> refusals = new EnumMap<>(Refusal.class);
        List<String> violations = Collections.synchronizedList(new ArrayList<>());
        for (Worker w : workers) {
            if (w.crash != null) {
                throw new AssertionError("seed " + seed + ": thread " + w.index + " failed", w.crash);
            }
            violations.addAll(w.violations);
            charged += w.charged;
            chargedInternational += w.chargedInternational;
            toppedUp += w.toppedUp;
            granted += w.granted;
            w.denials.forEach((k, v) -> denials.merge(k, v, Integer::sum));
            w.refusals.forEach((k, v) -> refusals.merge(k, v, Integer::sum));
        }
        String where = "seed " + seed;
        assertThat(violations).as("%s: invariants sampled after every operation", where).isEmpty();

        long balance = accounts.balance(ACCOUNT).orElseThrow().micros();
        assertThat(balance).as("%s: final balance", where).isNotNegative();
        assertThat(accounts.reserved(ACCOUNT).micros()).as("%s: reserved after every session ended", where)
                .isZero();
        assertThat(opening + toppedUp - balance).as("%s: total debited equals the sum of the ChargeResults", where)
                .isEqualTo(charged);
        List<ChargedCall> usage = accounts.usage(ACCOUNT, Instant.MIN, Instant.MAX);
        assertThat(usage.stream().mapToLong(ChargedCall::amountMicros).sum())
                .as("%s: call records add up to the debits", where).isEqualTo(charged);

        PlanBalance plan = accounts.plans(ACCOUNT).get(0);
        int planUsed = plan.minutes() - plan.minutesLeft();
        assertThat(planUsed).as("%s: plan minutes used", where).isBetween(0, planMinutes);
        assertThat(usage.stream().mapToInt(ChargedCall::planMinutes).sum())
                .as("%s: plan minutes in the call records equal those taken off the plan", where).isEqualTo(planUsed);

        long spend = accounts.internationalSpend(ACCOUNT, clock.instant()).micros();
        assertThat(spend).as("%s: international spend within the cap %d", where, capMicros)
                .isLessThanOrEqualTo(capMicros);
        assertThat(spend).as("%s: international spend equals the international calls' charges", where)
                .isEqualTo(chargedInternational);

        // the walk must have pressed on every limit, or it proves little
        assertThat(granted).as("%s: calls granted", where).isGreaterThan(100);
        assertThat(plan.minutesLeft()).as("%s: plan minutes exhausted", where).isZero();
        assertThat(denials.getOrDefault(DenialReason.SPEND_CAP_REACHED, 0)
                + refusals.getOrDefault(Refusal.SPEND_CAP_REACHED, 0)
                + denials.getOrDefault(DenialReason.INSUFFICIENT_CREDIT, 0)
                + refusals.getOrDefault(Refusal.INSUFFICIENT_CREDIT, 0))
                .as("%s: the cap or the credit refused something (denials %s, refusals %s)", where, denials, refusals)
                .isPositive();
    }

    private static RateTable randomRates(Random random) {
        List<Rate> rates = new ArrayList<>();
        rates.add(randomRate(random, "44", 50_000, 1_000_000));
        rates.add(randomRate(random, "1", 50_000, 1_000_000));
        rates.add(randomRate(random, "81", 10_000, 300_000));
        return RateTable.of(rates);
    }

    private static Rate randomRate(Random random, String prefix, int minPerMinute, int maxPerMinute) {
        long perMinute = minPerMinute + random.nextInt(maxPerMinute - minPerMinute);
        long connect = random.nextBoolean() ? 0 : random.nextInt(100_001);
        Rate rate = new Rate(prefix, "dest " + prefix, new Money(perMinute, "USD"), new Money(connect, "USD"),
                INCREMENTS[random.nextInt(INCREMENTS.length)], INCREMENTS[random.nextInt(INCREMENTS.length)]);
        return random.nextInt(3) == 0 ? rate.withTax(Tax.added(random.nextInt(2_000))) : rate;
    }
}
