package dev.softswitch.charging.account;

import dev.softswitch.charging.MutableClock;
import dev.softswitch.charging.cdr.ChargedCall;
import dev.softswitch.charging.money.Money;
import dev.softswitch.charging.money.Rounding;
import dev.softswitch.charging.session.Authorisation;
import dev.softswitch.charging.session.ChargeResult;
import dev.softswitch.charging.session.ChargingEngine;
import dev.softswitch.charging.session.ChargingSession;
import dev.softswitch.charging.session.DenialReason;
import dev.softswitch.charging.tariff.Rate;
import dev.softswitch.charging.tariff.RateSchedule;
import dev.softswitch.charging.tariff.RateTable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** CHG-3: lots with expiry, earliest-expiry-first spending, forfeiture, the coin wallet's even-credit rule. */
class CreditLotTest {

    private static final Instant T0 = Instant.parse("2025-01-31T15:00:00Z");
    /** LINE Out style: 0.06 USD per started minute, tax included, no connect fee. */
    private static final Rate US = new Rate("1", "USA", usd("0.06"), usd("0"), 60, 60);

    private final MutableClock clock = new MutableClock(T0);
    private final JournalledAccountStore store = new JournalledAccountStore(new dev.softswitch.charging.journal.NoJournal(),
            clock);
    private final ChargingEngine engine = new ChargingEngine(store, RateSchedule.of(RateTable.of(List.of(US))), clock,
            Duration.ofMinutes(2));

    private static Money usd(String s) {
        return Money.parse(s, "USD");
    }

    private ChargeResult call(String account, String callId, int seconds) {
        Authorisation a = engine.authorise(callId, account, "12125550100");
        assertThat(a).as("authorised %s", callId).isInstanceOf(Authorisation.Granted.class);
        ChargingSession s = ((Authorisation.Granted) a).session();
        s.start(clock.instant());
        Instant end = clock.instant().plusSeconds(seconds);
        while (s.paidUntil().isBefore(end)) {
            assertThat(s.reserveNext()).isTrue();
        }
        return s.end(end);
    }

    @Test
    void spendsTheEarliestExpiringLotFirst() {
        store.create("u", usd("0"));
        long late = store.purchaseCredit("u", usd("1"), T0, "google-play", Duration.ofDays(180));
        long never = store.purchaseCredit("u", usd("1"), T0, "web", Instant.MAX);
        long early = store.purchaseCredit("u", usd("0.10"), T0, "promo", T0.plus(Duration.ofDays(10)));
        call("u", "c1", 150); // 3 minutes = 0.18
        ChargedCall c = store.call("u", "c1").orElseThrow();
        assertThat(c.lotDebits()).containsExactly(new ChargedCall.LotDebit(early, 100_000),
                new ChargedCall.LotDebit(late, 80_000));
        assertThat(store.lots("u")).extracting(CreditLot::lotId).containsExactly(late, never);
    }

    @Test
    void aLotExpiresExactlyAtItsInstantAndTheRestIsForfeited() {
        store.create("u", usd("0"));
        Instant expiry = T0.plus(Duration.ofDays(180));
        store.purchaseCredit("u", usd("0.12"), T0, "google-play", Duration.ofDays(180));
        clock.set(expiry.minusNanos(1));
        assertThat(call("u", "c1", 60).amount()).isEqualTo(usd("0.06"));
        clock.set(expiry);
        Authorisation refused = engine.authorise("c2", "u", "12125550100");
        assertThat(((Authorisation.Denied) refused).reason()).isEqualTo(DenialReason.INSUFFICIENT_CREDIT);
        assertThat(store.forfeited("u")).isEqualTo(usd("0.06"));
        assertThat(store.balance("u")).contains(usd("0"));
    }

    @Test
    void creditReservedBeforeExpiryPaysTheCallAndOnlyTheUnusedRestIsForfeited() {
        store.create("u", usd("0"));
        Instant expiry = T0.plusSeconds(90);
        store.purchaseCredit("u", usd("0.30"), T0, "promo", expiry);
        ChargingSession s = ((Authorisation.Granted) engine.authorise("c1", "u", "12125550100")).session();
        s.start(T0);
        clock.set(T0.plusSeconds(50));
        assertThat(s.reserveNext()).isTrue();
        clock.set(T0.plusSeconds(100)); // past the lot's expiry
        assertThat(s.reserveNext()).as("expired credit pays nothing new").isFalse();
        assertThat(s.end(T0.plusSeconds(100)).amount()).isEqualTo(usd("0.12"));
        assertThat(store.forfeited("u")).isEqualTo(usd("0.18"));
        assertThat(store.balance("u")).contains(usd("0"));
    }

    @Test
    void expiryIsByInstantWhateverTheAccountsTimeZone() {
        for (String zone : List.of("UTC", "Asia/Tokyo", "America/Los_Angeles")) {
            String id = "u-" + zone;
            store.open(id, AccountOptions.of("USD").withZone(ZoneId.of(zone)));
            store.purchaseCredit(id, usd("1"), T0, "shop", T0.plus(Duration.ofDays(1)));
        }
        store.housekeeping().expire(T0.plus(Duration.ofDays(1)).minusNanos(1));
        for (String zone : List.of("UTC", "Asia/Tokyo", "America/Los_Angeles")) {
            assertThat(store.forfeited("u-" + zone).isZero()).isTrue();
        }
        store.housekeeping().expire(T0.plus(Duration.ofDays(1)));
        for (String zone : List.of("UTC", "Asia/Tokyo", "America/Los_Angeles")) {
            assertThat(store.forfeited("u-" + zone)).as(zone).isEqualTo(usd("1"));
        }
    }

    static Stream<Arguments> coins() {
        // charge micros, credit micros, debited micros
        return Stream.of(
                Arguments.of(0L, 10_000L, 0L),
                Arguments.of(1L, 10_000L, 20_000L),
                Arguments.of(10_000L, 10_000L, 20_000L),
                Arguments.of(10_001L, 10_000L, 20_000L),
                Arguments.of(20_000L, 10_000L, 20_000L),
                Arguments.of(20_001L, 10_000L, 40_000L),
                Arguments.of(30_000L, 10_000L, 40_000L),
                Arguments.of(40_000L, 10_000L, 40_000L));
    }

    @ParameterizedTest(name = "charge {0} in credits of {1} -> {2}")
    @MethodSource("coins")
    void coinWalletRoundsAnOddCreditCountUpToEven(long charge, long credit, long debited) {
        assertThat(Rounding.evenCredits(charge, credit)).isEqualTo(debited);
    }

    @Test
    void aCoinWalletCallIsChargedAnEvenNumberOfCredits() {
        store.open("coins", AccountOptions.of("USD").withCoinCredit(usd("0.01")));
        store.credit("coins", usd("1"));
        // 3 minutes at 0.06 = 0.18 = 18 credits (even): unchanged; 1 minute = 6 credits; 0.07/min would be odd
        assertThat(call("coins", "c1", 180).amount()).isEqualTo(usd("0.18"));
        engine.reloadRates(RateTable.of(List.of(new Rate("1", "USA", usd("0.07"), usd("0"), 60, 60))));
        assertThat(call("coins", "c2", 60).amount()).as("7 credits -> 8").isEqualTo(usd("0.08"));
        assertThat(call("coins", "c3", 120).amount()).as("14 credits stay 14").isEqualTo(usd("0.14"));
        assertThat(store.balance("coins")).contains(usd("0.60"));
        assertThat(store.call("coins", "c2").orElseThrow().coinRounded()).isTrue();
    }

    @Test
    void currenciesNeverMix() {
        store.create("u", usd("1"));
        assertThatThrownBy(() -> store.purchaseCredit("u", Money.parse("100", "JPY"), T0, "shop", Instant.MAX))
                .isInstanceOf(dev.softswitch.charging.money.CurrencyMismatchException.class);
    }
}
