package dev.softswitch.charging.session;

import dev.softswitch.charging.account.JournalledAccountStore;
import dev.softswitch.charging.money.Money;
import dev.softswitch.charging.tariff.Rate;
import dev.softswitch.charging.tariff.RateTable;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;

import static org.assertj.core.api.Assertions.assertThat;

class ChargingEngineTest {

    private static final Rate US = new Rate("1", "USA", usd("1"), usd("0.1"), 60, 60);
    private static final Rate UK = new Rate("44", "UK", Money.parse("0.5", "GBP"), Money.parse("0", "GBP"), 60, 60);

    private final JournalledAccountStore accounts = new JournalledAccountStore();
    private final ChargingEngine engine = new ChargingEngine(accounts, RateTable.of(List.of(US, UK)));

    private static Money usd(String s) {
        return Money.parse(s, "USD");
    }

    private Authorisation.Denied denied(String accountId, String digits) {
        Authorisation answer = engine.authorise("call-x", accountId, digits);
        assertThat(answer).isInstanceOf(Authorisation.Denied.class);
        return (Authorisation.Denied) answer;
    }

    @Test
    void unknownAccountIsDenied() {
        Authorisation.Denied denial = denied("nobody", "12125551234");
        assertThat(denial.reason()).isEqualTo(DenialReason.UNKNOWN_ACCOUNT);
        assertThat(denial.message()).contains("nobody");
    }

    @Test
    void destinationWithoutRateIsDenied() {
        accounts.create("alice", usd("5"));
        Authorisation.Denied denial = denied("alice", "81312345678");
        assertThat(denial.reason()).isEqualTo(DenialReason.NO_RATE);
        assertThat(denial.message()).contains("81312345678");
        assertThat(accounts.available("alice")).isEqualTo(usd("5"));
    }

    @Test
    void destinationThatIsNotDigitsIsDeniedNotThrown() {
        accounts.create("alice", usd("5"));
        assertThat(denied("alice", "+12125551234").reason()).isEqualTo(DenialReason.NO_RATE);
        assertThat(denied("alice", "").reason()).isEqualTo(DenialReason.NO_RATE);
    }

    @Test
    void rateInAnotherCurrencyIsDenied() {
        accounts.create("alice", usd("5"));
        Authorisation.Denied denial = denied("alice", "442071234567");
        assertThat(denial.reason()).isEqualTo(DenialReason.CURRENCY_MISMATCH);
        assertThat(denial.message()).contains("GBP").contains("USD");
    }

    @Test
    void creditBelowConnectFeePlusFirstIncrementIsDenied() {
        accounts.create("poor", usd("1.099999"));
        Authorisation.Denied denial = denied("poor", "12125551234");
        assertThat(denial.reason()).isEqualTo(DenialReason.INSUFFICIENT_CREDIT);
        assertThat(denial.message()).contains("1.099999").contains("1.100000");
        assertThat(accounts.available("poor")).isEqualTo(usd("1.099999"));
    }

    @Test
    void creditExactlyCoveringTheFirstIncrementIsGranted() {
        accounts.create("exact", usd("1.1"));
        assertThat(engine.authorise("c", "exact", "12125551234")).isInstanceOf(Authorisation.Granted.class);
        assertThat(accounts.available("exact")).isEqualTo(usd("0"));
    }

    @Test
    void reloadedRatesApplyToNewCallsOnly() {
        accounts.create("alice", usd("50"));
        Authorisation before = engine.authorise("c1", "alice", "12125551234");
        Rate cheaper = new Rate("1", "USA", usd("0.5"), usd("0"), 60, 60);
        engine.reloadRates(RateTable.of(List.of(cheaper)));
        Authorisation after = engine.authorise("c2", "alice", "12125551234");
        assertThat(((Authorisation.Granted) before).session().rate()).isEqualTo(US);
        assertThat(((Authorisation.Granted) after).session().rate()).isEqualTo(cheaper);
        assertThat(engine.rates().size()).isEqualTo(1);
    }

    @Test
    void concurrentCallsOfOneAccountNeverSpendMoreThanItHas() throws Exception {
        accounts.create("shared", usd("30"));
        Instant answer = Instant.parse("2025-01-01T00:00:00Z");
        List<ChargeResult> results = java.util.Collections.synchronizedList(new ArrayList<>());
        CyclicBarrier go = new CyclicBarrier(2);
        Runnable caller = () -> {
            try {
                go.await();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            for (int call = 0; call < 50; call++) {
                Authorisation a = engine.authorise(Thread.currentThread().getName() + "-" + call, "shared", "1");
                if (a instanceof Authorisation.Granted granted) {
                    ChargingSession s = granted.session();
                    s.start(answer);
                    while (s.reserveNext()) {
                        // a talkative caller: keeps reserving until the account says no
                    }
                    results.add(s.end(s.paidUntil()));
                }
            }
        };
        Thread a = new Thread(caller, "a");
        Thread b = new Thread(caller, "b");
        a.start();
        b.start();
        a.join(30_000);
        b.join(30_000);
        long charged = results.stream().mapToLong(r -> r.amount().micros()).sum();
        Money balance = accounts.balance("shared").orElseThrow();
        assertThat(balance.isNegative()).isFalse();
        assertThat(usd("30").minus(balance).micros()).isEqualTo(charged);
        assertThat(accounts.reserved("shared")).isEqualTo(usd("0"));
        assertThat(balance.isLessThan(usd("1.1"))).isTrue();
    }
}
