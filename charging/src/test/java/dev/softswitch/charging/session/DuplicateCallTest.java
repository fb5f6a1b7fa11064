package dev.softswitch.charging.session;

import dev.softswitch.charging.MutableClock;
import dev.softswitch.charging.account.CallReservations;
import dev.softswitch.charging.journal.NoJournal;
import dev.softswitch.charging.tariff.RateSchedule;
import java.time.Duration;
import dev.softswitch.charging.account.JournalledAccountStore;
import dev.softswitch.charging.money.Money;
import dev.softswitch.charging.tariff.Rate;
import dev.softswitch.charging.tariff.RateTable;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Issue 12 finding 4: one call id is charged at most once. */
class DuplicateCallTest {

    private static final Rate US = new Rate("1", "USA", usd("1"), usd("0.1"), 60, 60);

    private final JournalledAccountStore store = new JournalledAccountStore();
    private final ChargingEngine engine = new ChargingEngine(store, RateTable.of(List.of(US)));

    private static Money usd(String s) {
        return Money.parse(s, "USD");
    }

    @Test
    void aLiveCallIdIsRefusedAndNothingMoreIsReserved() {
        store.create("alice", usd("10"));
        store.create("bob", usd("10"));
        assertThat(engine.authorise("c1", "alice", "12125550100")).isInstanceOf(Authorisation.Granted.class);
        Authorisation again = engine.authorise("c1", "alice", "12125550100");
        assertThat(again).isInstanceOf(Authorisation.Denied.class);
        assertThat(((Authorisation.Denied) again).reason()).isEqualTo(DenialReason.DUPLICATE_CALL);
        assertThat(((Authorisation.Denied) again).message()).contains("c1");
        Authorisation elsewhere = engine.authorise("c1", "bob", "12125550100");
        assertThat(((Authorisation.Denied) elsewhere).reason()).isEqualTo(DenialReason.DUPLICATE_CALL);
        assertThat(store.reserved("alice")).isEqualTo(usd("1.1"));
        assertThat(store.reserved("bob")).isEqualTo(usd("0"));
    }

    @Test
    void aSettledCallIdIsRefused() {
        store.create("alice", usd("10"));
        ChargingSession s = ((Authorisation.Granted) engine.authorise("c1", "alice", "12125550100")).session();
        Instant t = Instant.now();
        s.start(t);
        s.end(t.plusSeconds(10));
        Authorisation again = engine.authorise("c1", "alice", "12125550100");
        assertThat(((Authorisation.Denied) again).reason()).isEqualTo(DenialReason.DUPLICATE_CALL);
        assertThat(store.balance("alice")).contains(usd("8.9"));
        assertThat(store.reserved("alice")).isEqualTo(usd("0"));
    }

    @Test
    void aSettledCallsIdIsClaimedForTheWindowOnlySoClaimsDoNotPileUp() {
        MutableClock clock = new MutableClock(Instant.parse("2026-03-02T01:00:00Z"));
        JournalledAccountStore timed = new JournalledAccountStore(new NoJournal(), clock);
        ChargingEngine e = new ChargingEngine(timed, RateSchedule.of(RateTable.of(List.of(US))), clock,
                ChargingEngine.DEFAULT_RESERVATION_TTL);
        timed.create("alice", usd("1000"));
        for (int i = 0; i < 100; i++) {
            ChargingSession s = ((Authorisation.Granted) e.authorise("c" + i, "alice", "12125550100")).session();
            s.start(clock.instant());
            s.end(clock.instant().plusSeconds(10));
        }
        assertThat(timed.callReservations().claimedCallIds()).isEqualTo(100);
        clock.advance(CallReservations.SETTLED_CLAIM_WINDOW.minusSeconds(1));
        assertThat(((Authorisation.Denied) e.authorise("c0", "alice", "12125550100")).reason())
                .isEqualTo(DenialReason.DUPLICATE_CALL);

        clock.advance(Duration.ofSeconds(2));
        ChargingSession live = ((Authorisation.Granted) e.authorise("new", "alice", "12125550100")).session();
        assertThat(timed.callReservations().claimedCallIds()).as("only the live call").isEqualTo(1);
        assertThat(e.authorise("c0", "alice", "12125550100")).isInstanceOf(Authorisation.Granted.class);
        clock.advance(Duration.ofHours(1));
        assertThat(((Authorisation.Denied) e.authorise("new", "alice", "12125550100")).reason())
                .as("a live call keeps its claim however long it lasts").isEqualTo(DenialReason.DUPLICATE_CALL);
        live.release();
    }

    @Test
    void aReleasedUnansweredCallIdMayBeAuthorisedAgain() {
        store.create("alice", usd("10"));
        ((Authorisation.Granted) engine.authorise("c1", "alice", "12125550100")).session().release();
        assertThat(engine.authorise("c1", "alice", "12125550100")).isInstanceOf(Authorisation.Granted.class);
    }
}
