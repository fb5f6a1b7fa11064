package dev.softswitch.charging.session;

import dev.softswitch.charging.MutableClock;
import dev.softswitch.charging.account.AccountOptions;
import dev.softswitch.charging.account.JournalledAccountStore;
import dev.softswitch.charging.account.MonthlyPackage;
import dev.softswitch.charging.account.PlanProduct;
import dev.softswitch.charging.journal.NoJournal;
import dev.softswitch.charging.money.Money;
import dev.softswitch.charging.money.Rounding;
import dev.softswitch.charging.tariff.Rate;
import dev.softswitch.charging.tariff.RateSchedule;
import dev.softswitch.charging.tariff.RateTable;
import dev.softswitch.charging.tariff.Tax;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Seeded random walk of many concurrent calls over a few accounts, driven like the gateway drives them
 * (authorise, start, reserveNext within the last paid increment or late, end or release), checking after every
 * step that no call holds more money ahead of its use than one increment.
 *
 * <p>The bound, stated from how the engine accounts money: a session holds {@code finalise(creditNet)} on the store
 * ({@link ChargingSession#reserved()}, and {@link JournalledAccountStore#reserved} is the sum over the account's
 * sessions), where {@code creditNet} is the connect fee (if the call started on credit) plus the net cost of every
 * credit increment held. If the call ended now, {@link ChargingSession#end} would charge
 * {@code consumed = finalise(connect fee + net cost of every held credit increment already started)}. So per live
 * call: {@code reserved - consumed <= finalise(consumedNet + one increment) - finalise(consumedNet)}, the customer
 * price of one more increment (exactly its cost for a tax-free, non-coin rate), where "one increment" is the
 * initial increment while the call has started none on credit and it started on credit, else the subsequent one;
 * a call authorised and not answered holds at most {@code finalise(connect fee + initial increment)}. Per account:
 * {@code reserved(account) - sum(consumed) <= sum(bound)}.
 */
class ExposurePropertyTest {

    private static final int OPERATIONS = 5_000;
    private static final int MAX_LIVE_CALLS = 40;
    /** How early the gateway reserves the next increment at most (gateway Call.MAX_RESERVE_LEAD). */
    private static final Duration MAX_RESERVE_LEAD = Duration.ofSeconds(1);
    private static final int FREE_SECONDS = 60;
    private static final String[] ACCOUNTS = {"plain", "planned", "coin"};
    private static final String[] DESTINATIONS = {"12125551234", "442071234567", "447911123456", "819012345678",
            "33123456789", "15551230000"};
    private static final int[] INCREMENTS = {1, 6, 30, 60};

    static LongStream seeds() {
        return LongStream.rangeClosed(1, 15).map(i -> i * 104_729L + 17);
    }

    /** One held increment as the test models it. */
    private record Increment(long startMillis, int seconds, boolean credit, long netMicros) {
    }

    /** What the test knows about a live call, independently of the engine. */
    private static final class Call {
        final ChargingSession session;
        final long coinMicros;
        final boolean startsOnCredit;
        final List<Increment> increments = new ArrayList<>();
        boolean answered;
        boolean exhausted;

        Call(ChargingSession session, long coinMicros, boolean startsOnCredit) {
            this.session = session;
            this.coinMicros = coinMicros;
            this.startsOnCredit = startsOnCredit;
        }

        Rate rate() {
            return session.rate();
        }

        long finalise(long net) {
            long gross = rate().tax().grossMicros(net);
            return coinMicros > 0 ? Rounding.evenCredits(gross, coinMicros) : gross;
        }

        long connectNet() {
            return startsOnCredit ? rate().connectFee().micros() : 0;
        }

        long heldMillis() {
            long sum = 0;
            for (Increment i : increments) {
                sum += i.seconds * 1000L;
            }
            return sum;
        }

        boolean anyCredit() {
            return increments.stream().anyMatch(Increment::credit);
        }

        /** Net cost of the credit increments started by {@code now}, connect fee included (what end(now) charges). */
        long consumedNet(Instant now) {
            if (!answered) {
                return 0;
            }
            long elapsed = Math.min(Math.max(0, Duration.between(session.answeredAt(), now).toMillis()), heldMillis());
            long net = connectNet();
            for (Increment i : increments) {
                if (i.credit && i.startMillis < elapsed) {
                    net += i.netMicros;
                }
            }
            return net;
        }

        /** Net cost of the one increment a call may hold ahead of its use. */
        long oneIncrementNet(Instant now) {
            boolean creditStarted = false;
            if (answered) {
                long elapsed = Math.max(0, Duration.between(session.answeredAt(), now).toMillis());
                for (Increment i : increments) {
                    creditStarted |= i.credit && i.startMillis < elapsed;
                }
            }
            if (startsOnCredit && !creditStarted) {
                return rate().costOfIncrement(rate().initialIncrementSeconds()).micros();
            }
            return rate().costOfIncrement(rate().subsequentIncrementSeconds()).micros();
        }

        long consumed(Instant now) {
            return answered ? finalise(consumedNet(now)) : 0;
        }

        long bound(Instant now) {
            if (!answered) {
                return startsOnCredit ? finalise(connectNet() + oneIncrementNet(now)) : 0;
            }
            long net = consumedNet(now);
            return finalise(net + oneIncrementNet(now)) - finalise(net);
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void noCallHoldsMoreThanOneIncrementAhead(long seed) {
        Random random = new Random(seed);
        Instant t0 = Instant.parse("2025-04-03T10:00:00Z");
        MutableClock clock = new MutableClock(t0);
        JournalledAccountStore accounts = new JournalledAccountStore(new NoJournal(), clock);
        Map<String, Long> coin = new HashMap<>();
        accounts.open("plain", AccountOptions.of("USD"));
        accounts.open("planned", AccountOptions.of("USD").withZone(ZoneOffset.UTC).withHomePrefix("1"));
        long coinValue = 1_000 * (1 + random.nextInt(50));
        accounts.open("coin", AccountOptions.of("USD").withCoinCredit(new Money(coinValue, "USD")));
        coin.put("coin", coinValue);
        for (String id : ACCOUNTS) {
            accounts.purchaseCredit(id, new Money(1_000_000 + random.nextInt(30_000_000), "USD"), t0, "opening",
                    Instant.MAX);
            // a lot that expires during the walk: its free part is forfeited, its held part stays payable
            accounts.purchaseCredit(id, new Money(1 + random.nextInt(5_000_000), "USD"), t0, "promo",
                    Duration.ofMinutes(20 + random.nextInt(60)));
        }
        accounts.purchasePlan("planned", PlanProduct.thirtyDays("uk-30", List.of("44"), 5 + random.nextInt(40),
                new Money(2_000_000, "USD")), t0, false);
        accounts.subscribePackage("planned", new MonthlyPackage("home", 3 + random.nextInt(20), List.of("1")), t0);
        ChargingEngine engine = new ChargingEngine(accounts, RateSchedule.of(randomRates(random)), clock,
                ChargingEngine.DEFAULT_RESERVATION_TTL);

        List<Call> live = new ArrayList<>();
        int callNumber = 0;
        int reservations = 0;
        int exhaustedCalls = 0;
        int ended = 0;
        for (int op = 0; op < OPERATIONS; op++) {
            // mostly small steps, sometimes a long one (reservations then come late, like a busy executor's)
            clock.advance(Duration.ofMillis(random.nextInt(10) == 0 ? random.nextInt(30_000) : random.nextInt(1_500)));
            Instant now = clock.instant();
            String where = "seed " + seed + ", operation " + op + " at " + now;
            int dice = random.nextInt(100);
            if (dice < 14) {
                if (live.size() < MAX_LIVE_CALLS) {
                    String account = ACCOUNTS[random.nextInt(ACCOUNTS.length)];
                    Authorisation answer = engine.authorise("call-" + callNumber++, account,
                            DESTINATIONS[random.nextInt(DESTINATIONS.length)]);
                    if (answer instanceof Authorisation.Granted granted) {
                        ChargingSession s = granted.session();
                        Call c = new Call(s, coin.getOrDefault(account, 0L), s.reserved().isPositive());
                        long net = c.startsOnCredit ? c.connectNet()
                                + s.rate().costOfIncrement(s.rate().initialIncrementSeconds()).micros() : 0;
                        c.increments.add(new Increment(0, c.startsOnCredit ? s.rate().initialIncrementSeconds()
                                : FREE_SECONDS, c.startsOnCredit, net - c.connectNet()));
                        assertThat(s.reserved().micros()).as("%s: %s holds connect fee and first increment", where,
                                s.callId()).isEqualTo(c.finalise(net));
                        live.add(c);
                    }
                }
            } else if (dice < 28) {
                Call c = pick(random, live, false);
                if (c != null) {
                    Instant paid = c.session.start(now);
                    c.answered = true;
                    assertThat(paid).as("%s: %s paid until", where, c.session.callId())
                            .isEqualTo(now.plusMillis(c.heldMillis()));
                }
            } else if (dice < 34) {
                Call c = pick(random, live, false);
                if (c != null) {
                    if (random.nextBoolean()) {
                        c.session.release();
                    } else {
                        c.session.end(now);
                    }
                    assertThat(c.session.result().amount().isZero()).as("%s: unanswered %s charged nothing", where,
                            c.session.callId()).isTrue();
                    live.remove(c);
                }
            } else if (dice < 84) {
                // the gateway's reservation timer: each answered call due for its next increment reserves it,
                // at a random instant within its reservation lead or late (a busy charging executor)
                for (Call c : live) {
                    if (!c.answered || c.exhausted || random.nextInt(3) == 0) {
                        continue;
                    }
                    Duration next = c.session.nextIncrement();
                    Duration lead = next.dividedBy(2).compareTo(MAX_RESERVE_LEAD) < 0 ? next.dividedBy(2)
                            : MAX_RESERVE_LEAD;
                    if (now.isBefore(c.session.paidUntil().minus(lead))) {
                        continue;
                    }
                    reserveNext(c, where);
                    reservations++;
                    if (c.exhausted) {
                        exhaustedCalls++;
                    }
                }
            } else if (dice < 90) {
                // hang-ups: a random answered call, or one whose credit ran out at its paid time
                Call c = pick(random, live, true);
                if (c != null && (!c.exhausted || !now.isBefore(c.session.paidUntil()))) {
                    Instant end = now.isAfter(c.session.paidUntil()) ? c.session.paidUntil() : now;
                    long expected = c.consumed(end);
                    ChargeResult result = c.session.end(end);
                    assertThat(result.amount().micros()).as("%s: %s charged every started increment", where,
                            c.session.callId()).isEqualTo(expected);
                    assertThat(result.clamped()).as("%s: %s clamped", where, c.session.callId()).isFalse();
                    live.remove(c);
                    ended++;
                }
            } else if (dice < 98) {
                String id = ACCOUNTS[random.nextInt(ACCOUNTS.length)];
                accounts.credit(id, new Money(1 + random.nextInt(2_000_000), "USD"));
            }
            checkExposure(accounts, live, clock.instant(), where);
        }
        Instant end = clock.instant();
        for (Call c : new ArrayList<>(live)) {
            if (c.answered) {
                c.session.end(end.isAfter(c.session.paidUntil()) ? c.session.paidUntil() : end);
            } else {
                c.session.release();
            }
            live.remove(c);
            checkExposure(accounts, live, end, "seed " + seed + ", final settlement");
        }
        for (String id : ACCOUNTS) {
            assertThat(accounts.reserved(id).isZero()).as("seed %d: %s holds nothing at the end", seed, id).isTrue();
        }
        assertThat(reservations).as("seed %d: next-increment reservations made", seed).isGreaterThan(500);
        assertThat(exhaustedCalls).as("seed %d: some calls ran out of credit", seed).isPositive();
        assertThat(ended).as("seed %d: answered calls settled", seed).isGreaterThan(100);
    }

    private static void reserveNext(Call c, String where) {
        ChargingSession s = c.session;
        Instant paidBefore = s.paidUntil();
        long heldBefore = s.reserved().micros();
        boolean onCredit = c.anyCredit();
        boolean ok = s.reserveNext();
        if (!ok) {
            c.exhausted = true;
            assertThat(s.paidUntil()).as("%s: %s refused, paid time unchanged", where, s.callId()).isEqualTo(paidBefore);
            assertThat(s.reserved().micros()).as("%s: %s refused, holds the same", where, s.callId())
                    .isEqualTo(heldBefore);
            return;
        }
        long moved = Duration.between(paidBefore, s.paidUntil()).toMillis();
        // once on credit a call never goes back to free minutes; a free increment holds no money, a credit one
        // (price > 0) always holds more on the non-coin accounts, and coin-wallet calls start on credit
        boolean credit = onCredit || s.reserved().micros() != heldBefore;
        int seconds = credit ? s.rate().subsequentIncrementSeconds() : FREE_SECONDS;
        long net = credit ? s.rate().costOfIncrement(seconds).micros() : 0;
        assertThat(moved).as("%s: %s paid time moved by one %s increment", where, s.callId(),
                credit ? "credit" : "free").isEqualTo(seconds * 1000L);
        long creditNetBefore = c.connectNet() + c.increments.stream().filter(Increment::credit)
                .mapToLong(Increment::netMicros).sum();
        c.increments.add(new Increment(c.heldMillis(), seconds, credit, net));
        assertThat(s.reserved().micros()).as("%s: %s holds the price of its credit increments", where, s.callId())
                .isEqualTo(credit ? c.finalise(creditNetBefore + net) : heldBefore);
    }

    private static void checkExposure(JournalledAccountStore accounts, List<Call> live, Instant now, String where) {
        Map<String, long[]> perAccount = new HashMap<>(); // held, consumed, bound
        for (Call c : live) {
            long held = c.session.reserved().micros();
            long consumed = c.consumed(now);
            long bound = c.bound(now);
            assertThat(held - consumed).as("%s: %s holds %d, has used %d, may hold at most %d ahead (rate %s)",
                    where, c.session.callId(), held, consumed, bound, c.rate()).isBetween(0L, bound);
            long[] sums = perAccount.computeIfAbsent(c.session.accountId(), k -> new long[3]);
            sums[0] += held;
            sums[1] += consumed;
            sums[2] += bound;
        }
        for (String id : ACCOUNTS) {
            long[] sums = perAccount.getOrDefault(id, new long[3]);
            long reserved = accounts.reserved(id).micros();
            assertThat(reserved).as("%s: store reservations of %s equal its live sessions'", where, id)
                    .isEqualTo(sums[0]);
            assertThat(reserved - sums[1]).as("%s: %s has %d reserved, %d used by live calls; exposure above the "
                    + "sum of one increment per live call (%d)", where, id, reserved, sums[1], sums[2])
                    .isLessThanOrEqualTo(sums[2]);
            assertThat(accounts.balance(id).orElseThrow().isNegative()).as("%s: balance of %s", where, id).isFalse();
            assertThat(reserved).as("%s: reserved of %s within balance", where, id)
                    .isLessThanOrEqualTo(accounts.balance(id).orElseThrow().micros());
        }
    }

    private static RateTable randomRates(Random random) {
        List<Rate> rates = new ArrayList<>();
        rates.add(randomRate(random, "1"));
        rates.add(randomRate(random, "44"));
        rates.add(randomRate(random, "447"));
        rates.add(randomRate(random, "81"));
        rates.add(randomRate(random, ""));
        return RateTable.of(rates);
    }

    private static Rate randomRate(Random random, String prefix) {
        long perMinute = 1 + random.nextInt(2_000_000); // positive: every credit increment costs something
        long connect = random.nextBoolean() ? 0 : random.nextInt(150_001);
        Rate rate = new Rate(prefix, "dest " + prefix, new Money(perMinute, "USD"), new Money(connect, "USD"),
                INCREMENTS[random.nextInt(INCREMENTS.length)], INCREMENTS[random.nextInt(INCREMENTS.length)]);
        return random.nextInt(3) == 0 ? rate.withTax(Tax.added(random.nextInt(2_500))) : rate;
    }

    private static Call pick(Random random, List<Call> live, boolean answered) {
        List<Call> candidates = new ArrayList<>();
        for (Call c : live) {
            if (c.answered == answered) {
                candidates.add(c);
            }
        }
        return candidates.isEmpty() ? null : candidates.get(random.nextInt(candidates.size()));
    }
}
