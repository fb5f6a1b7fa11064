package dev.softswitch.charging.tariff;

import dev.softswitch.charging.account.AccountOptions;
import dev.softswitch.charging.account.JournalledAccountStore;
import dev.softswitch.charging.money.Money;
import dev.softswitch.charging.session.Authorisation;
import dev.softswitch.charging.session.ChargingEngine;
import dev.softswitch.charging.session.DenialReason;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Issue 12 finding 6: a shifted CSV column's huge price is refused, and authorise never throws on overflow. */
class PriceLimitTest {

    private static final String HEADER = RateDeckCsvParser.HEADER + "\n";

    @Test
    void aHugePriceOrConnectFeeIsRefusedNamingTheLineAndTheLimit() {
        String csv = HEADER
                + "1,USA,USD,0.012,0,60,60,included,0,landline\n"
                + "44,UK,USD,9000000000000,0,60,60,included,0,landline\n"
                + "33,France,USD,0.01,5000000,60,60,included,0,landline\n";
        assertThatThrownBy(() -> RateDeckCsvParser.parse("shifted.csv", csv))
                .isInstanceOfSatisfying(RateDeckException.class, e -> {
                    assertThat(e.errors()).extracting(RateDeckError::line).containsExactly(3, 4);
                    assertThat(e.errors().get(0).message()).contains("price_per_minute").contains("9000000000000")
                            .contains("1000000");
                    assertThat(e.errors().get(1).message()).contains("connect_fee");
                });
    }

    @Test
    void theRateItselfRefusesAPriceAboveTheMaximum() {
        Money huge = Money.parse("9000000000000", "USD");
        assertThatThrownBy(() -> new Rate("44", "UK", huge, Money.zero("USD"), 60, 60))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("price per minute");
        assertThatThrownBy(() -> new Rate("44", "UK", Money.zero("USD"), huge, 60, 60))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("connect fee");
        assertThatThrownBy(() -> new Rate("44", "UK", Money.zero("USD"), Money.zero("USD"), 60, 3_601))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("increment");
        Rate max = new Rate("44", "UK", Rate.MAX_PRICE, Rate.MAX_PRICE, Rate.MAX_INCREMENT_SECONDS,
                Rate.MAX_INCREMENT_SECONDS, Tax.added(10_000), RateCategory.OTHER);
        assertThat(max.tax().grossMicros(max.firstReservation().micros())).isPositive();
    }

    @Test
    void anOverflowWhilePricingIsADenialNotAnException() {
        JournalledAccountStore store = new JournalledAccountStore();
        Money coin = new Money(Long.MAX_VALUE / 2 + 1, "USD");
        store.open("coins", AccountOptions.of("USD").withCoinCredit(coin));
        store.credit("coins", Money.parse("10", "USD"));
        ChargingEngine engine = new ChargingEngine(store, RateTable.of(List.of(
                new Rate("1", "USA", Money.parse("1", "USD"), Money.zero("USD"), 60, 60))));
        Authorisation a = engine.authorise("c1", "coins", "12125550100");
        assertThat(a).isInstanceOf(Authorisation.Denied.class);
        assertThat(((Authorisation.Denied) a).reason()).isEqualTo(DenialReason.PRICE_OUT_OF_RANGE);
        assertThat(store.reserved("coins")).isEqualTo(Money.zero("USD"));
        assertThat(engine.authorise("c1", "coins", "12125550100")).as("the call id was not taken")
                .isInstanceOf(Authorisation.Denied.class)
                .extracting(d -> ((Authorisation.Denied) d).reason()).isEqualTo(DenialReason.PRICE_OUT_OF_RANGE);
    }
}
