package dev.softswitch.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.softswitch.gateway.config.ConfigException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RateDeckTest {

    static Stream<Arguments> exactRates() {
        return Stream.of(
                Arguments.of("0", 0L),
                Arguments.of("0.012", 12_000L),
                Arguments.of("0.0125", 12_500L),
                Arguments.of("0.000001", 1L),
                Arguments.of("1", 1_000_000L),
                Arguments.of("12.5", 12_500_000L),
                Arguments.of("999999999.999999", 999_999_999_999_999L));
    }

    @ParameterizedTest(name = "{0} -> {1} micro-units")
    @MethodSource("exactRates")
    void ratesAreParsedExactlyIntoMicroUnits(String rate, long micros) {
        assertThat(RateDeck.parse("1," + rate, "d.csv").rateMicros("1")).isEqualTo(micros);
    }

    @Test
    void longestPrefixOfTheDeckPricesTheNumber() {
        RateDeck deck = RateDeck.parse("""
                prefix,rate
                # Japan
                81,0.0530
                8190,0.1200

                44,0.0100
                """, "d.csv");

        assertThat(deck.rateMicros("819012345678")).isEqualTo(120_000);
        assertThat(deck.rateMicros("81312345678")).isEqualTo(53_000);
        assertThat(deck.rateMicros("4930123456")).isEqualTo(-1);
        assertThat(deck.size()).isEqualTo(3);
    }

    @Test
    void badDeckIsRefusedWholeNamingEveryBadLine() {
        String csv = """
                prefix,rate
                81,0.0530
                +44,0.01
                49,0,02
                66,-0.01
                62,0.1234567
                1,abc
                81,0.06
                """;

        assertThatThrownBy(() -> RateDeck.parse(csv, "carrier-a.csv"))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems()).containsExactly(
                        "carrier-a.csv:3:1: \"+44\" is not a digit prefix (use 1 to 15 digits without + or spaces, e.g. 4420)",
                        "carrier-a.csv:4:1: expected prefix,rate (two cells), found 3 (e.g. 4420,0.0125)",
                        "carrier-a.csv:5:4: \"-0.01\" is negative (use 0 or more)",
                        "carrier-a.csv:6:4: \"0.1234567\" has more than 6 decimals (round it to at most 6)",
                        "carrier-a.csv:7:3: \"abc\" is not a decimal rate (use digits with at most 6 decimals, e.g. 0.0125)",
                        "carrier-a.csv:8:1: duplicate prefix 81, already at line 2 (keep one of them)"));
    }
}
