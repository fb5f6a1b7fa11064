package dev.softswitch.charging.account;

import dev.softswitch.charging.MutableClock;
import dev.softswitch.charging.cdr.ChargedCall;
import dev.softswitch.charging.journal.NoJournal;
import dev.softswitch.charging.money.Money;
import dev.softswitch.charging.session.Authorisation;
import dev.softswitch.charging.session.ChargeResult;
import dev.softswitch.charging.session.ChargingEngine;
import dev.softswitch.charging.session.ChargingSession;
import dev.softswitch.charging.tariff.Rate;
import dev.softswitch.charging.tariff.RateCategory;
import dev.softswitch.charging.tariff.RateSchedule;
import dev.softswitch.charging.tariff.RateTable;
import dev.softswitch.charging.tariff.Tax;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** CHG-4 30-day plans and CHG-5 monthly packages. */
class PlanAndPackageTest {

    private static final Instant T0 = Instant.parse("2025-05-10T00:00:00Z");
    private static final PlanProduct US_PLAN = PlanProduct.thirtyDays("USA 60", List.of("1"), 3, usd("2.99"));

    private final MutableClock clock = new MutableClock(T0);
    private final JournalledAccountStore store = new JournalledAccountStore(new NoJournal(), clock);

    private static Money usd(String s) {
        return Money.parse(s, "USD");
    }

    private static Money thb(String s) {
        return Money.parse(s, "THB");
    }

    private ChargeResult call(ChargingEngine engine, String id, String number, int seconds) {
        ChargingSession s = ((Authorisation.Granted) engine.authorise("c" + seconds + number, id, number)).session();
        s.start(clock.instant());
        Instant end = clock.instant().plusSeconds(seconds);
        while (s.paidUntil().isBefore(end)) {
            if (!s.reserveNext()) {
                break;
            }
        }
        return s.end(end);
    }

    private ChargingEngine usEngine() {
        return new ChargingEngine(store, RateSchedule.of(RateTable.of(List.of(
                new Rate("1", "USA", usd("0.10"), usd("0.05"), 60, 30),
                new Rate("44", "UK", usd("0.20"), usd("0"), 60, 60)))), clock, Duration.ofMinutes(2));
    }

    @Test
    void aCallUsesThePlanFirstThenContinuesOnCreditInTheSameCall() {
        ChargingEngine engine = usEngine();
        store.create("u", usd("1"));
        long plan = store.purchasePlan("u", US_PLAN, T0, false);
        ChargeResult r = call(engine, "u", "12125550100", 181); // 3 plan minutes, then 1 s on credit
        assertThat(r.billedSeconds()).isEqualTo(180 + 30);
        assertThat(r.amount()).as("subsequent 30 s increment, no connect fee").isEqualTo(usd("0.05"));
        ChargedCall c = store.call("u", "c181" + "12125550100").orElseThrow();
        assertThat(c.planMinutes()).isEqualTo(3);
        assertThat(c.planId()).isEqualTo(plan);
        assertThat(store.plans("u").get(0).minutesLeft()).isZero();
    }

    @Test
    void everyStartedPlanMinuteIsUsedAndOtherDestinationsPayCredit() {
        ChargingEngine engine = usEngine();
        store.create("u", usd("1"));
        store.purchasePlan("u", US_PLAN, T0, false);
        assertThat(call(engine, "u", "12125550100", 61).amount()).isEqualTo(usd("0"));
        assertThat(store.plans("u").get(0).minutesLeft()).isEqualTo(1);
        assertThat(call(engine, "u", "447700900123", 10).amount()).as("UK is not in the plan").isEqualTo(usd("0.2"));
    }

    @Test
    void unusedPlanMinutesExpireAfterThirtyDaysWithoutRolloverAndAutoRenewalCanBeSwitchedOff() {
        ChargingEngine engine = usEngine();
        store.create("u", usd("0"));
        store.create("v", usd("0"));
        store.purchasePlan("u", US_PLAN, T0, true);
        store.purchasePlan("v", US_PLAN, T0, true);
        Instant end = T0.plus(Duration.ofDays(30));
        clock.set(end.minusNanos(1));
        assertThat(engine.authorise("a", "u", "12125550100")).isInstanceOf(Authorisation.Granted.class);
        ((Authorisation.Granted) engine.authorise("b", "v", "12125550100")).session().release();
        store.housekeeping().expire(end);
        List<PlanBalance> plans = store.plans("u");
        assertThat(plans).hasSize(2);
        assertThat(plans.get(0).expired()).isTrue();
        assertThat(plans.get(1).minutesLeft()).as("renewed with fresh minutes only").isEqualTo(3);
        assertThat(plans.get(1).expiresAt()).isEqualTo(end.plus(Duration.ofDays(30)));
        store.housekeeping().setAutoRenewal(false); // the service's end is announced
        store.housekeeping().expire(end.plus(Duration.ofDays(30)));
        assertThat(store.plans("u")).hasSize(2).allMatch(PlanBalance::expired);
        clock.set(end.plus(Duration.ofDays(30)));
        assertThat(engine.authorise("c", "u", "12125550100")).isInstanceOf(Authorisation.Denied.class);
    }

    @Test
    void onceTheServiceEndIsAnnouncedPlansNeitherRenewNorAreSoldToRenew() {
        ChargingEngine engine = usEngine();
        store.create("u", usd("0"));
        store.purchasePlan("u", US_PLAN, T0, true);

        engine.serviceEndAnnounced(true);
        store.purchasePlan("u", US_PLAN, T0.plusSeconds(60), true);
        assertThat(store.plans("u")).extracting(PlanBalance::autoRenew).as("bought after the announcement: no renewal")
                .containsExactly(true, false);
        Instant end = T0.plus(Duration.ofDays(30)).plusSeconds(60);
        store.housekeeping().expire(end);
        assertThat(store.plans("u")).as("the plan bought to renew expires without renewing").hasSize(2)
                .allMatch(PlanBalance::expired);
        assertThat(store.purchases("u", T0, end.plusSeconds(1))).as("nothing sold by the renewal").hasSize(2);

        engine.serviceEndAnnounced(false); // the closure withdrawn
        store.purchasePlan("u", US_PLAN, end, true);
        store.housekeeping().expire(end.plus(Duration.ofDays(30)));
        assertThat(store.plans("u")).hasSize(4).last().satisfies(p -> assertThat(p.autoRenew()).isTrue());
    }

    @Test
    void packageFreeMinutesThenTheExcessRateAndNeverForPremiumOrInternational() {
        ChargingEngine engine = new ChargingEngine(store, RateSchedule.of(RateTable.of(List.of(
                new Rate("66", "Thailand", thb("0.99"), thb("0"), 60, 60, Tax.added(700), RateCategory.MOBILE),
                new Rate("661900", "Thai premium", thb("9"), thb("0"), 60, 60, Tax.added(700), RateCategory.PREMIUM),
                new Rate("1", "USA", thb("5"), thb("0"), 60, 60, Tax.added(700), RateCategory.LANDLINE)))),
                clock, Duration.ofMinutes(2));
        store.open("th", AccountOptions.of("THB").withZone(ZoneId.of("Asia/Bangkok")).withHomePrefix("66"));
        store.credit("th", thb("100"));
        store.subscribePackage("th", new MonthlyPackage("XS", 2, List.of("66")), T0);
        assertThat(call(engine, "th", "66812345678", 150).amount()).as("2 free minutes, 1 excess with VAT")
                .isEqualTo(thb("1.0593"));
        assertThat(store.packageMinutesLeft("th", T0)).isZero();
        assertThat(call(engine, "th", "6619001234", 30).amount()).isEqualTo(thb("9.63"));
        assertThat(call(engine, "th", "12125550100", 30).amount()).isEqualTo(thb("5.35"));
        Instant nextCycle = Instant.parse("2025-05-31T17:00:00Z"); // 1 June 00:00 in Bangkok
        assertThat(store.packageMinutesLeft("th", nextCycle)).as("no carry-over, fresh cycle").isEqualTo(2);
        clock.set(nextCycle);
        assertThat(call(engine, "th", "66812345678", 60).amount()).isEqualTo(thb("0"));
    }
}
