package dev.softswitch.charging.session;

import dev.softswitch.charging.account.JournalledAccountStore;
import dev.softswitch.charging.money.Money;
import dev.softswitch.charging.tariff.Rate;
import dev.softswitch.charging.tariff.RateTable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChargingSessionTest {

    private static final Instant ANSWER = Instant.parse("2025-01-01T10:00:00Z");

    /** 1 USD per minute, 60/60, connect fee 0.10 USD. */
    private static final Rate US = new Rate("1", "USA", usd("1"), usd("0.1"), 60, 60);
    /** 40 JPY per minute = 20 JPY per 30 s, 30/30, no connect fee (the Japanese mobile plan). */
    private static final Rate JP = new Rate("81", "Japan mobile", jpy("40"), jpy("0"), 30, 30);

    private final JournalledAccountStore accounts = new JournalledAccountStore();
    private final ChargingEngine engine = new ChargingEngine(accounts, RateTable.of(List.of(US, JP)));

    private static Money usd(String s) {
        return Money.parse(s, "USD");
    }

    private static Money jpy(String s) {
        return Money.parse(s, "JPY");
    }

    private ChargingSession grant(String accountId, String digits) {
        Authorisation answer = engine.authorise("call-1", accountId, digits);
        assertThat(answer).isInstanceOf(Authorisation.Granted.class);
        return ((Authorisation.Granted) answer).session();
    }

    /** Plays the gateway: answers, keeps the next increment reserved while the call lasts, then ends it. */
    private static ChargeResult runCall(ChargingSession session, long durationMillis) {
        Instant end = ANSWER.plusMillis(durationMillis);
        session.start(ANSWER);
        while (session.paidUntil().isBefore(end)) {
            assertThat(session.reserveNext()).isTrue();
        }
        return session.end(end);
    }

    static Stream<Arguments> sixtySixtyDurations() {
        return Stream.of(
                // duration ms, increments, billed seconds, amount (connect fee 0.1 + 1 per started minute)
                Arguments.of(0L, 0, 0L, "0.1"),
                Arguments.of(1L, 1, 60L, "1.1"),
                Arguments.of(59_000L, 1, 60L, "1.1"),
                Arguments.of(59_999L, 1, 60L, "1.1"),
                Arguments.of(60_000L, 1, 60L, "1.1"),
                Arguments.of(60_001L, 2, 120L, "2.1"),
                Arguments.of(61_000L, 2, 120L, "2.1"),
                Arguments.of(120_000L, 2, 120L, "2.1"),
                Arguments.of(120_001L, 3, 180L, "3.1"),
                Arguments.of(3_600_000L, 60, 3600L, "60.1"));
    }

    @ParameterizedTest(name = "{0} ms at 60/60 -> {1} increments, {3} USD")
    @MethodSource("sixtySixtyDurations")
    void sixtySixtyChargesEveryStartedMinuteAndTheConnectFeeOnce(long millis, int increments, long billed,
                                                                  String amount) {
        accounts.create("alice", usd("100"));
        ChargeResult result = runCall(grant("alice", "12125551234"), millis);
        assertThat(result).isEqualTo(new ChargeResult("call-1", millis, billed, increments, usd(amount), false));
        assertThat(accounts.balance("alice")).contains(usd("100").minus(usd(amount)));
        assertThat(accounts.reserved("alice")).isEqualTo(usd("0"));
    }

    static Stream<Arguments> thirtyThirtyDurations() {
        return Stream.of(
                Arguments.of(29_000L, 1, 30L, "20"),
                Arguments.of(30_000L, 1, 30L, "20"),
                Arguments.of(31_000L, 2, 60L, "40"),
                Arguments.of(60_000L, 2, 60L, "40"),
                Arguments.of(60_001L, 3, 90L, "60"));
    }

    @ParameterizedTest(name = "{0} ms at 30/30 -> {1} increments, {3} JPY")
    @MethodSource("thirtyThirtyDurations")
    void thirtyThirtyChargesTwentyYenPerStartedHalfMinute(long millis, int increments, long billed, String amount) {
        accounts.create("taro", jpy("1000"));
        ChargeResult result = runCall(grant("taro", "819012345678"), millis);
        assertThat(result).isEqualTo(new ChargeResult("call-1", millis, billed, increments, jpy(amount), false));
        assertThat(accounts.balance("taro")).contains(jpy("1000").minus(jpy(amount)));
    }

    @Test
    void authoriseReservesConnectFeeAndFirstIncrement() {
        accounts.create("alice", usd("5"));
        ChargingSession session = grant("alice", "12125551234");
        assertThat(accounts.available("alice")).isEqualTo(usd("3.9"));
        assertThat(session.reserved()).isEqualTo(usd("1.1"));
        assertThat(session.paidUntil()).isNull();
        assertThat(session.callId()).isEqualTo("call-1");
        assertThat(session.accountId()).isEqualTo("alice");
        assertThat(session.rate()).isEqualTo(US);
        assertThat(session.nextIncrement()).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void startAndReserveNextMovePaidUntil() {
        accounts.create("alice", usd("5"));
        ChargingSession session = grant("alice", "1");
        assertThat(session.start(ANSWER)).isEqualTo(ANSWER.plusSeconds(60));
        assertThat(session.paidUntil()).isEqualTo(ANSWER.plusSeconds(60));
        assertThat(session.answeredAt()).isEqualTo(ANSWER);
        assertThat(session.reserveNext()).isTrue();
        assertThat(session.paidUntil()).isEqualTo(ANSWER.plusSeconds(120));
        assertThat(accounts.available("alice")).isEqualTo(usd("2.9"));
        assertThatThrownBy(() -> session.start(ANSWER)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void reserveNextFailsWhenCreditRunsOutAndLeavesPaidUntilAlone() {
        accounts.create("alice", usd("2.5")); // connect 0.1 + 1st minute 1 + 2nd minute 1; a third does not fit
        ChargingSession session = grant("alice", "1");
        session.start(ANSWER);
        assertThat(session.reserveNext()).isTrue();
        Instant paid = session.paidUntil();
        assertThat(session.reserveNext()).isFalse();
        assertThat(session.paidUntil()).isEqualTo(paid).isEqualTo(ANSWER.plusSeconds(120));
        assertThat(accounts.available("alice")).isEqualTo(usd("0.4"));
    }

    @Test
    void reserveNextBeforeStartIsAProgrammingError() {
        accounts.create("alice", usd("5"));
        ChargingSession session = grant("alice", "1");
        assertThatThrownBy(session::reserveNext).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void endTwiceChargesOnce() {
        accounts.create("alice", usd("5"));
        ChargingSession session = grant("alice", "1");
        session.start(ANSWER);
        ChargeResult first = session.end(ANSWER.plusSeconds(30));
        Money balanceAfterFirst = accounts.balance("alice").orElseThrow();
        ChargeResult second = session.end(ANSWER.plusSeconds(500));
        assertThat(second).isEqualTo(first);
        assertThat(session.result()).isEqualTo(first);
        assertThat(accounts.balance("alice")).contains(balanceAfterFirst).contains(usd("3.9"));
        assertThat(accounts.available("alice")).isEqualTo(usd("3.9"));
        assertThat(session.reserveNext()).isFalse();
    }

    @Test
    void callOutlastingItsPaidTimeIsClampedToTheReservation() {
        accounts.create("alice", usd("5"));
        ChargingSession session = grant("alice", "1");
        session.start(ANSWER);
        assertThat(session.reserveNext()).isTrue(); // paid until +120 s
        ChargeResult result = session.end(ANSWER.plusSeconds(150)); // gateway hung up 30 s late
        assertThat(result).isEqualTo(new ChargeResult("call-1", 150_000, 120, 2, usd("2.1"), true));
        assertThat(accounts.balance("alice")).contains(usd("2.9"));
        assertThat(accounts.reserved("alice")).isEqualTo(usd("0"));
    }

    @Test
    void endedBeforeAnsweredBillsZeroDurationButTheConnectFee() {
        accounts.create("alice", usd("5"));
        ChargingSession session = grant("alice", "1");
        session.start(ANSWER);
        ChargeResult result = session.end(ANSWER.minusMillis(5));
        assertThat(result).isEqualTo(new ChargeResult("call-1", 0, 0, 0, usd("0.1"), false));
    }

    @Test
    void releaseOfUnansweredCallReturnsTheReservationAndIsIdempotent() {
        accounts.create("alice", usd("5"));
        ChargingSession session = grant("alice", "1");
        session.release();
        session.release();
        assertThat(accounts.available("alice")).isEqualTo(usd("5"));
        assertThat(accounts.balance("alice")).contains(usd("5"));
        assertThat(session.result()).isEqualTo(new ChargeResult("call-1", 0, 0, 0, usd("0"), false));
        assertThat(session.end(ANSWER)).isEqualTo(session.result());
        assertThatThrownBy(() -> session.start(ANSWER)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void endOfUnansweredCallReleasesAndChargesNothing() {
        accounts.create("alice", usd("5"));
        ChargingSession session = grant("alice", "1");
        assertThat(session.end(ANSWER)).isEqualTo(new ChargeResult("call-1", 0, 0, 0, usd("0"), false));
        assertThat(accounts.available("alice")).isEqualTo(usd("5"));
    }

    @Test
    void releaseAfterEndDoesNothing() {
        accounts.create("alice", usd("5"));
        ChargingSession session = grant("alice", "1");
        session.start(ANSWER);
        ChargeResult result = session.end(ANSWER.plusSeconds(10));
        session.release();
        assertThat(accounts.balance("alice")).contains(usd("3.9"));
        assertThat(accounts.available("alice")).isEqualTo(usd("3.9"));
        assertThat(session.result()).isEqualTo(result);
    }

    @Test
    void releaseOfAnAnsweredCallIsRefusedSoItCannotGoUncharged() {
        accounts.create("alice", usd("5"));
        ChargingSession session = grant("alice", "1");
        session.start(ANSWER);
        assertThatThrownBy(session::release).isInstanceOf(IllegalStateException.class).hasMessageContaining("end()");
        assertThat(accounts.reserved("alice")).isEqualTo(usd("1.1"));
    }
}
