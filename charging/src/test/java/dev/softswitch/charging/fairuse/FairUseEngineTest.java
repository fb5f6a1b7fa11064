package dev.softswitch.charging.fairuse;

import dev.softswitch.charging.MutableClock;
import dev.softswitch.charging.account.FairUseStanding;
import dev.softswitch.charging.account.JournalledAccountStore;
import dev.softswitch.charging.account.PlanProduct;
import dev.softswitch.charging.journal.NoJournal;
import dev.softswitch.charging.money.Money;
import dev.softswitch.charging.product.Product;
import dev.softswitch.charging.product.ProductCatalog;
import dev.softswitch.charging.session.Authorisation;
import dev.softswitch.charging.session.ChargingEngine;
import dev.softswitch.charging.session.ChargingSession;
import dev.softswitch.charging.session.DenialReason;
import dev.softswitch.charging.tariff.Rate;
import dev.softswitch.charging.tariff.RateCategory;
import dev.softswitch.charging.tariff.RateSchedule;
import dev.softswitch.charging.tariff.RateTable;
import dev.softswitch.charging.tariff.Tax;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The fair-use detectors (FUP-1) and their steps (FUP-2) through the charging engine, on a manual clock. */
class FairUseEngineTest {

    private static final Instant T0 = Instant.parse("2026-03-02T01:00:00Z");
    private static final List<Step> DEMO_STEPS = List.of(new Step(20, FairUseAction.WARN, null),
            new Step(30, FairUseAction.SUSPEND_ACCOUNT, Hold.of(Duration.ofHours(1))));

    private final MutableClock clock = new MutableClock(T0);
    private final JournalledAccountStore store = new JournalledAccountStore(new NoJournal(), clock);
    private final List<String> told = new ArrayList<>();
    private int calls;

    private ChargingEngine engine(FairUsePolicy policy, ZoneId zone) {
        Rate us = new Rate("1", "United States", usd("0.02"), usd("0"), 60, 60);
        Rate premium = new Rate("1976", "United States premium", usd("0.50"), usd("0"), 60, 60, Tax.NONE,
                RateCategory.PREMIUM);
        Product p = new Product("line-out", "USD", Tax.NONE, RateSchedule.of(RateTable.of("line-out",
                List.of(us, premium))),
                zone, "", null, null, null,
                List.of(PlanProduct.thirtyDays("usa-600", List.of("1"), 600, usd("2.99"))), List.of())
                .withFairUse(policy);
        ChargingEngine engine = new ChargingEngine(store, ProductCatalog.of(p), clock,
                ChargingEngine.DEFAULT_RESERVATION_TTL);
        engine.fairUse().listener((account, d, action, until, reason) ->
                told.add(account + " " + d.label() + " " + action.label()));
        return engine;
    }

    private static FairUsePolicy shortCalls() {
        return new FairUsePolicy(new FairUsePolicy.ShortCalls(Duration.ofSeconds(6), Duration.ofMinutes(10),
                DEMO_STEPS), null, null, null, null);
    }

    private static Money usd(String s) {
        return Money.parse(s, "USD");
    }

    private Authorisation attempt(ChargingEngine engine, String account) {
        return engine.authorise("call-" + (++calls), account, "12125550100");
    }

    /** An answered call of {@code millis}; the clock moves past its end. */
    private void call(ChargingEngine engine, String account, long millis) {
        Authorisation a = attempt(engine, account);
        assertThat(a).as("call %d of %s", calls, account).isInstanceOf(Authorisation.Granted.class);
        ChargingSession s = ((Authorisation.Granted) a).session();
        s.start(clock.instant());
        clock.advance(Duration.ofMillis(millis));
        while (s.paidUntil().isBefore(clock.instant())) {
            assertThat(s.reserveNext()).isTrue();
        }
        s.end(clock.instant());
        clock.advance(Duration.ofSeconds(1));
    }

    @Test
    void shortCallsWarnAbove20AndSuspendAbove30ForAnHourWithTheReasonAndUntil() {
        ChargingEngine engine = engine(shortCalls(), ZoneOffset.UTC);
        engine.openAccount("alice", "line-out", null);
        engine.purchaseCredit("alice", usd("10"), "test");

        for (int i = 0; i < 20; i++) {
            call(engine, "alice", 2_000);
        }
        assertThat(told).isEmpty();
        call(engine, "alice", 2_000);
        assertThat(told).containsExactly("alice short_calls warn");
        for (int i = 0; i < 9; i++) {
            call(engine, "alice", 2_000); // 22..30: already warned at this step
        }
        assertThat(told).hasSize(1);
        call(engine, "alice", 2_000);
        assertThat(told).containsExactly("alice short_calls warn", "alice short_calls suspend_account");

        FairUseStanding standing = store.administration().fairUse("alice");
        assertThat(standing.accountSuspendedAt(clock.instant())).isTrue();
        assertThat(standing.actions()).extracting(FairUseStanding.Action::action)
                .containsExactly("warn", "suspend_account");
        Authorisation refused = attempt(engine, "alice");
        assertThat(refused).isInstanceOf(Authorisation.Denied.class);
        Authorisation.Denied d = (Authorisation.Denied) refused;
        assertThat(d.reason()).isEqualTo(DenialReason.ACCOUNT_SUSPENDED);
        assertThat(d.message()).startsWith("fair use until " + "2026-03-02 02:").endsWith(
                "Z: 31 answered calls shorter than 6 s within 10 min (more than 30)");

        clock.advance(Duration.ofHours(1));
        call(engine, "alice", 2_000); // the hour is over; one short call in the window now
        assertThat(told).hasSize(2);
    }

    @Test
    void shortCallsBeforeARestartStillCountFromTheUsageHistory() {
        ChargingEngine before = engine(shortCalls(), ZoneOffset.UTC);
        before.openAccount("alice", "line-out", null);
        before.purchaseCredit("alice", usd("10"), "test");
        for (int i = 0; i < 25; i++) {
            call(before, "alice", 2_000);
        }
        assertThat(told).containsExactly("alice short_calls warn");

        ChargingEngine after = engine(shortCalls(), ZoneOffset.UTC); // a new engine: its detectors start empty
        for (int i = 0; i < 6; i++) {
            call(after, "alice", 2_000);
        }
        // rebuilt from the history and the journalled warning: 31 short calls in the window, warned once
        assertThat(told).containsExactly("alice short_calls warn", "alice short_calls suspend_account");
    }

    @Test
    void longCallsAndShortCallsSpreadOutsideTheWindowDoNotCount() {
        ChargingEngine engine = engine(shortCalls(), ZoneOffset.UTC);
        engine.openAccount("bob", "line-out", null);
        engine.purchaseCredit("bob", usd("10"), "test");
        for (int i = 0; i < 40; i++) {
            call(engine, "bob", i % 2 == 0 ? 6_000 : 2_000); // 20 short, 20 of 6 s (not shorter than 6 s)
        }
        assertThat(told).isEmpty();
        clock.advance(Duration.ofMinutes(10));
        for (int i = 0; i < 40; i++) {
            call(engine, "bob", 2_000);
            clock.advance(Duration.ofSeconds(30)); // 40 short calls, but never more than 20 within 10 minutes
        }
        assertThat(told).isEmpty();
    }

    @Test
    void anOperatorLiftClearsTheSuspensionAndWhatWasCounted() {
        ChargingEngine engine = engine(shortCalls(), ZoneOffset.UTC);
        engine.openAccount("alice", "line-out", null);
        engine.purchaseCredit("alice", usd("10"), "test");
        for (int i = 0; i < 31; i++) {
            call(engine, "alice", 1_000);
        }
        assertThat(attempt(engine, "alice")).isInstanceOf(Authorisation.Denied.class);

        store.administration().resume("alice", "ops", "checked: a call-centre test");

        assertThat(store.administration().fairUse("alice").accountSuspendedAt(clock.instant())).isFalse();
        call(engine, "alice", 1_000);
        assertThat(told).hasSize(2); // counting starts afresh after the lift: no new warning
        for (int i = 0; i < 20; i++) {
            call(engine, "alice", 1_000);
        }
        assertThat(told).hasSize(3).last().isEqualTo("alice short_calls warn");
    }

    @Test
    void concurrentCallsAboveTheLimitAreRefusedEachTime() {
        ChargingEngine engine = engine(new FairUsePolicy(null, null, new FairUsePolicy.ConcurrentCalls(
                List.of(new Step(2, FairUseAction.REFUSE_CALL, null))), null, null), ZoneOffset.UTC);
        engine.openAccount("carol", "line-out", null);
        engine.purchaseCredit("carol", usd("10"), "test");
        assertThat(attempt(engine, "carol")).isInstanceOf(Authorisation.Granted.class);
        assertThat(attempt(engine, "carol")).isInstanceOf(Authorisation.Granted.class);
        for (int i = 0; i < 2; i++) {
            Authorisation third = attempt(engine, "carol");
            assertThat(third).isInstanceOf(Authorisation.Denied.class);
            assertThat(((Authorisation.Denied) third).reason()).isEqualTo(DenialReason.FAIR_USE_REFUSED);
            assertThat(((Authorisation.Denied) third).message())
                    .isEqualTo("Refused for fair use: 3 calls at once (more than 2)");
        }
        assertThat(told).containsExactly("carol concurrent_calls refuse_call", "carol concurrent_calls refuse_call");
    }

    @Test
    void aBurstSuspendsThePlanAndCallsFallBackToCredit() {
        ChargingEngine engine = engine(new FairUsePolicy(null, new FairUsePolicy.CallBursts(Duration.ofMinutes(1),
                List.of(new Step(3, FairUseAction.SUSPEND_PLAN, Hold.END_OF_MONTH))), null, null, null),
                ZoneOffset.UTC);
        engine.openAccount("dave", "line-out", null);
        engine.purchaseCredit("dave", usd("1"), "test");
        engine.purchasePlan("dave", "usa-600", false);
        for (int i = 0; i < 3; i++) {
            call(engine, "dave", 5_000);
        }
        assertThat(store.balance("dave")).contains(usd("1"));
        call(engine, "dave", 5_000); // the fourth attempt within a minute: plan suspended, paid from credit
        assertThat(told).containsExactly("dave call_burst suspend_plan");
        assertThat(store.balance("dave")).contains(usd("0.98"));
        FairUseStanding standing = store.administration().fairUse("dave");
        assertThat(standing.planUntil()).isEqualTo(Instant.parse("2026-04-01T00:00:00Z"));
        assertThat(standing.accountSuspendedAt(clock.instant())).isFalse();
    }

    @Test
    void riskyDestinationsCountOnlyCallsToTheirPrefixes() {
        ChargingEngine engine = engine(new FairUsePolicy(null, null, null, new FairUsePolicy.RiskyDestinations(
                List.of("1900"), false, Duration.ofHours(1), List.of(new Step(1, FairUseAction.SUSPEND_ACCOUNT,
                        Hold.UNTIL_LIFTED))), null), ZoneOffset.UTC);
        engine.openAccount("eve", "line-out", null);
        engine.purchaseCredit("eve", usd("10"), "test");
        assertThat(engine.authorise("r1", "eve", "19005550100")).isInstanceOf(Authorisation.Granted.class);
        assertThat(engine.authorise("r2", "eve", "12125550100")).isInstanceOf(Authorisation.Granted.class);
        Authorisation second = engine.authorise("r3", "eve", "19005550101");
        assertThat(((Authorisation.Denied) second).message())
                .isEqualTo("fair use until an operator lifts it: 2 calls to high-risk or premium-rate destinations"
                        + " within 1 h (more than 1)");
        assertThat(store.administration().fairUse("eve").accountUntil()).isEqualTo(Instant.MAX);
    }

    @Test
    void premiumRateDestinationsCountWhenTheDetectorSaysSo() {
        ChargingEngine engine = engine(new FairUsePolicy(null, null, null, new FairUsePolicy.RiskyDestinations(
                List.of(), true, Duration.ofHours(1), List.of(new Step(2, FairUseAction.REFUSE_CALL, null))), null),
                ZoneOffset.UTC);
        engine.openAccount("eve", "line-out", null);
        engine.purchaseCredit("eve", usd("10"), "test");
        for (int i = 0; i < 2; i++) {
            assertThat(engine.authorise("p" + i, "eve", "19765550100")).isInstanceOf(Authorisation.Granted.class);
            assertThat(engine.authorise("o" + i, "eve", "12125550100")).isInstanceOf(Authorisation.Granted.class);
        }
        Authorisation third = engine.authorise("p3", "eve", "19765550199");
        assertThat(((Authorisation.Denied) third).reason()).isEqualTo(DenialReason.FAIR_USE_REFUSED);
        assertThat(told).containsExactly("eve risky_destinations refuse_call");
    }

    @Test
    void aSpendOutlierIsSuspendedUntilTheEndOfTheMonthInTheProductsZone() {
        ZoneId tokyo = ZoneId.of("Asia/Tokyo");
        ChargingEngine engine = engine(new FairUsePolicy(null, null, null, null, new FairUsePolicy.SpendOutliers(
                usd("0.05"), 3, 5, 3, FairUseAction.SUSPEND_ACCOUNT, Hold.END_OF_MONTH)), tokyo);
        for (String a : List.of("a", "b", "c", "spender")) {
            engine.openAccount(a, "line-out", tokyo);
            engine.purchaseCredit(a, usd("10"), "test");
        }
        for (String a : List.of("a", "b", "c")) {
            call(engine, a, 150_000); // 3 minutes: 0.06 each
        }
        call(engine, "spender", 150_000);
        call(engine, "spender", 60_000); // 0.08: below the population's 0.06 + 5 × 0.006 (a tenth of the median: MAD 0)
        assertThat(told).isEmpty();
        call(engine, "spender", 60_000); // 0.10
        assertThat(told).containsExactly("spender spend_outlier suspend_account");
        FairUseStanding standing = store.administration().fairUse("spender");
        // 2026-03-02 in Tokyo: suspended until April there
        assertThat(standing.accountUntil()).isEqualTo(Instant.parse("2026-03-31T15:00:00Z"));
        assertThat(standing.accountReason()).contains("this month's spend 0.1 USD")
                .contains("median 0.06 USD + 5 robust deviations (MAD 0 USD, 4 accounts): 0.09 USD").contains("4 accounts");
    }

    @Test
    void aSpenderAtTheirOwnUsualLevelIsNotAnOutlier() {
        ChargingEngine engine = engine(new FairUsePolicy(null, null, null, null, new FairUsePolicy.SpendOutliers(
                usd("0.05"), 3, 3, 100, FairUseAction.WARN, null)), ZoneOffset.UTC);
        engine.openAccount("steady", "line-out", null);
        engine.purchaseCredit("steady", usd("10"), "test");
        call(engine, "steady", 240_000); // February: 0.08 (the population is too small to judge)
        clock.set(Instant.parse("2026-04-02T01:00:00Z"));
        call(engine, "steady", 240_000); // April 0.08: not above 3 × 0.08
        assertThat(told).isEmpty();
        for (int i = 0; i < 3; i++) {
            call(engine, "steady", 240_000);
        }
        assertThat(told).containsExactly("steady spend_outlier warn"); // 0.32 > 0.24
    }
}
