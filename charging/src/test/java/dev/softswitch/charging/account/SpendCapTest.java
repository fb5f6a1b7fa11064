package dev.softswitch.charging.account;

import dev.softswitch.charging.MutableClock;
import dev.softswitch.charging.journal.NoJournal;
import dev.softswitch.charging.money.Money;
import dev.softswitch.charging.session.Authorisation;
import dev.softswitch.charging.session.ChargingEngine;
import dev.softswitch.charging.session.ChargingSession;
import dev.softswitch.charging.session.DenialReason;
import dev.softswitch.charging.tariff.Rate;
import dev.softswitch.charging.tariff.RateSchedule;
import dev.softswitch.charging.tariff.RateTable;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** CHG-9: the Japanese plan's 20,000 yen monthly international cap, in the account's own time zone. */
class SpendCapTest {

    /** 01:00 on 31 January in Tokyo is 16:00 on 30 January UTC. */
    private static final Instant T0 = Instant.parse("2025-01-30T16:00:00Z");
    private static final Instant TOKYO_FEBRUARY = Instant.parse("2025-01-31T15:00:00Z");
    private static final RateTable DECK = RateTable.of(List.of(
            new Rate("1", "USA", yen("1000"), yen("0"), 60, 60),
            new Rate("81", "Japan", yen("40"), yen("0"), 30, 30)));

    private final MutableClock clock = new MutableClock(T0);
    private final JournalledAccountStore store = new JournalledAccountStore(new NoJournal(), clock);
    private final ChargingEngine engine = new ChargingEngine(store, RateSchedule.of(DECK), clock, Duration.ofMinutes(2));

    private static Money yen(String s) {
        return Money.parse(s, "JPY");
    }

    private void open(String id, String zone) {
        store.open(id, AccountOptions.of("JPY").withZone(ZoneId.of(zone)).withHomePrefix("81")
                .withInternationalCap(yen("20000")));
        store.credit(id, yen("100000"));
    }

    private ChargingSession grant(String id, String callId, String number) {
        Authorisation a = engine.authorise(callId, id, number);
        assertThat(a).as("%s %s", id, callId).isInstanceOf(Authorisation.Granted.class);
        return ((Authorisation.Granted) a).session();
    }

    /** Runs an international call of {@code minutes} minutes starting now. */
    private void spend(String id, String callId, int minutes) {
        ChargingSession s = grant(id, callId, "12125550100");
        s.start(clock.instant());
        for (int m = 1; m < minutes; m++) {
            assertThat(s.reserveNext()).isTrue();
        }
        s.end(clock.instant().plusSeconds(60L * minutes));
    }

    @Test
    void reachingTheCapRefusesNewCallsAndEndsTheRunningOneAtOnce() {
        open("jp", "Asia/Tokyo");
        ChargingSession first = grant("jp", "a", "12125550100");
        ChargingSession second = grant("jp", "b", "12125550100");
        first.start(T0);
        second.start(T0);
        int reserved = 2;
        while (first.reserveNext()) {
            reserved++;
            if (second.reserveNext()) {
                reserved++;
            }
        }
        assertThat(reserved).as("both calls together hold exactly the cap").isEqualTo(20);
        assertThat(first.lastRefusal()).isEqualTo(Refusal.SPEND_CAP_REACHED);
        assertThat(second.reserveNext()).as("the other call ends at its paid increment too").isFalse();
        Authorisation refused = engine.authorise("c", "jp", "12125550100");
        assertThat(((Authorisation.Denied) refused).reason()).isEqualTo(DenialReason.SPEND_CAP_REACHED);
        assertThat(engine.authorise("d", "jp", "81312345678")).as("domestic calls are not capped")
                .isInstanceOf(Authorisation.Granted.class);
    }

    @Test
    void theCapResetsWhenTheMonthChangesInTheAccountsZoneNotInUtc() {
        open("tokyo", "Asia/Tokyo");
        open("utc", "UTC");
        spend("tokyo", "t1", 20);
        spend("utc", "u1", 20);
        clock.set(TOKYO_FEBRUARY.minusSeconds(1));
        assertThat(engine.authorise("t2", "tokyo", "12125550100")).isInstanceOf(Authorisation.Denied.class);
        clock.set(TOKYO_FEBRUARY);
        assertThat(engine.authorise("t3", "tokyo", "12125550100")).as("February in Tokyo")
                .isInstanceOf(Authorisation.Granted.class);
        assertThat(engine.authorise("u2", "utc", "12125550100")).as("still January in UTC")
                .isInstanceOf(Authorisation.Denied.class);
        assertThat(store.internationalSpend("tokyo", TOKYO_FEBRUARY)).isEqualTo(yen("0"));
        assertThat(store.internationalSpend("utc", TOKYO_FEBRUARY)).isEqualTo(yen("20000"));
    }

    @Test
    void anUnusedReservationDoesNotCountAgainstTheCap() {
        open("jp", "Asia/Tokyo");
        spend("jp", "a", 19);
        ChargingSession s = grant("jp", "b", "12125550100");
        assertThat(engine.authorise("c", "jp", "12125550100")).isInstanceOf(Authorisation.Denied.class);
        s.release();
        assertThat(engine.authorise("d", "jp", "12125550100")).isInstanceOf(Authorisation.Granted.class);
    }
}
