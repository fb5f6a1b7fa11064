package dev.softswitch.charging.account;

import dev.softswitch.charging.MutableClock;
import dev.softswitch.charging.journal.NoJournal;
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
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 12 finding 5: two calls straddling local midnight at the month's end settle in reverse order (the later
 * one takes the lock first); the January settlement must not reset February's cap spend or package minutes.
 */
class MonthBoundaryTest {

    /** Midnight 1 February in Tokyo. */
    private static final Instant FEB = Instant.parse("2025-01-31T15:00:00Z");
    private static final RateTable DECK = RateTable.of(List.of(
            new Rate("1", "USA", yen("5000"), yen("0"), 60, 60),
            new Rate("81", "Japan", yen("40"), yen("0"), 60, 60)));

    private final MutableClock clock = new MutableClock(FEB.minusSeconds(120));
    private final JournalledAccountStore store = new JournalledAccountStore(new NoJournal(), clock);
    private final ChargingEngine engine = new ChargingEngine(store, RateSchedule.of(DECK), clock, Duration.ofMinutes(2));

    private static Money yen(String s) {
        return Money.parse(s, "JPY");
    }

    private ChargingSession grant(String callId, String number) {
        Authorisation a = engine.authorise(callId, "jp", number);
        assertThat(a).as(callId).isInstanceOf(Authorisation.Granted.class);
        return ((Authorisation.Granted) a).session();
    }

    @Test
    void aLateJanuarySettlementDoesNotResetFebruarysCapSpend() {
        store.open("jp", AccountOptions.of("JPY").withZone(ZoneId.of("Asia/Tokyo")).withHomePrefix("81")
                .withInternationalCap(yen("20000")));
        store.credit("jp", yen("100000"));
        ChargingSession january = grant("jan", "12125550100");
        january.start(clock.instant());
        clock.set(FEB.plusSeconds(1));
        ChargingSession february = grant("feb", "12125550100");
        february.start(clock.instant());

        february.end(clock.instant().plusSeconds(30)); // took the lock first, stamped February
        clock.set(FEB.minusSeconds(1));
        january.end(clock.instant()); // stamped January, settled second
        clock.set(FEB.plusSeconds(60));

        assertThat(store.internationalSpend("jp", FEB)).isEqualTo(yen("5000"));
        assertThat(store.internationalSpend("jp", FEB.minusSeconds(1))).isEqualTo(yen("5000"));
        ChargingSession third = grant("third", "12125550100");
        third.start(clock.instant());
        int minutes = 1;
        while (third.reserveNext()) {
            minutes++;
        }
        assertThat(minutes).as("February's 5,000 spent leaves 15,000 of the 20,000 cap").isEqualTo(3);
        assertThat(third.lastRefusal()).isEqualTo(Refusal.SPEND_CAP_REACHED);
    }

    @Test
    void aLateJanuarySettlementDoesNotGiveBackFebruarysPackageMinutes() {
        store.open("jp", AccountOptions.of("JPY").withZone(ZoneId.of("Asia/Tokyo")).withHomePrefix("81"));
        store.credit("jp", yen("100000"));
        store.subscribePackage("jp", new MonthlyPackage("jp", 2, List.of("81")), clock.instant());
        ChargingSession january = grant("jan", "81312345678");
        january.start(clock.instant());
        clock.set(FEB.plusSeconds(1));
        ChargingSession february = grant("feb", "81312345678");
        february.start(clock.instant());
        february.end(clock.instant().plusSeconds(30));
        clock.set(FEB.minusSeconds(1));
        january.end(clock.instant());

        assertThat(store.packageMinutesLeft("jp", FEB.plusSeconds(60))).isEqualTo(1);
        assertThat(store.packageMinutesLeft("jp", FEB.minusSeconds(1))).isEqualTo(1);
    }

    @Test
    void everyMonthsSpendSurvivesReplayAndSnapshot(@TempDir Path dir) throws Exception {
        for (boolean snapshot : new boolean[] {false, true}) {
            Path d = dir.resolve("s" + snapshot);
            try (JournalledAccountStore durable = JournalledAccountStore.open(d, clock, Duration.ofMinutes(2))) {
                ChargingEngine e = new ChargingEngine(durable, RateSchedule.of(DECK), clock, Duration.ofMinutes(2));
                clock.set(FEB.minusSeconds(120));
                durable.open("jp", AccountOptions.of("JPY").withZone(ZoneId.of("Asia/Tokyo")).withHomePrefix("81")
                        .withInternationalCap(yen("20000")));
                durable.credit("jp", yen("100000"));
                durable.subscribePackage("jp", new MonthlyPackage("jp", 5, List.of("81")), clock.instant());
                ChargingSession jan = ((Authorisation.Granted) e.authorise("jan", "jp", "12125550100")).session();
                ChargingSession janLocal = ((Authorisation.Granted) e.authorise("jl", "jp", "81312345678")).session();
                jan.start(clock.instant());
                janLocal.start(clock.instant());
                clock.set(FEB.plusSeconds(1));
                ChargingSession feb = ((Authorisation.Granted) e.authorise("feb", "jp", "12125550100")).session();
                feb.start(clock.instant());
                feb.end(clock.instant().plusSeconds(1));
                clock.set(FEB.minusSeconds(1));
                jan.end(clock.instant());
                janLocal.end(clock.instant());
                if (snapshot) {
                    durable.snapshot();
                }
            }
            try (JournalledAccountStore reopened = JournalledAccountStore.open(d, clock, Duration.ofMinutes(2))) {
                assertThat(reopened.internationalSpend("jp", FEB)).as("snapshot %s", snapshot).isEqualTo(yen("5000"));
                assertThat(reopened.internationalSpend("jp", FEB.minusSeconds(1))).isEqualTo(yen("5000"));
                assertThat(reopened.packageMinutesLeft("jp", FEB.minusSeconds(1))).isEqualTo(4);
                assertThat(reopened.packageMinutesLeft("jp", FEB)).isEqualTo(5);
            }
        }
    }
}
