package dev.softswitch.charging.tariff;

import dev.softswitch.charging.money.CurrencyMismatchException;
import dev.softswitch.charging.money.Money;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RateTest {

    private static Money usd(String s) {
        return Money.parse(s, "USD");
    }

    @Test
    void costOfIncrementRoundsUpToTheMicro() {
        Rate rate = new Rate("1", "USA", usd("0.01"), usd("0"), 60, 60);
        assertThat(rate.costOfIncrement(60)).isEqualTo(usd("0.01"));
        assertThat(rate.costOfIncrement(1)).isEqualTo(usd("0.000167")); // 166.67 micros -> 167
        assertThat(rate.firstReservation()).isEqualTo(usd("0.01"));
        assertThat(rate.currency()).isEqualTo("USD");
    }

    @Test
    void firstReservationIsConnectFeePlusInitialIncrement() {
        Rate rate = new Rate("66", "Thailand", usd("0.06"), usd("0.02"), 30, 6);
        assertThat(rate.firstReservation()).isEqualTo(usd("0.05"));
    }

    @Test
    void defaultPrefixIsAllowed() {
        assertThat(new Rate("", "Rest of world", usd("1"), usd("0"), 60, 60).prefix()).isEmpty();
    }

    @Test
    void rejectsBadInput() {
        assertThatThrownBy(() -> new Rate("+44", "UK", usd("1"), usd("0"), 60, 60))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("digits only");
        assertThatThrownBy(() -> new Rate("44", "UK", usd("1"), usd("0"), 0, 60))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("initial increment");
        assertThatThrownBy(() -> new Rate("44", "UK", usd("1"), usd("0"), 60, -1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("subsequent increment");
        assertThatThrownBy(() -> new Rate("44", "UK", usd("-1"), usd("0"), 60, 60))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("negative");
        assertThatThrownBy(() -> new Rate("44", "UK", usd("1"), usd("-0.1"), 60, 60))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("connect fee");
        assertThatThrownBy(() -> new Rate("44", "UK", usd("1"), Money.parse("0", "GBP"), 60, 60))
                .isInstanceOf(CurrencyMismatchException.class);
        assertThatThrownBy(() -> new Rate(null, "UK", usd("1"), usd("0"), 60, 60))
                .isInstanceOf(NullPointerException.class);
    }
}
