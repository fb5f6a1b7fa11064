package dev.softswitch.charging.money;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RoundingTest {

    static Stream<Arguments> ceilDivCases() {
        return Stream.of(
                Arguments.of(0L, 60L, 0L),
                Arguments.of(1L, 60L, 1L),
                Arguments.of(59L, 60L, 1L),
                Arguments.of(60L, 60L, 1L),
                Arguments.of(61L, 60L, 2L),
                Arguments.of(119L, 60L, 2L),
                Arguments.of(120L, 60L, 2L),
                Arguments.of(-1L, 60L, 0L),
                Arguments.of(-59L, 60L, 0L),
                Arguments.of(-60L, 60L, -1L),
                Arguments.of(-61L, 60L, -1L),
                Arguments.of(61L, -60L, -1L),
                Arguments.of(-61L, -60L, 2L),
                Arguments.of(Long.MAX_VALUE, 1L, Long.MAX_VALUE),
                Arguments.of(Long.MAX_VALUE, 2L, Long.MAX_VALUE / 2 + 1),
                Arguments.of(Long.MIN_VALUE, 2L, Long.MIN_VALUE / 2),
                Arguments.of(Long.MIN_VALUE, 1L, Long.MIN_VALUE),
                Arguments.of(Long.MAX_VALUE, Long.MAX_VALUE, 1L),
                Arguments.of(Long.MAX_VALUE - 1, Long.MAX_VALUE, 1L));
    }

    @ParameterizedTest
    @MethodSource("ceilDivCases")
    void ceilDivRoundsTowardsPositiveInfinity(long a, long b, long expected) {
        assertThat(Rounding.ceilDiv(a, b)).isEqualTo(expected);
    }

    @Test
    void ceilDivRejectsZeroDivisorAndOverflow() {
        assertThatThrownBy(() -> Rounding.ceilDiv(1, 0)).isInstanceOf(ArithmeticException.class);
        assertThatThrownBy(() -> Rounding.ceilDiv(Long.MIN_VALUE, -1)).isInstanceOf(ArithmeticException.class);
    }

    static Stream<Arguments> incrementCosts() {
        return Stream.of(
                // price per minute in micros, seconds, expected micros
                Arguments.of(1_000_000L, 60L, 1_000_000L),
                Arguments.of(1_000_000L, 30L, 500_000L),
                Arguments.of(1_000_000L, 1L, 16_667L),      // 16666.67 rounds up
                Arguments.of(12_000L, 60L, 12_000L),        // 0.012 USD/min, 60/60
                Arguments.of(12_000L, 1L, 200L),            // exact
                Arguments.of(40_000_000L, 30L, 20_000_000L), // 40 JPY/min = 20 JPY per 30 s
                Arguments.of(1L, 1L, 1L),                   // 1/60 of a micro is still charged
                Arguments.of(1L, 59L, 1L),
                Arguments.of(1L, 60L, 1L),
                Arguments.of(1L, 61L, 2L),
                Arguments.of(60L, 1L, 1L),
                Arguments.of(61L, 1L, 2L),
                Arguments.of(0L, 60L, 0L),
                Arguments.of(1_000_000L, 0L, 0L));
    }

    @ParameterizedTest
    @MethodSource("incrementCosts")
    void incrementCostIsCeilingOfPriceTimesSecondsOverSixty(long price, long seconds, long expected) {
        assertThat(Rounding.incrementCostMicros(price, seconds)).isEqualTo(expected);
    }

    @Test
    void incrementCostRejectsNegativesAndOverflow() {
        assertThatThrownBy(() -> Rounding.incrementCostMicros(-1, 60)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Rounding.incrementCostMicros(1, -60)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Rounding.incrementCostMicros(Long.MAX_VALUE, 2)).isInstanceOf(ArithmeticException.class);
    }

    @Test
    void taxOnLargeAmountsIsExactWithoutOverflow() {
        long big = 4_000_000_000_000_000_000L;
        assertThat(Rounding.taxOnTop(big, 1_000)).isEqualTo(400_000_000_000_000_000L);
        assertThat(Rounding.taxOnTop(big + 1, 1_000)).isEqualTo(400_000_000_000_000_001L);
        assertThat(Rounding.taxWithin(big + 400_000_000_000_000_000L, 1_000)).isEqualTo(400_000_000_000_000_000L);
    }
}
