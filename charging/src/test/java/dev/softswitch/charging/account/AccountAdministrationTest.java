package dev.softswitch.charging.account;

import dev.softswitch.charging.MutableClock;
import dev.softswitch.charging.money.Money;
import dev.softswitch.charging.session.Authorisation;
import dev.softswitch.charging.session.ChargingEngine;
import dev.softswitch.charging.session.DenialReason;
import dev.softswitch.charging.tariff.Rate;
import dev.softswitch.charging.tariff.RateSchedule;
import dev.softswitch.charging.tariff.RateTable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class AccountAdministrationTest {

    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
    private static final RateTable DECK = RateTable.of("test", List.of(
            new Rate("44", "UK", Money.parse("0.06", "USD"), Money.zero("USD"), 60, 60)));
    private static final Map<String, String> HA1 = Map.of("MD5", "0123456789abcdef0123456789abcdef");

    private final MutableClock clock = new MutableClock(T0);

    @Test
    void aSuspendedAccountIsDeniedWithTheOperatorsReasonUntilResumed(@TempDir Path dir) throws IOException {
        try (JournalledAccountStore store = JournalledAccountStore.open(dir, clock, Duration.ofMinutes(2))) {
            ChargingEngine engine = new ChargingEngine(store, RateSchedule.of(DECK), clock, Duration.ofMinutes(2));
            store.create("u1", Money.parse("5", "USD"));
            store.administration().suspend("u1", "ops", "unpaid invoice");

            Authorisation denied = engine.authorise("c1", "u1", "447700900123");
            assertThat(denied).isInstanceOfSatisfying(Authorisation.Denied.class, d -> {
                assertThat(d.reason()).isEqualTo(DenialReason.ACCOUNT_SUSPENDED);
                assertThat(d.message()).isEqualTo("unpaid invoice");
            });

            store.administration().resume("u1", "ops", "paid");
            assertThat(engine.authorise("c2", "u1", "447700900123")).isInstanceOf(Authorisation.Granted.class);
        }
    }

    @Test
    void profileSuspensionAndAuditSurviveReplayAndSnapshot(@TempDir Path dir) throws IOException {
        try (JournalledAccountStore store = JournalledAccountStore.open(dir, clock, Duration.ofMinutes(2))) {
            store.create("u1", Money.parse("5", "USD"));
            store.create("u2", Money.parse("5", "USD"));
            store.administration().recordProfile("u1", "ops", "+447400000009", "GB", HA1);
            store.snapshot();
            store.administration().suspend("u1", "ops", "fraud check");
            store.administration().audit("u1", "ops", "purchase-credit", "5 USD");
            store.administration().audit("", "ops", "drain-trunk", "carrier-a");
        }
        try (JournalledAccountStore store = JournalledAccountStore.open(dir, clock, Duration.ofMinutes(2))) {
            AccountProfile p = store.administration().profile("u1");
            assertThat(p).isEqualTo(new AccountProfile("+447400000009", "GB", HA1, "fraud check", false));
            assertThat(store.administration().auditTrail("u1")).extracting(AuditEntry::operator, AuditEntry::action)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("ops", "purchase-credit"));
            assertThat(store.administration().gatewayAuditTrail()).extracting(AuditEntry::detail)
                    .containsExactly("carrier-a");
            assertThat(store.administration().profile("u2")).isEqualTo(AccountProfile.NONE);
            store.snapshot();
        }
        try (JournalledAccountStore store = JournalledAccountStore.open(dir, clock, Duration.ofMinutes(2))) {
            assertThat(store.administration().profile("u1").suspension()).isEqualTo("fraud check");
            assertThat(store.administration().profile("u1").ha1()).isEqualTo(HA1);
            assertThat(store.administration().auditTrail("u1")).hasSize(1);
            assertThat(store.administration().gatewayAuditTrail()).extracting(AuditEntry::detail)
                    .as("the snapshot keeps the gateway's audit lines; the segments holding them are gone")
                    .containsExactly("carrier-a");
            store.administration().audit("", "ops", "undrain-trunk", "carrier-a");
        }
        try (JournalledAccountStore store = JournalledAccountStore.open(dir, clock, Duration.ofMinutes(2))) {
            assertThat(store.administration().gatewayAuditTrail()).extracting(AuditEntry::action)
                    .containsExactly("drain-trunk", "undrain-trunk");
        }
    }

    @Test
    void deletionRemovesPersonalDataKeepsTheMoneyRecordsAndSurvivesARestart(@TempDir Path dir) throws IOException {
        try (JournalledAccountStore store = JournalledAccountStore.open(dir, clock, Duration.ofMinutes(2))) {
            ChargingEngine engine = new ChargingEngine(store, RateSchedule.of(DECK), clock, Duration.ofMinutes(2));
            store.create("u1", Money.parse("5", "USD"));
            store.administration().recordProfile("u1", "ops", "+447400000009", "GB", HA1);
            var session = ((Authorisation.Granted) engine.authorise("c1", "u1", "447700900123")).session();
            session.start(clock.instant());
            clock.advance(Duration.ofSeconds(30));
            session.end(clock.instant());

            store.administration().anonymise("u1", "ops");
            assertDeleted(store, engine);
        }
        try (JournalledAccountStore store = JournalledAccountStore.open(dir, clock, Duration.ofMinutes(2))) {
            assertDeleted(store, new ChargingEngine(store, RateSchedule.of(DECK), clock, Duration.ofMinutes(2)));
        }
    }

    private static void assertDeleted(JournalledAccountStore store, ChargingEngine engine) {
        AccountProfile p = store.administration().profile("u1");
        assertThat(p.number()).isNull();
        assertThat(p.ha1()).isEmpty();
        assertThat(p.anonymised()).isTrue();
        assertThat(store.usage("u1", Instant.MIN, Instant.MAX)).singleElement().satisfies(c -> {
            assertThat(c.destination()).isEqualTo("44");
            assertThat(c.amountMicros()).isEqualTo(60_000);
        });
        assertThat(engine.explain("u1", "c1").orElseThrow()).doesNotContain("447700900123");
        assertThat(engine.authorise("c2", "u1", "447700900123")).isInstanceOfSatisfying(Authorisation.Denied.class,
                d -> assertThat(d.message()).isEqualTo(AccountProfile.DELETED));
    }
}
