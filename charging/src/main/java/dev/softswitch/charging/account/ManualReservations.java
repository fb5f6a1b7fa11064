package dev.softswitch.charging.account;

import dev.softswitch.charging.event.JournalEvent.Reserved;
import dev.softswitch.charging.event.JournalEvent.Settled;
import dev.softswitch.charging.money.Money;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The original reservation API of the store: an amount reserved, then committed (partly debited) or released. Every
 * manual reservation of an account shares one reservation, which never expires.
 */
public final class ManualReservations {

    private static final Logger log = LoggerFactory.getLogger(ManualReservations.class);
    /** The reservation the manual {@link #reserve}/{@link #commit}/{@link #release} methods share. */
    static final long RESERVATION_ID = 0;

    private final JournalledAccountStore store;

    ManualReservations(JournalledAccountStore store) {
        this.store = store;
    }

    /**
     * Reserves {@code amount} if, and only if, that much is available; atomic.
     *
     * @return true if reserved, false if the available credit is insufficient
     * @throws UnknownAccountException if there is no such account
     */
    public boolean reserve(String accountId, Money amount) {
        AccountState s = store.state(accountId);
        long micros = JournalledAccountStore.nonNegative(s, amount, "reservation");
        Instant now = store.clock().instant();
        long seq;
        synchronized (s) {
            seq = store.emitAll(s, s.forfeits(now));
            long[] lots = s.allocate(micros, now);
            if (lots == null) {
                log.debug("account {}: reservation of {} refused, available {}", accountId, amount,
                        s.money(s.balance - s.reserved));
                return false;
            }
            if (micros > 0) {
                seq = store.emit(s, new Reserved(accountId, now, RESERVATION_ID, "manual", lots, 0, 0, 0, null, 0));
            }
        }
        store.journal().awaitDurable(seq);
        return true;
    }

    /**
     * Settles a manual reservation: the balance loses {@code debit}, the outstanding reservations lose
     * {@code reserved}; the difference becomes available again.
     *
     * @throws IllegalArgumentException if {@code debit > reserved} or either is negative
     * @throws IllegalStateException if {@code reserved} exceeds the outstanding manual reservations
     */
    public void commit(String accountId, Money reserved, Money debit) {
        AccountState s = store.state(accountId);
        long reservedMicros = JournalledAccountStore.nonNegative(s, reserved, "reservation");
        long debitMicros = JournalledAccountStore.nonNegative(s, debit, "debit");
        if (debitMicros > reservedMicros) {
            throw new IllegalArgumentException("account '" + accountId + "': debit " + debit
                    + " exceeds its reservation " + reserved);
        }
        settleManual(s, reservedMicros, debitMicros);
        log.debug("account {}: committed {} of reserved {}", accountId, debit, reserved);
    }

    /**
     * Returns a manual reservation to the available credit.
     *
     * @throws IllegalStateException if {@code reserved} exceeds the outstanding manual reservations
     */
    public void release(String accountId, Money reserved) {
        AccountState s = store.state(accountId);
        settleManual(s, JournalledAccountStore.nonNegative(s, reserved, "reservation"), 0);
    }

    private void settleManual(AccountState s, long reservedMicros, long debitMicros) {
        long seq = 0;
        synchronized (s) {
            Reservation res = s.reservations.get(RESERVATION_ID);
            long held = res == null ? 0 : res.credit();
            if (reservedMicros > held) {
                throw new IllegalStateException("account '" + s.id + "': settling " + s.money(reservedMicros)
                        + " but only " + s.money(held) + " is reserved");
            }
            if (reservedMicros == 0) {
                return;
            }
            long[] debits = s.debitsFrom(res, debitMicros);
            // hand back the rest of what is settled from the latest-expiring lots first
            long[] releases = latestFirst(s, res, debits, reservedMicros - debitMicros);
            seq = store.emit(s, new Settled(s.id, store.clock().instant(), RESERVATION_ID, debits, releases,
                    reservedMicros == held, 0, 0, 0, null, null));
        }
        store.journal().awaitDurable(seq);
    }

    private static long[] latestFirst(AccountState s, Reservation res, long[] debits, long amount) {
        List<Long> out = new ArrayList<>();
        long left = amount;
        for (int i = s.lots.size() - 1; i >= 0 && left > 0; i--) {
            Lot lot = s.lots.get(i);
            long held = res.heldOn(lot.id);
            for (int j = 0; j < debits.length; j += 2) {
                if (debits[j] == lot.id) {
                    held -= debits[j + 1];
                }
            }
            long take = Math.min(held, left);
            if (take > 0) {
                out.add(lot.id);
                out.add(take);
                left -= take;
            }
        }
        return out.stream().mapToLong(Long::longValue).toArray();
    }
}
