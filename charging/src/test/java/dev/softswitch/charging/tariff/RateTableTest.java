package dev.softswitch.charging.tariff;

import dev.softswitch.charging.money.Money;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RateTableTest {

    private static Rate rate(String prefix, String name) {
        return new Rate(prefix, name, Money.parse("0.1", "USD"), Money.zero("USD"), 60, 60);
    }

    private final Rate world = rate("", "World");
    private final Rate uk = rate("44", "UK");
    private final Rate ukMobile = rate("447", "UK mobile");
    private final Rate ukMobileVodafone = rate("44770", "UK mobile Vodafone");
    private final Rate japan = rate("81", "Japan");

    @Test
    void longestPrefixWins() {
        RateTable table = RateTable.of(List.of(world, ukMobileVodafone, uk, ukMobile, japan));
        assertThat(table.lookup("442071234567")).contains(uk);
        assertThat(table.lookup("447911123456")).contains(ukMobile);
        assertThat(table.lookup("447701234567")).contains(ukMobileVodafone);
        assertThat(table.lookup("44")).contains(uk);
        assertThat(table.lookup("4477")).contains(ukMobile); // deeper trie node without a rate
        assertThat(table.lookup("81312345678")).contains(japan);
    }

    @Test
    void defaultRateCatchesEverythingElse() {
        RateTable table = RateTable.of(List.of(world, uk));
        assertThat(table.lookup("12125551234")).contains(world);
        assertThat(table.lookup("4")).contains(world);
        assertThat(table.lookup("")).contains(world);
    }

    @Test
    void noMatchWithoutDefault() {
        RateTable table = RateTable.of(List.of(uk, japan));
        assertThat(table.lookup("12125551234")).isEmpty();
        assertThat(table.lookup("4")).isEmpty();
        assertThat(RateTable.empty().lookup("44")).isEmpty();
        assertThat(RateTable.of(List.of()).lookup("")).isEmpty();
    }

    @Test
    void duplicatePrefixIsRejectedByName() {
        assertThatThrownBy(() -> RateTable.of(List.of(uk, japan, rate("44", "UK again"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'44'");
        assertThatThrownBy(() -> RateTable.of(List.of(world, rate("", "World again"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("''");
    }

    @Test
    void lookupRejectsNonDigits() {
        RateTable table = RateTable.of(List.of(uk));
        assertThatThrownBy(() -> table.lookup("+44123")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("digits only");
    }

    @Test
    void isImmutableAndKeepsOrder() {
        List<Rate> source = new java.util.ArrayList<>(List.of(uk, japan));
        RateTable table = RateTable.of(source);
        source.add(world);
        assertThat(table.rates()).containsExactly(uk, japan);
        assertThat(table.size()).isEqualTo(2);
        assertThat(table.lookup("1")).isEmpty();
        assertThatThrownBy(() -> table.rates().add(world)).isInstanceOf(UnsupportedOperationException.class);
    }
}
