package dev.softswitch.charging.account;

import dev.softswitch.charging.MutableClock;
import dev.softswitch.charging.cdr.Adjustment;
import dev.softswitch.charging.cdr.ChargedCall;
import dev.softswitch.charging.journal.NoJournal;
import dev.softswitch.charging.money.Money;
import dev.softswitch.charging.session.Authorisation;
import dev.softswitch.charging.session.ChargingEngine;
import dev.softswitch.charging.session.ChargingSession;
import dev.softswitch.charging.tariff.Rate;
import dev.softswitch.charging.tariff.RateSchedule;
import dev.softswitch.charging.tariff.RateTable;
import dev.softswitch.charging.tariff.Tax;
import org.junit.jupiter.api.Test;

import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** ACC-1 history, ACC-2 adjustments within 90 days, ACC-3 closure refunds, and a call's explanation. */
class AccountServiceTest {

    private static final Instant T0 = Instant.parse("2025-02-01T09:00:00Z");

    private final MutableClock clock = new MutableClock(T0);
    private final JournalledAccountStore store = new JournalledAccountStore(new NoJournal(), clock);
    private final ChargingEngine engine = new ChargingEngine(store, RateSchedule.of(RateTable.of("line-out-2025",
            List.of(new Rate("1", "USA", usd("0.10"), usd("0.02"), 60, 60).withTax(Tax.included(1000))))),
            clock, Duration.ofMinutes(2));

    private static Money usd(String s) {
        return Money.parse(s, "USD");
    }

    private void call(String id, String callId, int seconds) {
        ChargingSession s = ((Authorisation.Granted) engine.authorise(callId, id, "12125550100")).session();
        s.start(clock.instant());
        while (s.paidUntil().isBefore(clock.instant().plusSeconds(seconds))) {
            s.reserveNext();
        }
        s.end(clock.instant().plusSeconds(seconds));
        clock.advance(Duration.ofSeconds(seconds));
    }

    @Test
    void adjustmentsAreAcceptedUpTo90DaysAfterTheCallAndRefusedAfter() {
        store.create("u", usd("5"));
        call("u", "c1", 120); // ends T0 + 120 s, costs 0.22
        Instant limit = T0.plusSeconds(120).plus(Duration.ofDays(90)); // 90 days after the call ended
        store.operatorActions().adjust("u", "c1", usd("0.10"), "dropped call, ticket 17", limit);
        assertThat(store.balance("u")).contains(usd("4.88"));
        assertThatThrownBy(() -> store.operatorActions().adjust("u", "c1", usd("0.05"), "late", limit.plusNanos(1)))
                .isInstanceOf(AdjustmentRefusedException.class).hasMessageContaining("90 days");
        assertThatThrownBy(() -> store.operatorActions().adjust("u", "c1", usd("0.13"), "too much", limit))
                .hasMessageContaining("exceed");
        assertThatThrownBy(() -> store.operatorActions().adjust("u", "nope", usd("0.01"), "x", limit))
                .hasMessageContaining("no settled");
        store.operatorActions().adjust("u", "c1", usd("-0.02"), "rate correction", limit);
        assertThat(store.balance("u")).contains(usd("4.86"));
        assertThat(store.adjustments("u", "c1")).extracting(Adjustment::reason)
                .containsExactly("dropped call, ticket 17", "rate correction");
    }

    @Test
    void explainsWhyACallCostWhatItCost() {
        store.create("u", usd("5"));
        call("u", "c1", 61);
        store.operatorActions().adjust("u", "c1", usd("0.02"), "goodwill", T0.plus(Duration.ofDays(1)));
        String text = engine.explain("u", "c1").orElseThrow();
        assertThat(text).contains("deck 'line-out-2025'", "prefix 1", "0.1 USD per minute", "60/60 s",
                "connect fee: 0.02 USD", "credit increments: 2", "tax included: 0.02 USD", "charged: 0.22 USD",
                "from credit lot 1: 0.22 USD", "adjusted", "goodwill", "net after adjustments: 0.2 USD");
        assertThat(engine.explain("u", "nope")).isEmpty();
    }

    @Test
    void keepsUsageAndPurchaseHistoryForAConfigurablePeriod() {
        store.create("u", usd("0"));
        store.purchaseCredit("u", usd("3"), T0, "google-play", Duration.ofDays(180));
        store.purchasePlan("u", PlanProduct.thirtyDays("USA", List.of("44"), 10, usd("1.99")), T0, false);
        call("u", "old", 30);
        clock.advance(Duration.ofDays(40));
        call("u", "new", 30);
        engine.historyPeriod(Duration.ofDays(30));
        assertThat(engine.usageHistory("u")).extracting(ChargedCall::callId).containsExactly("new");
        engine.historyPeriod(Duration.ofDays(60));
        assertThat(engine.usageHistory("u")).extracting(ChargedCall::callId).containsExactly("old", "new");
        assertThat(store.purchases("u", T0, T0.plusSeconds(1))).extracting(Purchase::kind)
                .containsExactly("credit", "plan");
    }

    @Test
    void closureRefundsUnexpiredCreditButNotPlansAndWritesAReport() throws Exception {
        store.create("a", usd("0"));
        store.create("b", usd("0"));
        store.purchaseCredit("a", usd("2"), T0, "web", Instant.MAX);
        store.purchaseCredit("a", usd("1"), T0, "google-play", T0.plus(Duration.ofDays(10)));
        store.purchasePlan("b", PlanProduct.thirtyDays("USA", List.of("1"), 10, usd("1.99")), T0, false);
        Instant serviceEnd = T0.plus(Duration.ofDays(20));
        List<Refund> refunds = store.operatorActions().closeService(serviceEnd);
        assertThat(refunds).containsExactly(new Refund("a", usd("2"), 1),
                new Refund("b", usd("0"), 0));
        assertThat(store.balance("a")).contains(usd("0"));
        assertThat(store.forfeited("a")).isEqualTo(usd("1"));
        StringWriter csv = new StringWriter();
        RefundReportWriter.write(csv, refunds, serviceEnd);
        assertThat(csv.toString()).isEqualTo(RefundReportWriter.HEADER + "\n"
                + "a,USD,2,1,2025-02-21T09:00:00Z\n"
                + "b,USD,0,0,2025-02-21T09:00:00Z\n");
    }
}
