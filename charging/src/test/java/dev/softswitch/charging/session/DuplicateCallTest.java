package dev.softswitch.charging.session;

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
    void aReleasedUnansweredCallIdMayBeAuthorisedAgain() {
        store.create("alice", usd("10"));
        ((Authorisation.Granted) engine.authorise("c1", "alice", "12125550100")).session().release();
        assertThat(engine.authorise("c1", "alice", "12125550100")).isInstanceOf(Authorisation.Granted.class);
    }
}
