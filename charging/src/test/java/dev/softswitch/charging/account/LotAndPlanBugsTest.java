package dev.softswitch.charging.account;

import dev.softswitch.charging.MutableClock;
import dev.softswitch.charging.cdr.ChargedCall;
import dev.softswitch.charging.journal.NoJournal;
import dev.softswitch.charging.money.Money;
import dev.softswitch.charging.session.Authorisation;
import dev.softswitch.charging.session.ChargingEngine;
import dev.softswitch.charging.session.ChargingSession;
import dev.softswitch.charging.tariff.Rate;
import dev.softswitch.charging.tariff.RateSchedule;
import dev.softswitch.charging.tariff.RateTable;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Issue 12's smaller money findings about lots and plans. */
class LotAndPlanBugsTest {

    private static final Instant T0 = Instant.parse("2025-03-01T15:00:00Z"); // 10:00 in New York
    private static final Rate US = new Rate("1", "USA", usd("1"), usd("0"), 60, 60);

    private final MutableClock clock = new MutableClock(T0);
    private final JournalledAccountStore store = new JournalledAccountStore(new NoJournal(), clock);
    private final ChargingEngine engine = new ChargingEngine(store, RateSchedule.of(RateTable.of(List.of(US))), clock,
            Duration.ofMinutes(2));

    private static Money usd(String s) {
        return Money.parse(s, "USD");
    }

    private ChargedCall call(String account, String callId, int seconds) {
        ChargingSession s = ((Authorisation.Granted) engine.authorise(callId, account, "12125550100")).session();
        s.start(clock.instant());
        Instant end = clock.instant().plusSeconds(seconds);
        while (s.paidUntil().isBefore(end)) {
            assertThat(s.reserveNext()).isTrue();
        }
        s.end(end);
        return store.call(account, callId).orElseThrow();
    }

    @Test
    void aNegativeOrZeroValidityIsRefused() {
        store.create("u", usd("0"));
        assertThatThrownBy(() -> store.purchaseCredit("u", usd("5"), T0, "web", Duration.ofDays(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("validity");
        assertThatThrownBy(() -> store.purchaseCredit("u", usd("5"), T0, "web", Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("validity");
        assertThatThrownBy(() -> store.purchaseCredit("u", usd("5"), T0, "web", T0.minusSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expires");
        assertThat(store.lots("u")).isEmpty();
    }

    @Test
    void aThirtyDayPlanEndsAtTheSameLocalTimeAcrossDaylightSaving() {
        store.open("ny", AccountOptions.of("USD").withZone(ZoneId.of("America/New_York")));
        store.purchasePlan("ny", PlanProduct.thirtyDays("US", List.of("1"), 10, usd("3")), T0, true);
        Instant end = store.plans("ny").get(0).expiresAt();
        assertThat(end).as("10:00 EDT on 31 March").isEqualTo(Instant.parse("2025-03-31T14:00:00Z"));
        clock.set(end);
        store.housekeeping().expire(end);
        assertThat(store.plans("ny").get(1).expiresAt()).as("renewed to 10:00 EDT on 30 April")
                .isEqualTo(Instant.parse("2025-04-30T14:00:00Z"));
    }

    @Test
    void aRefundOfACallPaidFromAnExpiredLotIsForfeitedNotSpendableNorRefundable() {
        store.create("u", usd("0"));
        store.purchaseCredit("u", usd("5"), T0, "web", Duration.ofDays(10));
        call("u", "c1", 120); // 2 USD from the lot expiring on day 10
        clock.set(T0.plus(Duration.ofDays(20)));
        store.housekeeping().expire(clock.instant());
        assertThat(store.forfeited("u")).isEqualTo(usd("3"));

        store.operatorActions().adjust("u", "c1", usd("2"), "dropped call", clock.instant());
        assertThat(store.available("u")).as("the refund expired with its lot").isEqualTo(usd("0"));
        assertThat(store.forfeited("u")).isEqualTo(usd("5"));
        assertThat(store.operatorActions().closeService(clock.instant().plus(Duration.ofDays(1))).get(0).amount())
                .isEqualTo(usd("0"));
    }

    @Test
    void aRefundOfACallPaidFromALiveLotKeepsThatLotsExpiry() {
        store.create("u", usd("0"));
        store.purchaseCredit("u", usd("5"), T0, "web", Duration.ofDays(10));
        call("u", "c1", 60);
        store.operatorActions().adjust("u", "c1", usd("1"), "dropped call", clock.instant());
        assertThat(store.lots("u")).extracting(CreditLot::expiresAt).containsOnly(T0.plus(Duration.ofDays(10)));
        assertThat(store.available("u")).isEqualTo(usd("5"));
    }

    @Test
    void aCallSpanningTwoPlansRecordsBoth() {
        store.create("u", usd("10"));
        long first = store.purchasePlan("u", new PlanProduct("short", List.of("1"), 1, usd("1"), Duration.ofDays(5)),
                T0, false);
        long second = store.purchasePlan("u", PlanProduct.thirtyDays("long", List.of("1"), 10, usd("3")), T0, false);
        ChargedCall c = call("u", "c1", 170);
        assertThat(c.planMinutes()).isEqualTo(3);
        assertThat(c.planUses()).containsExactly(new ChargedCall.PlanUse(first, 1), new ChargedCall.PlanUse(second, 2));
        assertThat(store.plans("u")).extracting(PlanBalance::minutesLeft).containsExactly(0, 8);
        assertThat(store.balance("u")).contains(usd("10"));
        assertThat(engine.explain("u", "c1").orElseThrow()).contains("plan " + first).contains("plan " + second);
    }
}
