package dev.softswitch.charging.account;

import dev.softswitch.charging.event.JournalEvent;
import dev.softswitch.charging.event.JournalEvent.AccountOpened;
import dev.softswitch.charging.event.JournalEvent.CallStarted;
import dev.softswitch.charging.event.JournalEvent.Released;
import dev.softswitch.charging.event.JournalEvent.Reserved;
import dev.softswitch.charging.event.JournalEvent.Settled;
import dev.softswitch.charging.journal.AccountSnapshotCodec;
import dev.softswitch.charging.journal.ConcurrentChangeException;
import dev.softswitch.charging.journal.JournalCodec;
import dev.softswitch.charging.journal.JournalUnavailableException;
import dev.softswitch.charging.journal.SharedJournal;
import dev.softswitch.charging.journal.SharedJournal.Holding;
import dev.softswitch.charging.journal.SharedJournal.Tail;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentMap;

/**
 * The account store's side of a {@link SharedJournal} (SCL-1): each node caches the accounts it works on, brings one
 * up to date (applies what other nodes appended) before it decides anything on it, and appends each change only if
 * the account is still at the version the decision was made on. A refused append brings the account up to date and
 * throws {@link ConcurrentChangeException}; nothing of the refused change is applied, so the cache never runs ahead
 * of the shared journal. When an append's outcome is unknown (the store timed out) the account is dropped from the
 * cache and read afresh next time. Every {@value #COMPACT_EVERY} events an account's log is compacted into a
 * snapshot.
 */
final class SharedAccounts {

    static final int COMPACT_EVERY = 200;
    /**
     * How long a reservation this node holds stays after the account was read afresh (an append whose outcome was
     * unknown): a live call touches it with its real deadline at its next increment; one whose append took effect
     * after its caller gave up is handed back by housekeeping after this.
     */
    static final Duration RELOADED_HOLD = Duration.ofMinutes(10);
    /**
     * How long an account read from (or appended to) the shared journal is used without asking again. A change is
     * never decided on it unchecked (the append is refused if another node changed the account meanwhile, with
     * what it missed); only a refusal or a reading (balance) may be this much behind another node's change.
     */
    static final Duration FRESH_FOR = Duration.ofMillis(250);

    private final SharedJournal journal;
    private final ConcurrentMap<String, AccountState> cache;

    private final Clock clock;
    private volatile ForeignEvents foreign;
    /** Events of other nodes applied but not yet told to {@link #foreign}, which is told outside any account lock. */
    private final ConcurrentLinkedQueue<Untold> untold = new ConcurrentLinkedQueue<>();

    private record Untold(String accountId, String product, JournalEvent event, boolean opensReservation) {
    }

    SharedAccounts(SharedJournal journal, ConcurrentMap<String, AccountState> cache, Clock clock) {
        this.journal = journal;
        this.cache = cache;
        this.clock = clock;
    }

    SharedJournal journal() {
        return journal;
    }

    void foreign(ForeignEvents listener) {
        this.foreign = listener;
    }

    /** The account, up to date with the shared journal; null if no node has opened it. */
    AccountState find(String accountId) {
        AccountState s = findUntold(accountId);
        tell();
        return s;
    }

    private AccountState findUntold(String accountId) {
        AccountState s = cache.get(accountId);
        if (s == null) {
            AccountState loaded = load(accountId, journal.read(accountId, 0));
            if (loaded == null) {
                return null;
            }
            s = cache.putIfAbsent(accountId, loaded);
            if (s == null) {
                return loaded;
            }
        }
        if (clock.millis() - s.sharedReadAt < FRESH_FOR.toMillis()) {
            return s;
        }
        synchronized (s) {
            return catchUp(s, journal.read(s.id, s.sharedVersion));
        }
    }

    /** Brings {@code s} up to date; returns the state to use (a new one if {@code s} was compacted past). */
    AccountState refresh(AccountState s) {
        AccountState fresh;
        synchronized (s) {
            fresh = catchUp(s, journal.read(s.id, s.sharedVersion));
        }
        tell();
        return fresh;
    }

    /** Tells {@link #foreign} what was applied of other nodes' events; never under an account's lock. */
    private void tell() {
        ForeignEvents listener = foreign;
        for (Untold e = untold.poll(); e != null; e = untold.poll()) {
            if (listener != null) {
                listener.applied(e.accountId(), e.product(), e.event(), e.opensReservation());
            }
        }
    }

    /** Applies what {@code s} missed; the caller holds its monitor. */
    private AccountState catchUp(AccountState s, Tail tail) {
        s.sharedReadAt = clock.millis();
        if (tail.snapshot() == null) {
            for (byte[] bytes : tail.events()) {
                JournalEvent e = decode(bytes);
                boolean opens = e instanceof Reserved r && !s.reservations.containsKey(r.reservationId());
                s.apply(e, 0);
                s.sharedVersion++;
                if (foreign != null) {
                    untold.add(new Untold(s.id, s.product, e, opens));
                }
            }
            return s;
        }
        AccountState fresh = load(s.id, tail);
        for (Reservation res : fresh.reservations.values()) { // this node's own deadlines live only here
            Reservation old = s.reservations.get(res.id);
            if (old != null) {
                res.deadline = old.deadline;
            }
        }
        fresh.deferred.addAll(s.deferred);
        cache.replace(s.id, s, fresh);
        return fresh;
    }

    private AccountState load(String accountId, Tail tail) {
        if (tail.absent()) {
            return null;
        }
        AccountState s;
        int from = 0;
        if (tail.snapshot() != null) {
            s = restore(tail.snapshot());
            s.sharedVersion = tail.snapshotVersion();
        } else {
            if (!(decode(tail.events().get(0)) instanceof AccountOpened opened)) {
                throw new IllegalStateException("account '" + accountId + "': its shared log does not begin with"
                        + " its opening");
            }
            s = new AccountState(opened);
            s.sharedVersion = 1;
            from = 1;
        }
        for (int i = from; i < tail.events().size(); i++) {
            s.apply(decode(tail.events().get(i)), 0);
            s.sharedVersion++;
        }
        s.sharedReadAt = clock.millis();
        if (!s.reservations.isEmpty()) {
            Map<Long, String> holders = journal.holders(accountId);
            Instant until = clock.instant().plus(RELOADED_HOLD);
            for (Reservation res : s.reservations.values()) {
                if (journal.node().equals(holders.get(res.id))) {
                    res.deadline = until;
                }
            }
        }
        return s;
    }

    /** How long an account nothing holds stays cached after it was last read (the cache's bound). */
    static final Duration CACHED_WHILE_IDLE = Duration.ofMinutes(5);

    /**
     * Whether housekeeping has work on {@code s} as this node last saw it: reservations (this node's may have
     * expired), a plan due to expire or renew, or credit due to be forfeited. The rest is not read from the shared
     * journal every sweep: forfeits are taken anyway before anything is reserved, and another node that holds
     * work on the account sweeps it.
     */
    static boolean needsHousekeeping(AccountState s, Instant now) {
        synchronized (s) {
            if (!s.reservations.isEmpty() || !s.forfeits(now).isEmpty()) {
                return true;
            }
            for (PlanState p : s.plans) {
                if (!p.expired && !now.isBefore(p.expiresAt)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** Drops {@code s} from the cache if nothing was read of it for {@link #CACHED_WHILE_IDLE}. */
    void forgetIfIdle(AccountState s) {
        synchronized (s) {
            if (s.reservations.isEmpty() && clock.millis() - s.sharedReadAt > CACHED_WHILE_IDLE.toMillis()) {
                cache.remove(s.id, s);
            }
        }
    }

    /** Opens the account in the shared journal; false if it exists already. */
    boolean open(AccountState fresh, AccountOpened event) {
        if (journal.append(fresh.id, 0, List.of(encode(event)), Holding.NONE, 0) != null) {
            return false;
        }
        fresh.sharedVersion = 1;
        fresh.sharedReadAt = clock.millis();
        cache.put(fresh.id, fresh);
        return true;
    }

    /** Appends {@code event} decided on {@code s} and applies it; the caller holds {@code s}'s monitor. */
    void emit(AccountState s, JournalEvent event) {
        Holding holding = Holding.NONE;
        long reservationId = 0;
        if (event instanceof Reserved r && !s.reservations.containsKey(r.reservationId())) {
            holding = Holding.TAKE;
            reservationId = r.reservationId();
            journal.holdingOn(s.id);
        } else if (event instanceof Settled x && x.closes()) {
            holding = Holding.DROP;
            reservationId = x.reservationId();
        } else if (event instanceof Released x) {
            holding = Holding.DROP;
            reservationId = x.reservationId();
        }
        List<JournalEvent> batch = new ArrayList<>(1 + s.deferred.size());
        for (JournalEvent d : s.deferred) {
            if (d instanceof CallStarted c && s.reservations.containsKey(c.reservationId())) {
                batch.add(d);
            }
        }
        batch.add(event);
        List<byte[]> encoded = new ArrayList<>(batch.size());
        for (JournalEvent e : batch) {
            encoded.add(encode(e));
        }
        Tail missed;
        try {
            missed = journal.append(s.id, s.sharedVersion, encoded, holding, reservationId);
        } catch (JournalUnavailableException e) {
            cache.remove(s.id, s); // whether it was appended is unknown: read it afresh next time
            throw e;
        }
        if (missed != null) {
            catchUp(s, missed);
            throw new ConcurrentChangeException(s.id);
        }
        s.deferred.clear();
        for (JournalEvent e : batch) {
            s.apply(e, 0);
            s.sharedVersion++;
        }
        s.sharedReadAt = clock.millis();
        if (s.sharedVersion % COMPACT_EVERY == 0) {
            try {
                journal.compact(s.id, s.sharedVersion, snapshot(s));
            } catch (JournalUnavailableException e) {
                // the next multiple tries again; the log only grows meanwhile
            }
        }
    }

    /** Reads this node's audit lines of changes to no account into {@code audit} (at start). */
    void restoreAudit(GatewayAudit audit) {
        long seq = 0;
        for (byte[] bytes : journal.audit()) {
            if (decode(bytes) instanceof JournalEvent.OperatorActed acted) {
                audit.replayed(++seq, acted);
            }
        }
    }

    /**
     * Keeps {@code started} (a call's answer) to append with the account's next change, as the one-node journal
     * does not wait for it either: one round trip and one fsync less per call. Lost with the node, the call is
     * handed back unbilled by the survivor, as a crash loses an unsynced answer. The caller holds the monitor.
     */
    void defer(AccountState s, CallStarted started) {
        s.deferred.add(started);
    }

    /** Reservation id to node for the account's reservations held by nodes. */
    Map<Long, String> holders(String accountId) {
        return journal.holders(accountId);
    }

    static byte[] encode(JournalEvent event) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            JournalCodec.write(out, event);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static JournalEvent decode(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            return JournalCodec.read(in);
        } catch (IOException e) {
            throw new IllegalStateException("an event of the shared journal cannot be read: " + e.getMessage(), e);
        }
    }

    static byte[] snapshot(AccountState s) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(512);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            AccountSnapshotCodec.write(out, AccountSnapshots.of(s));
            AccountSnapshots.writeFairUse(out, s.operated.fairUse == FairUseStanding.NONE ? Map.of()
                    : Map.of(s.id, s.operated.fairUse));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static AccountState restore(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            AccountState s = AccountSnapshots.restore(AccountSnapshotCodec.read(in));
            AccountSnapshots.readFairUse(in, Map.of(s.id, s));
            return s;
        } catch (IOException e) {
            throw new IllegalStateException("an account snapshot of the shared journal cannot be read: "
                    + e.getMessage(), e);
        }
    }
}
