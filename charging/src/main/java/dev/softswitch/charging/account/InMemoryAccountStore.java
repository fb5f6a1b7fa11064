package dev.softswitch.charging.account;

import dev.softswitch.charging.money.Money;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Balances and outstanding reservations kept in memory (the embedded default of SCL-1). Every
 * operation on one account is atomic under that account's lock, so concurrent calls of one account can
 * never together reserve more than its balance (CHG-6). Invariant: {@code 0 <= reserved <= balance}.
 */
public final class InMemoryAccountStore {

    private static final Logger log = LoggerFactory.getLogger(InMemoryAccountStore.class);

    private final ConcurrentMap<String, Entry> entries = new ConcurrentHashMap<>();

    /**
     * Opens an account whose currency is that of {@code openingBalance}.
     *
     * @throws IllegalArgumentException if the account exists or the opening balance is negative
     */
    public void create(String accountId, Money openingBalance) {
        Objects.requireNonNull(openingBalance, "openingBalance");
        if (openingBalance.isNegative()) {
            throw new IllegalArgumentException("opening balance of '" + accountId + "' is negative: " + openingBalance);
        }
        Account account = new Account(accountId, openingBalance.currency());
        Entry fresh = new Entry(account, openingBalance.micros());
        if (entries.putIfAbsent(accountId, fresh) != null) {
            throw new IllegalArgumentException("account '" + accountId + "' already exists");
        }
        log.debug("account {} created with {}", accountId, openingBalance);
    }

    public Optional<Account> account(String accountId) {
        Entry entry = entries.get(Objects.requireNonNull(accountId, "accountId"));
        return entry == null ? Optional.empty() : Optional.of(entry.account);
    }

    /** The balance including money held by reservations, or empty for an unknown account. */
    public Optional<Money> balance(String accountId) {
        Entry entry = entries.get(Objects.requireNonNull(accountId, "accountId"));
        if (entry == null) {
            return Optional.empty();
        }
        synchronized (entry) {
            return Optional.of(entry.money(entry.balance));
        }
    }

    /**
     * Balance minus outstanding reservations: what a new reservation may take.
     *
     * @throws UnknownAccountException if there is no such account
     */
    public Money available(String accountId) {
        Entry entry = entry(accountId);
        synchronized (entry) {
            return entry.money(entry.balance - entry.reserved);
        }
    }

    /**
     * Money held by outstanding reservations.
     *
     * @throws UnknownAccountException if there is no such account
     */
    public Money reserved(String accountId) {
        Entry entry = entry(accountId);
        synchronized (entry) {
            return entry.money(entry.reserved);
        }
    }

    /**
     * Reserves {@code amount} if, and only if, that much is available; atomic.
     *
     * @return true if reserved, false if the available credit is insufficient
     * @throws UnknownAccountException if there is no such account
     */
    public boolean reserve(String accountId, Money amount) {
        Entry entry = entry(accountId);
        long micros = nonNegative(entry, amount, "reservation");
        synchronized (entry) {
            if (entry.balance - entry.reserved < micros) {
                log.debug("account {}: reservation of {} refused, available {}", accountId, amount,
                        entry.money(entry.balance - entry.reserved));
                return false;
            }
            entry.reserved = Math.addExact(entry.reserved, micros);
            return true;
        }
    }

    /**
     * Settles a reservation: the balance loses {@code debit}, the outstanding reservations lose
     * {@code reserved}; the difference becomes available again.
     *
     * @throws IllegalArgumentException if {@code debit > reserved} or either is negative
     * @throws IllegalStateException if {@code reserved} exceeds the outstanding reservations
     */
    public void commit(String accountId, Money reserved, Money debit) {
        Entry entry = entry(accountId);
        long reservedMicros = nonNegative(entry, reserved, "reservation");
        long debitMicros = nonNegative(entry, debit, "debit");
        if (debitMicros > reservedMicros) {
            throw new IllegalArgumentException("account '" + accountId + "': debit " + debit
                    + " exceeds its reservation " + reserved);
        }
        synchronized (entry) {
            requireOutstanding(entry, reservedMicros);
            entry.reserved -= reservedMicros;
            entry.balance -= debitMicros;
        }
        log.debug("account {}: committed {} of reserved {}", accountId, debit, reserved);
    }

    /**
     * Returns a reservation to the available credit.
     *
     * @throws IllegalStateException if {@code reserved} exceeds the outstanding reservations
     */
    public void release(String accountId, Money reserved) {
        Entry entry = entry(accountId);
        long micros = nonNegative(entry, reserved, "reservation");
        synchronized (entry) {
            requireOutstanding(entry, micros);
            entry.reserved -= micros;
        }
    }

    /**
     * Adds a top-up to the balance.
     *
     * @throws IllegalArgumentException if the amount is not positive
     */
    public void credit(String accountId, Money amount) {
        Entry entry = entry(accountId);
        long micros = nonNegative(entry, amount, "credit");
        if (micros == 0) {
            throw new IllegalArgumentException("account '" + accountId + "': credit must be positive");
        }
        synchronized (entry) {
            entry.balance = Math.addExact(entry.balance, micros);
        }
        log.debug("account {}: credited {}", accountId, amount);
    }

    private Entry entry(String accountId) {
        Entry entry = entries.get(Objects.requireNonNull(accountId, "accountId"));
        if (entry == null) {
            throw new UnknownAccountException(accountId);
        }
        return entry;
    }

    private static long nonNegative(Entry entry, Money amount, String what) {
        Objects.requireNonNull(amount, what);
        entry.money(0).requireSameCurrency(amount);
        if (amount.isNegative()) {
            throw new IllegalArgumentException("account '" + entry.account.id() + "': " + what
                    + " must not be negative: " + amount);
        }
        return amount.micros();
    }

    private static void requireOutstanding(Entry entry, long micros) {
        if (micros > entry.reserved) {
            throw new IllegalStateException("account '" + entry.account.id() + "': settling "
                    + entry.money(micros) + " but only " + entry.money(entry.reserved) + " is reserved");
        }
    }

    /** Mutable state of one account, guarded by its own monitor. */
    private static final class Entry {
        private final Account account;
        private long balance;
        private long reserved;

        private Entry(Account account, long balance) {
            this.account = account;
            this.balance = balance;
        }

        private Money money(long micros) {
            return new Money(micros, account.currency());
        }
    }
}
