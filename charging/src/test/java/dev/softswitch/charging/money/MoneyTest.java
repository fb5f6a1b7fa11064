package dev.softswitch.charging.money;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MoneyTest {

    static Stream<Arguments> validDecimals() {
        return Stream.of(
                Arguments.of("0.012", 12_000L, "0.012000"),
                Arguments.of("0", 0L, "0.000000"),
                Arguments.of("-0", 0L, "0.000000"),
                Arguments.of("20", 20_000_000L, "20.000000"),
                Arguments.of("1.5", 1_500_000L, "1.500000"),
                Arguments.of("0.000001", 1L, "0.000001"),
                Arguments.of("-0.5", -500_000L, "-0.500000"),
                Arguments.of("-12.345678", -12_345_678L, "-12.345678"),
                Arguments.of("007.10", 7_100_000L, "7.100000"),
                Arguments.of("9223372036854.775807", Long.MAX_VALUE, "9223372036854.775807"),
                Arguments.of("-9223372036854.775807", -Long.MAX_VALUE, "-9223372036854.775807"));
    }

    @ParameterizedTest
    @MethodSource("validDecimals")
    void parsesDecimalsExactlyAndFormatsThemBack(String text, long micros, String formatted) {
        Money money = Money.parse(text, "USD");
        assertThat(money.micros()).isEqualTo(micros);
        assertThat(money.toDecimalString()).isEqualTo(formatted);
        assertThat(Money.parse(money.toDecimalString(), "USD")).isEqualTo(money);
    }

    static Stream<Arguments> invalidDecimals() {
        return Stream.of(
                Arguments.of("", "empty"),
                Arguments.of("0.0000001", "7 decimal places"),
                Arguments.of("abc", "contains 'a'"),
                Arguments.of("1,5", "contains ','"),
                Arguments.of("1e3", "contains 'e'"),
                Arguments.of(" 1", "contains ' '"),
                Arguments.of("+1", "contains '+'"),
                Arguments.of("1.", "no digits after"),
                Arguments.of(".5", "no digits before"),
                Arguments.of("-", "no digits before"),
                Arguments.of("1.2.3", "contains '.'"),
                Arguments.of("--1", "contains '-'"),
                Arguments.of("9223372036854.775808", "too large"),
                Arguments.of("99999999999999999999", "too large"));
    }

    @ParameterizedTest
    @MethodSource("invalidDecimals")
    void rejectsBadDecimalsSayingWhatIsWrong(String text, String complaint) {
        assertThatThrownBy(() -> Money.parse(text, "USD"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(complaint);
    }

    @Test
    void rejectsNullAmount() {
        assertThatThrownBy(() -> Money.parse(null, "USD")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("null");
    }

    @Test
    void currencyMustBeThreeUpperCaseLetters() {
        assertThatThrownBy(() -> new Money(1, null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Money(1, "US")).hasMessageContaining("'US'");
        assertThatThrownBy(() -> new Money(1, "usd")).hasMessageContaining("upper-case");
        assertThatThrownBy(() -> new Money(1, "US1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Money.parse("1", "EURO")).isInstanceOf(IllegalArgumentException.class);
        assertThat(new Money(1, "JPY").currency()).isEqualTo("JPY");
    }

    @Test
    void formatsExtremesWithoutOverflow() {
        assertThat(new Money(Long.MIN_VALUE, "USD").toDecimalString()).isEqualTo("-9223372036854.775808");
        assertThat(new Money(-1, "USD").toDecimalString()).isEqualTo("-0.000001");
        assertThat(new Money(Long.MAX_VALUE, "USD").toDecimalString()).isEqualTo("9223372036854.775807");
    }

    @Test
    void plainStringTrimsTrailingZeros() {
        assertThat(Money.parse("0.012", "USD").toPlainString()).isEqualTo("0.012");
        assertThat(Money.parse("20", "JPY").toPlainString()).isEqualTo("20");
        assertThat(Money.parse("-1.50", "JPY").toPlainString()).isEqualTo("-1.5");
        assertThat(Money.zero("JPY").toPlainString()).isEqualTo("0");
    }

    @Test
    void arithmeticIsExact() {
        Money a = Money.parse("0.012", "USD");
        Money b = Money.parse("0.003", "USD");
        assertThat(a.plus(b)).isEqualTo(Money.parse("0.015", "USD"));
        assertThat(b.minus(a)).isEqualTo(Money.parse("-0.009", "USD"));
        assertThat(b.minus(a).isNegative()).isTrue();
        assertThat(a.times(1000)).isEqualTo(Money.parse("12", "USD"));
        assertThat(a.negate().micros()).isEqualTo(-12_000);
        assertThat(Money.zero("USD").isZero()).isTrue();
        assertThat(a.isPositive()).isTrue();
    }

    @Test
    void overflowThrowsInsteadOfWrapping() {
        Money max = new Money(Long.MAX_VALUE, "USD");
        Money min = new Money(Long.MIN_VALUE, "USD");
        Money one = new Money(1, "USD");
        assertThatThrownBy(() -> max.plus(one)).isInstanceOf(ArithmeticException.class);
        assertThatThrownBy(() -> min.minus(one)).isInstanceOf(ArithmeticException.class);
        assertThatThrownBy(() -> max.times(2)).isInstanceOf(ArithmeticException.class);
        assertThatThrownBy(min::negate).isInstanceOf(ArithmeticException.class);
    }

    @Test
    void mixingCurrenciesThrows() {
        Money usd = Money.parse("1", "USD");
        Money jpy = Money.parse("1", "JPY");
        assertThatThrownBy(() -> usd.plus(jpy)).isInstanceOf(CurrencyMismatchException.class)
                .hasMessageContaining("USD").hasMessageContaining("JPY");
        assertThatThrownBy(() -> usd.minus(jpy)).isInstanceOf(CurrencyMismatchException.class);
        assertThatThrownBy(() -> usd.compareTo(jpy)).isInstanceOf(CurrencyMismatchException.class);
        assertThatThrownBy(() -> usd.isGreaterThan(jpy)).isInstanceOf(CurrencyMismatchException.class);
    }

    @Test
    void comparesWithinOneCurrency() {
        Money small = Money.parse("0.5", "THB");
        Money big = Money.parse("1", "THB");
        assertThat(big.isGreaterThan(small)).isTrue();
        assertThat(small.isLessThan(big)).isTrue();
        assertThat(small.isLessThanOrEqualTo(small)).isTrue();
        assertThat(big.isGreaterThanOrEqualTo(big)).isTrue();
        assertThat(Money.min(big, small)).isEqualTo(small);
        assertThat(big.toString()).isEqualTo("1.000000 THB");
    }
}
