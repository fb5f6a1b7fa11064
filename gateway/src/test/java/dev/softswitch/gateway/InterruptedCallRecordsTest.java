package dev.softswitch.gateway;

import dev.softswitch.charging.account.JournalledAccountStore;
import dev.softswitch.charging.cdr.CallRecord;
import dev.softswitch.charging.money.Money;
import dev.softswitch.charging.session.Authorisation;
import dev.softswitch.charging.session.ChargingEngine;
import dev.softswitch.charging.session.ChargingSession;
import dev.softswitch.charging.tariff.Rate;
import dev.softswitch.charging.tariff.RateSchedule;
import dev.softswitch.charging.tariff.RateTable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Issue 12: a call live when the gateway died is billed and gets a call record when it starts again. */
class InterruptedCallRecordsTest {

    private static final Instant T0 = Instant.parse("2025-01-01T10:00:00Z");

    @Test
    void aCallLiveAtACrashGetsARecordAtTheNextStart(@TempDir Path dir) throws Exception {
        Clock clock = Clock.fixed(T0, ZoneOffset.UTC);
        Money usd = Money.parse("10", "USD");
        try (JournalledAccountStore store = JournalledAccountStore.open(dir, clock, Duration.ofMinutes(2))) {
            store.create("alice", usd);
            ChargingEngine engine = new ChargingEngine(store, RateSchedule.of(RateTable.of(List.of(
                    new Rate("44", "UK", Money.parse("0.06", "USD"), Money.zero("USD"), 60, 60)))), clock,
                    Duration.ofMinutes(2));
            ChargingSession s = ((Authorisation.Granted) engine.authorise("live", "alice", "441234567890")).session();
            s.start(T0);
        }
        try (JournalledAccountStore store = JournalledAccountStore.open(dir, clock, Duration.ofMinutes(2))) {
            List<CallRecord> records = Gateway.interruptedCallRecords(store);
            assertThat(records).singleElement().satisfies(r -> {
                assertThat(r.callId()).isEqualTo("live");
                assertThat(r.callee()).isEqualTo("+441234567890");
                assertThat(r.disconnectCause()).isEqualTo("gateway_restart");
                assertThat(r.amount()).isEqualTo(Money.parse("0.06", "USD"));
                assertThat(r.billedSeconds()).isEqualTo(60);
                assertThat(r.details().charge().callId()).isEqualTo("live");
            });
            assertThat(Gateway.interruptedCallRecords(store)).isEmpty();
        }
    }
}
