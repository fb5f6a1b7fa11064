package dev.softswitch.charging.session;

import dev.softswitch.charging.MutableClock;
import dev.softswitch.charging.account.JournalledAccountStore;
import dev.softswitch.charging.journal.NoJournal;
import dev.softswitch.charging.money.Money;
import dev.softswitch.charging.tariff.Rate;
import dev.softswitch.charging.tariff.RateSchedule;
import dev.softswitch.charging.tariff.RateTable;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Issue 12 finding 3: a call ringing past its reservation's TTL must not start for free. */
class LapsedReservationTest {

    private static final Instant T0 = Instant.parse("2025-01-01T10:00:00Z");
    private static final Rate US = new Rate("1", "USA", usd("1"), usd("0.1"), 60, 60);

    private final MutableClock clock = new MutableClock(T0);
    private final JournalledAccountStore store = new JournalledAccountStore(new NoJournal(), clock);
    private final ChargingEngine engine = new ChargingEngine(store, RateSchedule.of(RateTable.of(List.of(US))), clock,
            Duration.ofMinutes(2));

    private static Money usd(String s) {
        return Money.parse(s, "USD");
    }

    private ChargingSession grant(String callId) {
        Authorisation a = engine.authorise(callId, "alice", "12125550100");
        assertThat(a).isInstanceOf(Authorisation.Granted.class);
        return ((Authorisation.Granted) a).session();
    }

    @Test
    void aCallAnsweredAfterItsReservationLapsedReservesItsFirstIncrementAgainAndIsCharged() {
        store.create("alice", usd("10"));
        ChargingSession ringing = grant("c1");
        clock.advance(Duration.ofMinutes(3).plusSeconds(5));
        assertThat(engine.expireReservations()).as("the ringing call's reservation lapsed").isEqualTo(1);
        assertThat(store.reserved("alice")).isEqualTo(usd("0"));

        Instant answered = clock.instant();
        assertThat(ringing.start(answered)).isEqualTo(answered.plusSeconds(60));
        assertThat(store.reserved("alice")).as("held again at answer").isEqualTo(usd("1.1"));
        ChargeResult result = ringing.end(answered.plusSeconds(30));
        assertThat(result.amount()).isEqualTo(usd("1.1"));
        assertThat(store.balance("alice")).contains(usd("8.9"));
        assertThat(store.call("alice", "c1")).as("the call is recorded").isPresent();
    }

    @Test
    void aLapsedCallWhoseMoneyWentToAnotherCallIsRefusedAtAnswer() {
        store.create("alice", usd("1.1"));
        ChargingSession ringing = grant("c1");
        clock.advance(Duration.ofMinutes(3).plusSeconds(5));
        engine.expireReservations();
        ChargingSession other = grant("c2");
        other.start(clock.instant());

        assertThatThrownBy(() -> ringing.start(clock.instant()))
                .isInstanceOf(ChargingRefusedException.class)
                .hasMessageContaining("c1")
                .satisfies(e -> assertThat(((ChargingRefusedException) e).reason())
                        .isEqualTo(DenialReason.INSUFFICIENT_CREDIT));
        assertThat(ringing.end(clock.instant().plusSeconds(30)).amount()).isEqualTo(usd("0"));
        assertThat(other.end(clock.instant().plusSeconds(30)).amount()).isEqualTo(usd("1.1"));
        assertThat(store.balance("alice")).contains(usd("0"));
    }

    @Test
    void keepAliveKeepsARingingCallsReservation() {
        store.create("alice", usd("10"));
        ChargingSession ringing = grant("c1");
        for (int i = 0; i < 10; i++) {
            clock.advance(Duration.ofMinutes(1));
            ringing.keepAlive();
            engine.expireReservations();
        }
        assertThat(store.reserved("alice")).isEqualTo(usd("1.1"));
    }
}
