package dev.softswitch.charging.account;

import dev.softswitch.charging.MutableClock;
import dev.softswitch.charging.cdr.ChargedCall;
import dev.softswitch.charging.money.Money;
import dev.softswitch.charging.session.Authorisation;
import dev.softswitch.charging.session.ChargingEngine;
import dev.softswitch.charging.session.ChargingSession;
import dev.softswitch.charging.session.DenialReason;
import dev.softswitch.charging.tariff.Rate;
import dev.softswitch.charging.tariff.RateSchedule;
import dev.softswitch.charging.tariff.RateTable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 12: a call live when the gateway crashed is settled at the next start: every increment that began is
 * charged (the first once the call was answered; each earlier one once the next was reserved), the rest handed
 * back, journaled, with a record for the gateway's CDR.
 */
class InterruptedCallRecoveryTest {

    private static final Instant T0 = Instant.parse("2025-01-01T10:00:00Z");
    private static final Rate US = new Rate("1", "USA", usd("1"), usd("0.1"), 60, 60);
    private static final Duration TTL = Duration.ofMinutes(2);

    private final MutableClock clock = new MutableClock(T0);

    private static Money usd(String s) {
        return Money.parse(s, "USD");
    }

    private static ChargingSession grant(ChargingEngine engine, String callId, String account) {
        return ((Authorisation.Granted) engine.authorise(callId, account, "12125550100")).session();
    }

    @Test
    void callsLiveAtACrashAreChargedForTheIncrementsThatBeganAndRecorded(@TempDir Path dir) throws Exception {
        try (JournalledAccountStore store = JournalledAccountStore.open(dir, clock, TTL)) {
            ChargingEngine engine = new ChargingEngine(store, RateSchedule.of(RateTable.of(List.of(US))), clock, TTL);
            for (String id : List.of("a", "b", "c")) {
                store.create(id, usd("10"));
            }
            ChargingSession a = grant(engine, "call-a", "a");
            ChargingSession b = grant(engine, "call-b", "b");
            ChargingSession c = grant(engine, "call-c", "c");
            a.start(T0);
            c.start(T0);
            clock.advance(Duration.ofSeconds(59));
            assertThat(a.reserveNext()).isTrue(); // a's second minute held, then the gateway dies
            assertThat(b.paidUntil()).as("b never answered").isNull();
        }
        clock.advance(Duration.ofMinutes(5));
        List<ChargedCall> recovered;
        try (JournalledAccountStore store = JournalledAccountStore.open(dir, clock, TTL)) {
            recovered = store.settleInterruptedCalls();
            assertThat(recovered).extracting(ChargedCall::callId).containsExactlyInAnyOrder("call-a", "call-c");
            for (String id : List.of("a", "c")) {
                ChargedCall call = store.call(id, "call-" + id).orElseThrow();
                assertThat(call.amountMicros()).as(id).isEqualTo(usd("1.1").micros());
                assertThat(call.answeredAt()).isEqualTo(T0);
                assertThat(call.endedAt()).isEqualTo(T0.plusSeconds(60));
                assertThat(call.billedSeconds()).isEqualTo(60);
                assertThat(call.destination()).isEqualTo("12125550100");
                assertThat(call.deck()).isEqualTo(RateTable.of(List.of(US)).name());
                assertThat(store.balance(id)).contains(usd("8.9"));
                assertThat(store.reserved(id)).isEqualTo(usd("0"));
            }
            assertThat(store.balance("b")).contains(usd("10"));
            assertThat(store.reserved("b")).isEqualTo(usd("0"));
            assertThat(store.call("b", "call-b")).isEmpty();
            ChargingEngine engine = new ChargingEngine(store, RateSchedule.of(RateTable.of(List.of(US))), clock, TTL);
            Authorisation again = engine.authorise("call-a", "a", "12125550100");
            assertThat(((Authorisation.Denied) again).reason()).isEqualTo(DenialReason.DUPLICATE_CALL);
        }
        try (JournalledAccountStore store = JournalledAccountStore.open(dir, clock, TTL)) {
            assertThat(store.settleInterruptedCalls()).as("settled once, durably").isEmpty();
            assertThat(store.balance("a")).contains(usd("8.9"));
            assertThat(store.call("c", "call-c")).isPresent();
        }
    }

    @Test
    void theSettlementSurvivesASnapshotTakenWhileTheCallsWereLive(@TempDir Path dir) throws Exception {
        try (JournalledAccountStore store = JournalledAccountStore.open(dir, clock, TTL)) {
            ChargingEngine engine = new ChargingEngine(store, RateSchedule.of(RateTable.of(List.of(US))), clock, TTL);
            store.create("a", usd("10"));
            ChargingSession a = grant(engine, "call-a", "a");
            a.start(T0);
            clock.advance(Duration.ofSeconds(59));
            a.reserveNext();
            clock.advance(Duration.ofSeconds(60));
            a.reserveNext();
            store.snapshot();
        }
        try (JournalledAccountStore store = JournalledAccountStore.open(dir, clock, TTL)) {
            assertThat(store.settleInterruptedCalls()).singleElement()
                    .satisfies(c -> assertThat(c.amountMicros()).isEqualTo(usd("2.1").micros()));
            assertThat(store.balance("a")).contains(usd("7.9"));
        }
    }
}
