package dev.softswitch.charging.session;

import dev.softswitch.charging.account.JournalledAccountStore;
import dev.softswitch.charging.money.Money;
import dev.softswitch.charging.tariff.Rate;
import dev.softswitch.charging.tariff.RateTable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Seeded random walks over the engine: thousands of authorise/start/reserveNext/end/release/credit
 * operations per seed, checking after every step that money is conserved and never overspent. A failing
 * seed is named in the assertion message and replays exactly.
 */
class ChargingPropertyTest {

    private static final int OPERATIONS = 4000;
    private static final String[] ACCOUNTS = {"usd-a", "usd-b", "usd-c", "jpy-a", "ghost"};
    private static final String[] DESTINATIONS = {"12125551234", "1", "442071234567", "447911123456",
            "819012345678", "33123456789", "4"};
    private static final int[] INCREMENTS = {1, 6, 30, 60};

    static LongStream seeds() {
        return LongStream.rangeClosed(1, 20).map(i -> i * 7_919L);
    }

    /** What the test knows about one session, independently of the engine. */
    private static final class Tracked {
        final ChargingSession session;
        boolean started;
        ChargeResult result;

        Tracked(ChargingSession session) {
            this.session = session;
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void moneyIsConservedAndNeverOverspent(long seed) {
        Random random = new Random(seed);
        JournalledAccountStore accounts = new JournalledAccountStore();
        Map<String, Long> paidIn = new HashMap<>();
        for (String id : ACCOUNTS) {
            if (id.equals("ghost")) {
                continue;
            }
            String currency = id.startsWith("usd") ? "USD" : "JPY";
            long opening = random.nextInt(5_000_000);
            accounts.create(id, new Money(opening, currency));
            paidIn.put(id, opening);
        }
        ChargingEngine engine = new ChargingEngine(accounts, randomRates(random));
        List<Tracked> sessions = new ArrayList<>();
        Instant now = Instant.parse("2025-01-01T00:00:00Z");
        int callNumber = 0;

        for (int op = 0; op < OPERATIONS; op++) {
            String where = "seed " + seed + ", operation " + op;
            now = now.plusMillis(random.nextInt(5_000));
            int dice = random.nextInt(100);
            if (dice < 20) {
                Authorisation answer = engine.authorise("call-" + callNumber++, pick(random, ACCOUNTS),
                        pick(random, DESTINATIONS));
                if (answer instanceof Authorisation.Granted granted) {
                    sessions.add(new Tracked(granted.session()));
                } else {
                    denials.merge(((Authorisation.Denied) answer).reason(), 1, Integer::sum);
                }
            } else if (dice < 35) {
                Tracked t = pickOpen(random, sessions, false);
                if (t != null) {
                    assertThat(t.session.start(now)).as(where)
                            .isEqualTo(now.plusSeconds(t.session.rate().initialIncrementSeconds()));
                    t.started = true;
                }
            } else if (dice < 65) {
                Tracked t = pickOpen(random, sessions, true);
                if (t != null) {
                    Instant before = t.session.paidUntil();
                    boolean reserved = t.session.reserveNext();
                    assertThat(t.session.paidUntil()).as(where)
                            .isEqualTo(reserved ? before.plus(t.session.nextIncrement()) : before);
                }
            } else if (dice < 80) {
                if (!sessions.isEmpty()) {
                    end(random, sessions.get(random.nextInt(sessions.size())), accounts, where);
                }
            } else if (dice < 88) {
                Tracked t = pickOpen(random, sessions, false);
                if (t != null) {
                    t.session.release();
                    t.result = t.session.result();
                    assertThat(t.result.amount().isZero()).as(where).isTrue();
                }
            } else if (dice < 93) {
                String id = pick(random, ACCOUNTS);
                if (!id.equals("ghost")) {
                    long micros = 1 + random.nextInt(1_000_000);
                    accounts.credit(id, new Money(micros, accounts.account(id).orElseThrow().currency()));
                    paidIn.merge(id, micros, Long::sum);
                }
            } else if (dice < 95) {
                now = now.plus(Duration.ofHours(1));
            }
            sessions.removeIf(t -> t.result != null && random.nextInt(4) == 0);
            checkInvariants(accounts, sessions, where);
        }

        for (Tracked t : sessions) {
            if (t.result == null) {
                end(random, t, accounts, "seed " + seed + ", final settlement");
            }
        }
        checkInvariants(accounts, sessions, "seed " + seed + ", after settlement");
        checkConservation(accounts, paidIn, seed);
        assertThat(denials).as("seed %d: the walk met the denials (NO_RATE only when there is no default rate)", seed)
                .containsKeys(DenialReason.UNKNOWN_ACCOUNT, DenialReason.INSUFFICIENT_CREDIT,
                        DenialReason.CURRENCY_MISMATCH);
        assertThat(clampedCalls).as("seed %d: the walk clamped some calls", seed).isPositive();
        assertThat(chargedCalls).as("seed %d: the walk charged some calls", seed).isGreaterThan(50);
    }

    private final Map<DenialReason, Integer> denials = new java.util.EnumMap<>(DenialReason.class);
    private int clampedCalls;
    private int chargedCalls;

    private final Map<String, Long> chargedByAccount = new HashMap<>();

    private void end(Random random, Tracked t, JournalledAccountStore accounts, String where) {
        ChargingSession s = t.session;
        Money balanceBefore = accounts.balance(s.accountId()).orElseThrow();
        if (t.result != null) {
            assertThat(s.end(s.answeredAt() == null ? Instant.EPOCH : s.answeredAt().plusSeconds(999)))
                    .as("%s: second end() returns the first result", where).isEqualTo(t.result);
            assertThat(accounts.balance(s.accountId())).as("%s: second end() moves no money", where)
                    .contains(balanceBefore);
            return;
        }
        Money reservedBefore = s.reserved();
        if (!t.started) {
            t.result = s.end(Instant.EPOCH);
            assertThat(t.result.amount().isZero()).as(where).isTrue();
            return;
        }
        long paidMillis = Duration.between(s.answeredAt(), s.paidUntil()).toMillis();
        long incrementMillis = s.rate().subsequentIncrementSeconds() * 1000L;
        long durationMillis = random.nextInt(10) == 0 ? 0
                : Math.floorMod(random.nextLong(), paidMillis + 2 * incrementMillis);
        if (random.nextInt(5) == 0) {
            durationMillis = Math.min(paidMillis, durationMillis);
        }
        ChargeResult result = s.end(s.answeredAt().plusMillis(durationMillis));
        t.result = result;
        clampedCalls += result.clamped() ? 1 : 0;
        chargedCalls += result.amount().isPositive() ? 1 : 0;
        chargedByAccount.merge(s.accountId(), result.amount().micros(), Long::sum);

        assertThat(result.durationMillis()).as(where).isEqualTo(durationMillis);
        assertThat(result.amount().isLessThanOrEqualTo(reservedBefore)).as("%s: charged %s of reserved %s", where,
                result.amount(), reservedBefore).isTrue();
        assertThat(result.clamped()).as("%s: clamped", where).isEqualTo(durationMillis > paidMillis);
        if (!result.clamped()) {
            assertThat(result.amount()).as("%s: amount by the independent formula", where)
                    .isEqualTo(expectedCharge(s.rate(), durationMillis));
        }
        assertThat(accounts.balance(s.accountId()).orElseThrow())
                .as("%s: balance falls by exactly the charge", where)
                .isEqualTo(balanceBefore.minus(result.amount()));
    }

    /** Oracle written apart from the engine: connect fee plus every started increment. */
    private static Money expectedCharge(Rate rate, long durationMillis) {
        Money amount = rate.connectFee();
        if (durationMillis == 0) {
            return amount;
        }
        long initialMillis = rate.initialIncrementSeconds() * 1000L;
        long subsequentMillis = rate.subsequentIncrementSeconds() * 1000L;
        long subsequent = durationMillis <= initialMillis ? 0
                : (durationMillis - initialMillis + subsequentMillis - 1) / subsequentMillis;
        return amount.plus(rate.costOfIncrement(rate.initialIncrementSeconds()))
                .plus(rate.costOfIncrement(rate.subsequentIncrementSeconds()).times(subsequent));
    }

    private static void checkInvariants(JournalledAccountStore accounts, List<Tracked> sessions, String where) {
        Map<String, Long> heldBySessions = new HashMap<>();
        for (Tracked t : sessions) {
            heldBySessions.merge(t.session.accountId(), t.session.reserved().micros(), Long::sum);
        }
        for (String id : ACCOUNTS) {
            if (id.equals("ghost")) {
                continue;
            }
            Money balance = accounts.balance(id).orElseThrow();
            Money available = accounts.available(id);
            assertThat(balance.isNegative()).as("%s: balance of %s is %s", where, id, balance).isFalse();
            assertThat(available.isNegative()).as("%s: available of %s is %s", where, id, available).isFalse();
            assertThat(available.isLessThanOrEqualTo(balance))
                    .as("%s: available %s exceeds balance %s of %s", where, available, balance, id).isTrue();
            assertThat(accounts.reserved(id).micros()).as("%s: reservations of %s match its sessions'", where, id)
                    .isEqualTo(heldBySessions.getOrDefault(id, 0L));
        }
    }

    private void checkConservation(JournalledAccountStore accounts, Map<String, Long> paidIn, long seed) {
        for (Map.Entry<String, Long> e : paidIn.entrySet()) {
            String id = e.getKey();
            long debited = e.getValue() - accounts.balance(id).orElseThrow().micros();
            assertThat(debited).as("seed %d: total debited from %s equals the sum of its ChargeResults", seed, id)
                    .isEqualTo(chargedByAccount.getOrDefault(id, 0L));
            assertThat(accounts.reserved(id).isZero()).as("seed %d: %s has no reservation left", seed, id).isTrue();
        }
    }

    private static RateTable randomRates(Random random) {
        List<Rate> rates = new ArrayList<>();
        rates.add(randomRate(random, "1", "USD"));
        rates.add(randomRate(random, "44", "USD"));
        rates.add(randomRate(random, "447", "USD"));
        rates.add(randomRate(random, "81", "JPY"));
        if (random.nextBoolean()) {
            rates.add(randomRate(random, "", "USD"));
        }
        return RateTable.of(rates);
    }

    private static Rate randomRate(Random random, String prefix, String currency) {
        long perMinute = random.nextInt(3_000_001); // odd values exercise rounding up
        long connect = random.nextBoolean() ? 0 : random.nextInt(200_001);
        return new Rate(prefix, "dest " + prefix, new Money(perMinute, currency), new Money(connect, currency),
                pick(random, INCREMENTS), pick(random, INCREMENTS));
    }

    private static Tracked pickOpen(Random random, List<Tracked> sessions, boolean started) {
        List<Tracked> candidates = new ArrayList<>();
        for (Tracked t : sessions) {
            if (t.result == null && t.started == started) {
                candidates.add(t);
            }
        }
        return candidates.isEmpty() ? null : candidates.get(random.nextInt(candidates.size()));
    }

    private static String pick(Random random, String[] values) {
        return values[random.nextInt(values.length)];
    }

    private static int pick(Random random, int[] values) {
        return values[random.nextInt(values.length)];
    }
}
