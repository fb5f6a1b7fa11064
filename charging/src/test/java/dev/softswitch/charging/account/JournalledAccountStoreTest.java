package dev.softswitch.charging.account;

import dev.softswitch.charging.money.CurrencyMismatchException;
import dev.softswitch.charging.money.Money;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JournalledAccountStoreTest {

    private final JournalledAccountStore store = new JournalledAccountStore();

    private static Money usd(String s) {
        return Money.parse(s, "USD");
    }

    @Test
    void createdAccountHasItsOpeningBalance() {
        store.create("alice", usd("10"));
        assertThat(store.balance("alice")).contains(usd("10"));
        assertThat(store.available("alice")).isEqualTo(usd("10"));
        assertThat(store.reserved("alice")).isEqualTo(usd("0"));
        assertThat(store.account("alice")).contains(new Account("alice", "USD"));
    }

    @Test
    void unknownAccount() {
        assertThat(store.balance("nobody")).isEmpty();
        assertThat(store.account("nobody")).isEmpty();
        assertThatThrownBy(() -> store.available("nobody")).isInstanceOf(UnknownAccountException.class)
                .hasMessageContaining("'nobody'");
        assertThatThrownBy(() -> store.manualReservations().reserve("nobody", usd("1")))
                .isInstanceOf(UnknownAccountException.class);
        assertThatThrownBy(() -> store.credit("nobody", usd("1"))).isInstanceOf(UnknownAccountException.class);
    }

    @Test
    void createRejectsDuplicatesAndNegativeOpeningBalance() {
        store.create("alice", usd("1"));
        assertThatThrownBy(() -> store.create("alice", usd("1"))).hasMessageContaining("already exists");
        assertThatThrownBy(() -> store.create("bob", usd("-1"))).hasMessageContaining("negative");
        assertThatThrownBy(() -> store.create(" ", usd("1"))).hasMessageContaining("blank");
    }

    @Test
    void reserveSucceedsOnlyUpToTheAvailableCredit() {
        store.create("alice", usd("1"));
        assertThat(store.manualReservations().reserve("alice", usd("0.6"))).isTrue();
        assertThat(store.available("alice")).isEqualTo(usd("0.4"));
        assertThat(store.balance("alice")).contains(usd("1"));
        assertThat(store.manualReservations().reserve("alice", usd("0.400001"))).isFalse();
        assertThat(store.available("alice")).isEqualTo(usd("0.4"));
        assertThat(store.manualReservations().reserve("alice", usd("0.4"))).isTrue();
        assertThat(store.available("alice")).isEqualTo(usd("0"));
        assertThat(store.manualReservations().reserve("alice", usd("0.000001"))).isFalse();
        assertThat(store.manualReservations().reserve("alice", usd("0"))).isTrue();
    }

    @Test
    void commitDebitsAndFreesTheRest() {
        store.create("alice", usd("1"));
        store.manualReservations().reserve("alice", usd("0.6"));
        store.manualReservations().commit("alice", usd("0.6"), usd("0.25"));
        assertThat(store.balance("alice")).contains(usd("0.75"));
        assertThat(store.reserved("alice")).isEqualTo(usd("0"));
        assertThat(store.available("alice")).isEqualTo(usd("0.75"));
    }

    @Test
    void commitRejectsDebitAboveReservationAndUnknownReservations() {
        store.create("alice", usd("1"));
        store.manualReservations().reserve("alice", usd("0.5"));
        assertThatThrownBy(() -> store.manualReservations().commit("alice", usd("0.5"), usd("0.6")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("exceeds");
        assertThatThrownBy(() -> store.manualReservations().commit("alice", usd("0.7"), usd("0.6")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("only");
        assertThatThrownBy(() -> store.manualReservations().release("alice", usd("0.7")))
                .isInstanceOf(IllegalStateException.class);
        assertThat(store.balance("alice")).contains(usd("1"));
        assertThat(store.reserved("alice")).isEqualTo(usd("0.5"));
    }

    @Test
    void releaseReturnsTheReservation() {
        store.create("alice", usd("1"));
        store.manualReservations().reserve("alice", usd("0.3"));
        store.manualReservations().release("alice", usd("0.3"));
        assertThat(store.available("alice")).isEqualTo(usd("1"));
        assertThat(store.balance("alice")).contains(usd("1"));
    }

    @Test
    void creditTopsUp() {
        store.create("alice", usd("0"));
        store.credit("alice", usd("5.5"));
        assertThat(store.balance("alice")).contains(usd("5.5"));
        assertThatThrownBy(() -> store.credit("alice", usd("0"))).hasMessageContaining("positive");
        assertThatThrownBy(() -> store.credit("alice", usd("-1"))).hasMessageContaining("negative");
    }

    @Test
    void rejectsOtherCurrenciesAndNegativeAmounts() {
        store.create("alice", usd("1"));
        Money yen = Money.parse("1", "JPY");
        assertThatThrownBy(() -> store.manualReservations().reserve("alice", yen))
                .isInstanceOf(CurrencyMismatchException.class);
        assertThatThrownBy(() -> store.credit("alice", yen)).isInstanceOf(CurrencyMismatchException.class);
        assertThatThrownBy(() -> store.manualReservations().reserve("alice", usd("-1")))
                .hasMessageContaining("negative");
    }

    @Test
    void twoThreadsReservingConcurrentlyNeverOverspend() throws Exception {
        long openingMicros = 10_000;
        store.create("shared", new Money(openingMicros, "USD"));
        Money unit = new Money(3, "USD");
        int attemptsPerThread = 20_000;
        AtomicLong granted = new AtomicLong();
        CyclicBarrier go = new CyclicBarrier(2);
        Runnable worker = () -> {
            try {
                go.await();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            for (int i = 0; i < attemptsPerThread; i++) {
                if (store.manualReservations().reserve("shared", unit)) {
                    granted.incrementAndGet();
                    // settle every other reservation partially, keeping money moving both ways
                    if (i % 2 == 0) {
                        store.manualReservations().commit("shared", unit, new Money(1, "USD"));
                    }
                }
            }
        };
        Thread a = new Thread(worker, "reserver-a");
        Thread b = new Thread(worker, "reserver-b");
        a.start();
        b.start();
        a.join(30_000);
        b.join(30_000);
        assertThat(a.isAlive() || b.isAlive()).as("workers finished").isFalse();

        long balance = store.balance("shared").orElseThrow().micros();
        long reserved = store.reserved("shared").micros();
        assertThat(balance).isNotNegative();
        assertThat(reserved).isLessThanOrEqualTo(balance);
        assertThat(store.available("shared").micros()).isBetween(0L, 2L); // less than one unit left
        // Each granted reservation was either committed (debiting 1 micro) or is still outstanding (3 micros).
        long debited = openingMicros - balance;
        assertThat(granted.get()).isEqualTo(debited + reserved / 3);
        assertThat(reserved % 3).isZero();
    }
}
