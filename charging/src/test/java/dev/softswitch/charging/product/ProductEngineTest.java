package dev.softswitch.charging.product;

import dev.softswitch.charging.MutableClock;
import dev.softswitch.charging.account.JournalledAccountStore;
import dev.softswitch.charging.account.MonthlyPackage;
import dev.softswitch.charging.account.PlanProduct;
import dev.softswitch.charging.money.Money;
import dev.softswitch.charging.session.Authorisation;
import dev.softswitch.charging.session.ChargeResult;
import dev.softswitch.charging.session.ChargingEngine;
import dev.softswitch.charging.session.ChargingSession;
import dev.softswitch.charging.session.DenialReason;
import dev.softswitch.charging.session.Quote;
import dev.softswitch.charging.tariff.Rate;
import dev.softswitch.charging.tariff.RateCategory;
import dev.softswitch.charging.tariff.RateSchedule;
import dev.softswitch.charging.tariff.RateTable;
import dev.softswitch.charging.tariff.Tax;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Several products in several currencies in one engine: each account priced by its own product. */
class ProductEngineTest {

    private static final Instant T0 = Instant.parse("2026-03-02T01:00:00Z");

    private final MutableClock clock = new MutableClock(T0);

    static Product lineOut() {
        Rate us = new Rate("1", "United States", usd("0.02"), usd("0"), 60, 60);
        return new Product("line-out", "USD", Tax.NONE, RateSchedule.of(RateTable.of("line-out", List.of(us))),
                ZoneOffset.UTC, "", null, null, Duration.ofDays(180),
                List.of(PlanProduct.thirtyDays("usa-60", List.of("1"), 60, usd("2.99"))), List.of());
    }

    static Product japan() {
        Tax tax = Tax.added(1000);
        Rate us = new Rate("1", "United States", jpy("40"), jpy("0"), 30, 30, tax, RateCategory.OTHER);
        return new Product("line-mobile-jp", "JPY", tax, RateSchedule.of(RateTable.of("jp", List.of(us))),
                ZoneId.of("Asia/Tokyo"), "81", jpy("20000"), null, null, List.of(), List.of());
    }

    static Product thailand() {
        Tax vat = Tax.added(700);
        Rate th = new Rate("66", "Thailand", Money.parse("0.99", "THB"), Money.parse("0", "THB"), 60, 60, vat,
                RateCategory.MOBILE);
        return new Product("line-mobile-th", "THB", vat, RateSchedule.of(RateTable.of("th", List.of(th))),
                ZoneId.of("Asia/Bangkok"), "66", null, null, null, List.of(),
                List.of(new MonthlyPackage("talk-100", 100, List.of("66"))));
    }

    private static Money usd(String s) {
        return Money.parse(s, "USD");
    }

    private static Money jpy(String s) {
        return Money.parse(s, "JPY");
    }

    private ChargingEngine engine(JournalledAccountStore store) {
        return new ChargingEngine(store, ProductCatalog.of(List.of(lineOut(), japan(), thailand())), clock,
                ChargingEngine.DEFAULT_RESERVATION_TTL);
    }

    private ChargeResult call(ChargingEngine engine, String account, String digits, long millis) {
        Authorisation a = engine.authorise("call-" + account + "-" + clock.instant(), account, digits);
        assertThat(a).isInstanceOf(Authorisation.Granted.class);
        ChargingSession s = ((Authorisation.Granted) a).session();
        Instant answer = clock.instant();
        s.start(answer);
        Instant end = answer.plusMillis(millis);
        while (s.paidUntil().isBefore(end)) {
            assertThat(s.reserveNext()).isTrue();
        }
        return s.end(end);
    }

    @Test
    void eachAccountIsPricedByItsOwnProductInItsOwnCurrency() {
        JournalledAccountStore store = new JournalledAccountStore(new dev.softswitch.charging.journal.NoJournal(), clock);
        ChargingEngine engine = engine(store);
        engine.openAccount("us", "line-out", null);
        engine.openAccount("jp", "line-mobile-jp", null);
        engine.purchaseCredit("us", usd("1"), "test");
        engine.purchaseCredit("jp", jpy("1000"), "test");

        // seed 003: 20 yen per 30 s, tax added 10 %: 31 s is two increments, 40 yen + 4 yen tax
        assertThat(call(engine, "jp", "12125550100", 31_000).amount()).isEqualTo(jpy("44"));
        assertThat(call(engine, "us", "12125550100", 61_000).amount()).isEqualTo(usd("0.04"));
        assertThat(store.balance("jp")).contains(jpy("956"));
        assertThat(store.balance("us")).contains(usd("0.96"));
    }

    @Test
    void anInternationalCallRefusedAtTheCapSaysWhenCallsAbroadResumeInTheAccountsZone() {
        JournalledAccountStore store = new JournalledAccountStore(new dev.softswitch.charging.journal.NoJournal(), clock);
        Product capped = new Product("jp-capped", "JPY", japan().tax(), japan().sell(), japan().zone(), "81",
                jpy("22"), null, null, List.of(), List.of());
        ChargingEngine engine = new ChargingEngine(store, ProductCatalog.of(capped), clock,
                ChargingEngine.DEFAULT_RESERVATION_TTL);
        engine.openAccount("jp", "jp-capped", null);
        engine.purchaseCredit("jp", jpy("1000"), "test");
        Authorisation first = engine.authorise("c1", "jp", "12125550100");
        ChargingSession s = ((Authorisation.Granted) first).session();
        s.start(clock.instant());
        assertThat(s.reserveNext()).isFalse(); // 22 yen reached the cap: no second 30 s step
        s.end(clock.instant().plusSeconds(30));

        Authorisation next = engine.authorise("c2", "jp", "12125550100");
        assertThat(next).isInstanceOf(Authorisation.Denied.class);
        assertThat(((Authorisation.Denied) next).reason()).isEqualTo(DenialReason.SPEND_CAP_REACHED);
        // 2026-03-02 10:00 in Tokyo: calls abroad resume with April there
        assertThat(((Authorisation.Denied) next).message())
                .isEqualTo("Monthly international spending cap reached: calls abroad resume 2026-04-01 00:00 Asia/Tokyo");
    }

    @Test
    void theDialPadQuoteShowsTaxAsTheCustomerPaysIt() {
        JournalledAccountStore store = new JournalledAccountStore(new dev.softswitch.charging.journal.NoJournal(), clock);
        ChargingEngine engine = engine(store);
        engine.openAccount("th", "line-mobile-th", null);
        Quote q = engine.quote("th", "66812345678");
        assertThat(q).isInstanceOf(Quote.Priced.class);
        Quote.Priced p = (Quote.Priced) q;
        assertThat(p.perMinute()).isEqualTo(Money.parse("1.0593", "THB")); // 0.99 + 7 %
        assertThat(p.firstIncrement()).isEqualTo(Money.parse("1.0593", "THB"));
        assertThat(p.initialSeconds()).isEqualTo(60);
        assertThat(p.product()).isEqualTo("line-mobile-th");
        Quote none = engine.quote("th", "12125550100");
        assertThat(none).isInstanceOf(Quote.Unpriced.class);
        assertThat(((Quote.Unpriced) none).reason()).isEqualTo(DenialReason.NO_RATE);
        assertThat(((Quote.Unpriced) engine.quote("ghost", "66812345678")).reason())
                .isEqualTo(DenialReason.UNKNOWN_ACCOUNT);
    }

    @Test
    void aPlanRenewsOnTheTermsItsProductSellsAtTheRenewal() {
        JournalledAccountStore store = new JournalledAccountStore(new dev.softswitch.charging.journal.NoJournal(), clock);
        ChargingEngine engine = engine(store);
        engine.openAccount("us", "line-out", null);
        engine.purchasePlan("us", "usa-60", true);
        Product repriced = new Product("line-out", "USD", Tax.NONE, lineOut().sell(), ZoneOffset.UTC, "", null, null,
                Duration.ofDays(180), List.of(PlanProduct.thirtyDays("usa-60", List.of("1"), 90, usd("3.49"))),
                List.of());
        engine.reloadProducts(ProductCatalog.of(List.of(repriced, japan(), thailand())));

        store.housekeeping().expire(T0.plus(Duration.ofDays(30)));

        assertThat(store.plans("us")).hasSize(2).last().satisfies(p -> {
            assertThat(p.price()).as("the rate applicable at the time of subsequent purchase").isEqualTo(usd("3.49"));
            assertThat(p.minutes()).isEqualTo(90);
            assertThat(p.autoRenew()).isTrue();
        });
    }

    @Test
    void purchasesComeFromTheAccountsProductAndStopAtTheEndOfSales() {
        JournalledAccountStore store = new JournalledAccountStore(new dev.softswitch.charging.journal.NoJournal(), clock);
        ChargingEngine engine = engine(store);
        engine.openAccount("us", "line-out", null);
        engine.openAccount("th", "line-mobile-th", null);
        engine.purchaseCredit("us", usd("5"), "store");
        assertThat(store.lots("us").get(0).expiresAt()).isEqualTo(T0.plus(Duration.ofDays(180)));
        engine.purchasePlan("us", "usa-60", false);
        assertThat(store.plans("us")).hasSize(1);
        assertThatThrownBy(() -> engine.purchasePlan("us", "thai-100", false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("usa-60");
        assertThatThrownBy(() -> engine.subscribePackage("us", "talk-100"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("line-out");
        engine.subscribePackage("th", "talk-100");
        assertThat(store.packageMinutesLeft("th", T0)).isEqualTo(100);
        assertThatThrownBy(() -> engine.purchaseCoins("us", 10, "store")).hasMessageContaining("no coins");
        assertThatThrownBy(() -> engine.openAccount("x", "nope", null)).hasMessageContaining("nope");

        engine.salesEnd(T0.plusSeconds(60));
        clock.advance(Duration.ofSeconds(60));
        assertThatThrownBy(() -> engine.purchaseCredit("us", usd("1"), "store"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("sales ended");
    }

    @Test
    void anAccountsProductSurvivesARestartAndAProductRemovedFromTheCatalogRefusesItsCalls(@TempDir Path dir)
            throws Exception {
        try (JournalledAccountStore store = JournalledAccountStore.open(dir, clock,
                ChargingEngine.DEFAULT_RESERVATION_TTL)) {
            ChargingEngine engine = engine(store);
            engine.openAccount("jp", "line-mobile-jp", null);
            engine.purchaseCredit("jp", jpy("1000"), "test");
        }
        try (JournalledAccountStore store = JournalledAccountStore.open(dir, clock,
                ChargingEngine.DEFAULT_RESERVATION_TTL)) {
            assertThat(store.productOf("jp")).contains("line-mobile-jp");
            ChargingEngine engine = engine(store);
            assertThat(engine.productOf("jp").map(Product::currency)).contains("JPY");
            engine.reloadProducts(ProductCatalog.of(List.of(lineOut())));
            Authorisation a = engine.authorise("c1", "jp", "12125550100");
            assertThat(a).isInstanceOf(Authorisation.Denied.class);
            assertThat(((Authorisation.Denied) a).reason()).isEqualTo(DenialReason.UNKNOWN_PRODUCT);
            assertThat(store.available("jp")).isEqualTo(jpy("1000"));
        }
    }

    @Test
    void deckProblemsNameTheDeckThePrefixAndTheMismatch() {
        Rate gbp = new Rate("44", "UK", Money.parse("0.5", "GBP"), Money.parse("0", "GBP"), 60, 60);
        Product p = lineOut().withSell(RateSchedule.of(RateTable.of("uk-deck", List.of(gbp))));
        assertThat(p.deckProblems()).singleElement().asString().contains("uk-deck").contains("'44'").contains("GBP");
        assertThat(lineOut().deckProblems()).isEmpty();
        assertThat(japan().features()).containsExactlyInAnyOrder(Feature.CREDIT, Feature.CAP);
        assertThat(thailand().features()).containsExactlyInAnyOrder(Feature.CREDIT, Feature.PACKAGES);
    }
}
