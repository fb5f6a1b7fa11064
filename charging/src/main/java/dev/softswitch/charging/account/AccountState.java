package dev.softswitch.charging.account;

import dev.softswitch.charging.cdr.Adjustment;
import dev.softswitch.charging.cdr.ChargedCall;
import dev.softswitch.charging.event.JournalEvent;
import dev.softswitch.charging.event.JournalEvent.AccountOpened;
import dev.softswitch.charging.event.JournalEvent.CallStarted;
import dev.softswitch.charging.event.JournalEvent.Adjusted;
import dev.softswitch.charging.event.JournalEvent.OperatorEvent;
import dev.softswitch.charging.event.JournalEvent.LotForfeited;
import dev.softswitch.charging.event.JournalEvent.LotPurchased;
import dev.softswitch.charging.event.JournalEvent.PackageSubscribed;
import dev.softswitch.charging.event.JournalEvent.PlanExpired;
import dev.softswitch.charging.event.JournalEvent.PlanPurchased;
import dev.softswitch.charging.event.JournalEvent.Refunded;
import dev.softswitch.charging.event.JournalEvent.Released;
import dev.softswitch.charging.event.JournalEvent.Reserved;
import dev.softswitch.charging.event.JournalEvent.Settled;
import dev.softswitch.charging.money.Money;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The mutable state of one account, guarded by the monitor of this object. It changes only through
 * {@link #apply(JournalEvent, long)}, which hands each event to its own {@code apply} method, both live and on
 * replay, so a replayed journal rebuilds it exactly; the decisions (the store, {@link FundingPolicy},
 * {@link AccountHousekeeping}, {@link OperatorActions}) read it to build the next event. Invariants: {@code 0 <= held <= remaining} per lot,
 * {@code balance = sum(remaining)}, {@code reserved = sum(held)}.
 */
final class AccountState implements JournalEvent.Applier {

    /** How many months of cap spend and package use are kept (older ones can no longer be asked about). */
    static final int MONTHS_KEPT = 13;

    final String id;
    final String currency;
    final ZoneId zone;
    final String homePrefix;
    final long capMicros;
    final long coinCreditMicros;
    /** The product the account belongs to; {@code ""} for the engine's default. */
    final String product;

    long lastSeq;
    /** How many events of the shared journal this state has applied (SCL-1; 0 with a node's own journal). */
    long sharedVersion;
    /** When this state was last known to be the shared journal's (epoch millis of the store's clock). */
    long sharedReadAt;
    /** Answers of this node's calls waiting to be appended with the account's next change (shared journal). */
    final ArrayList<JournalEvent> deferred = new ArrayList<>(0);
    long nextLotId = 1;
    long nextReservationId = 1;
    long nextPlanId = 1;
    long balance;
    long reserved;
    /** Unspent lots, earliest expiry first (ties by id). */
    final ArrayList<Lot> lots = new ArrayList<>(2);
    final Map<Long, Reservation> reservations = new HashMap<>();
    final ArrayList<PlanState> plans = new ArrayList<>(0);
    PackageState pkg;
    /** International spend counted against the cap per month (CHG-9), the latest {@link #MONTHS_KEPT} only. */
    final TreeMap<String, Long> capSpent = new TreeMap<>();
    long capHeld;
    final ArrayList<Purchase> purchases = new ArrayList<>(2);
    final ArrayList<ChargedCall> usage = new ArrayList<>();
    int usageFiled; // how many of usage, oldest first, the journal's history files hold (UsageFiling)
    boolean historyErased; // the history files hold this deleted account's calls anonymised (ACC-4)
    final ArrayList<Adjustment> adjustments = new ArrayList<>(0);
    long forfeitedMicros;
    long refundedMicros;
    /** Subscriber data, suspension, deletion and audit of the admin API (OPS-2, ACC-4). */
    final OperatorState operated = new OperatorState();

    AccountState(AccountOpened e) {
        this.id = e.accountId();
        this.currency = e.currency();
        this.zone = ZoneId.of(e.zone());
        this.homePrefix = e.homePrefix();
        this.capMicros = e.capMicros();
        this.coinCreditMicros = e.coinCreditMicros();
        this.product = e.product();
    }

    Money money(long micros) {
        return new Money(micros, currency);
    }

    String cycleOf(Instant at) {
        return YearMonth.from(at.atZone(zone)).toString();
    }

    /**
     * When something valid {@code validity} from {@code start} ends: whole days are counted on the wall clock of the
     * account's zone (bought at 10:00, a 30-day plan ends at 10:00 thirty days later, across daylight saving).
     */
    Instant endOf(Instant start, Duration validity) {
        if (validity.getNano() == 0 && validity.getSeconds() % 86_400 == 0) {
            return start.atZone(zone).plusDays(validity.toDays()).toInstant();
        }
        return start.plus(validity);
    }

    /** The validity {@link #endOf} turns into {@code end} from {@code start}: whole local days if it is so. */
    Duration validityOf(Instant start, Instant end) {
        long days = ChronoUnit.DAYS.between(start.atZone(zone), end.atZone(zone));
        if (start.atZone(zone).plusDays(days).toInstant().equals(end)) {
            return Duration.ofDays(days);
        }
        return Duration.between(start, end);
    }

    /** When credit given back for call {@code callId} expires: as the latest lot that paid it (never, if none). */
    Instant refundExpiry(String callId) {
        for (int i = usage.size() - 1; i >= 0; i--) {
            ChargedCall c = usage.get(i);
            if (!c.callId().equals(callId)) {
                continue;
            }
            Instant latest = null;
            for (ChargedCall.LotDebit d : c.lotDebits()) {
                Instant expiry = lotExpiry(d.lotId());
                if (latest == null || expiry.isAfter(latest)) {
                    latest = expiry;
                }
            }
            return latest == null ? Instant.MAX : latest;
        }
        return Instant.MAX;
    }

    private Instant lotExpiry(long lotId) {
        Lot lot = findLot(lotId);
        if (lot != null) {
            return lot.expiresAt;
        }
        for (Purchase p : purchases) {
            if (p.id() == lotId && "credit".equals(p.kind())) {
                return p.expiresAt();
            }
        }
        return Instant.MAX;
    }

    boolean isInternational(String destination) {
        return !homePrefix.isEmpty() && !destination.startsWith(homePrefix);
    }

    // ---- decisions (read only) ------------------------------------------------------------

    /** Lots to hold {@code need} micros from, earliest expiry first, as (lot, micros) pairs; null if short. */
    long[] allocate(long need, Instant now) {
        if (need == 0) {
            return new long[0];
        }
        long[] out = new long[4];
        int n = 0;
        long left = need;
        for (Lot lot : lots) {
            if (!lot.usableAt(now)) {
                continue;
            }
            long free = lot.remaining - lot.held;
            if (free <= 0) {
                continue;
            }
            long take = Math.min(free, left);
            if (n + 2 > out.length) {
                out = Arrays.copyOf(out, out.length * 2);
            }
            out[n++] = lot.id;
            out[n++] = take;
            left -= take;
            if (left == 0) {
                return n == out.length ? out : Arrays.copyOf(out, n);
            }
        }
        return null;
    }

    /** Debits of {@code amount} from what {@code res} holds, earliest-expiring lot first. */
    long[] debitsFrom(Reservation res, long amount) {
        long[] out = new long[Math.max(2, res.n)];
        int n = 0;
        long left = amount;
        for (Lot lot : lots) {
            if (left == 0) {
                break;
            }
            long held = res.heldOn(lot.id);
            if (held > 0) {
                long take = Math.min(held, left);
                out[n++] = lot.id;
                out[n++] = take;
                left -= take;
            }
        }
        if (left != 0) {
            throw new IllegalStateException("account '" + id + "': reservation " + res.id + " holds "
                    + money(res.credit()) + ", less than " + money(amount));
        }
        return n == out.length ? out : Arrays.copyOf(out, n);
    }

    /** Debits of {@code amount} from free (unreserved, unexpired) credit; null if short. */
    long[] debitsFromFree(long amount, Instant now) {
        return allocate(amount, now);
    }

    /** Forfeit events for the free part of every lot expired at {@code now}. */
    List<JournalEvent> forfeits(Instant now) {
        List<JournalEvent> out = null;
        for (Lot lot : lots) {
            if (!lot.usableAt(now) && lot.remaining - lot.held > 0) {
                if (out == null) {
                    out = new ArrayList<>(1);
                }
                out.add(new LotForfeited(id, now, lot.id, lot.remaining - lot.held));
            }
        }
        return out == null ? List.of() : out;
    }

    long capSpentIn(String cycle) {
        return capSpent.getOrDefault(cycle, 0L);
    }

    Lot findLot(long lotId) {
        for (Lot lot : lots) {
            if (lot.id == lotId) {
                return lot;
            }
        }
        return null;
    }

    Lot lot(long lotId) {
        Lot lot = findLot(lotId);
        if (lot != null) {
            return lot;
        }
        throw new IllegalStateException("account '" + id + "' has no lot " + lotId);
    }

    PlanState plan(long planId) {
        for (PlanState p : plans) {
            if (p.id == planId) {
                return p;
            }
        }
        throw new IllegalStateException("account '" + id + "' has no plan " + planId);
    }

    // ---- the only mutation ----------------------------------------------------------------

    /** Applies {@code e} (sequence {@code seq}, 0 when the journal is off). */
    void apply(JournalEvent e, long seq) {
        if (seq > 0) {
            lastSeq = seq;
        }
        e.applyTo(this);
    }

    /** An account is opened by constructing its state from the event, never by applying it. */
    @Override
    public void apply(AccountOpened e) {
        throw new IllegalArgumentException("cannot apply " + e);
    }

    @Override
    public void apply(LotPurchased p) {
        Lot lot = new Lot();
        lot.id = p.lotId();
        lot.original = p.micros();
        lot.remaining = p.micros();
        lot.purchasedAt = p.at();
        lot.expiresAt = p.expiresAt();
        lot.channel = p.channel();
        int i = 0;
        while (i < lots.size() && (lots.get(i).expiresAt.compareTo(lot.expiresAt) < 0
                || (lots.get(i).expiresAt.equals(lot.expiresAt) && lots.get(i).id < lot.id))) {
            i++;
        }
        lots.add(i, lot);
        balance = Math.addExact(balance, p.micros());
        nextLotId = Math.max(nextLotId, p.lotId() + 1);
        purchases.add(new Purchase("credit", p.lotId(), p.channel() + " credit", money(p.micros()), p.at(),
                p.expiresAt(), p.channel()));
    }

    @Override
    public void apply(LotForfeited f) {
        Lot lot = lot(f.lotId());
        lot.remaining -= f.micros();
        balance -= f.micros();
        forfeitedMicros += f.micros();
        prune(lot);
    }

    @Override
    public void apply(Reserved r) {
        Reservation res = reservations.get(r.reservationId());
        if (res == null) {
            res = new Reservation();
            res.id = r.reservationId();
            res.callId = r.callId();
            reservations.put(res.id, res);
            nextReservationId = Math.max(nextReservationId, r.reservationId() + 1);
        }
        long[] a = r.lots();
        for (int i = 0; i < a.length; i += 2) {
            lot(a[i]).held += a[i + 1];
            reserved += a[i + 1];
            res.add(a[i], a[i + 1]);
        }
        if (r.planMinutes() > 0) {
            plan(r.planId()).held += r.planMinutes();
            res.addPlan(r.planId(), r.planMinutes());
        }
        if (r.packageMinutes() > 0) {
            pkg.held += r.packageMinutes();
            res.packageMinutes += r.packageMinutes();
        }
        capHeld += r.capMicros();
        res.capMicros += r.capMicros();
        long credit = 0;
        for (int i = 1; i < a.length; i += 2) {
            credit += a[i];
        }
        res.increments++;
        res.lastCredit = credit;
        res.lastPlanMinutes = r.planMinutes();
        res.lastPackageMinutes = r.packageMinutes();
    }

    @Override
    public void apply(CallStarted c) {
        Reservation res = reservations.get(c.reservationId());
        if (res != null) {
            res.started = c.call();
        }
    }

    @Override
    public void apply(Settled s) {
        Reservation res = reservations.get(s.reservationId());
        long[] d = s.debits();
        for (int i = 0; i < d.length; i += 2) {
            Lot lot = lot(d[i]);
            lot.held -= d[i + 1];
            lot.remaining -= d[i + 1];
            balance -= d[i + 1];
            reserved -= d[i + 1];
            res.add(d[i], -d[i + 1]);
        }
        long[] rel = s.releases();
        for (int i = 0; i < rel.length; i += 2) {
            lot(rel[i]).held -= rel[i + 1];
            reserved -= rel[i + 1];
            res.add(rel[i], -rel[i + 1]);
        }
        long[] planUses = res.planUses(s.planMinutes());
        for (int i = 0; i < planUses.length; i += 2) {
            plan(planUses[i]).remaining -= (int) planUses[i + 1];
        }
        if (s.packageMinutes() > 0) {
            pkg.use(s.cycle(), s.packageMinutes());
        }
        if (s.capMicros() > 0) {
            capSpent.merge(s.cycle(), s.capMicros(), Math::addExact);
            while (capSpent.size() > MONTHS_KEPT) {
                capSpent.pollFirstEntry();
            }
        }
        if (s.closes()) {
            closeReservation(res);
        }
        for (int i = 0; i < d.length; i += 2) {
            prune(findLot(d[i]));
        }
        if (s.call() != null) {
            usage.add(s.call());
        }
    }

    @Override
    public void apply(Released r) {
        closeReservation(reservations.get(r.reservationId()));
    }

    @Override
    public void apply(PlanPurchased p) {
        PlanState plan = new PlanState();
        plan.id = p.planId();
        plan.product = p.product();
        plan.prefixes = p.prefixes();
        plan.minutes = p.minutes();
        plan.remaining = p.minutes();
        plan.price = p.priceMicros();
        plan.purchasedAt = p.at();
        plan.expiresAt = p.expiresAt();
        plan.autoRenew = p.autoRenew();
        plans.add(plan);
        nextPlanId = Math.max(nextPlanId, p.planId() + 1);
        purchases.add(new Purchase("plan", p.planId(), p.product() + " (" + p.minutes() + " min)",
                money(p.priceMicros()), p.at(), p.expiresAt(), "plan"));
    }

    @Override
    public void apply(PlanExpired x) {
        PlanState plan = plan(x.planId());
        plan.expired = true;
        plan.remaining = plan.held; // held minutes stay payable by the calls holding them
    }

    @Override
    public void apply(PackageSubscribed p) {
        PackageState state = new PackageState();
        state.name = p.name();
        state.free = p.freeMinutes();
        state.prefixes = p.prefixes();
        if (pkg != null) {
            state.held = pkg.held;
            state.used.putAll(pkg.used);
        }
        pkg = state;
        purchases.add(new Purchase("package", 0, p.name() + " (" + p.freeMinutes() + " free min/month)",
                money(0), p.at(), null, "package"));
    }

    @Override
    public void apply(Adjusted a) {
        if (a.deltaMicros() > 0) {
            // the money keeps the expiry of the lot that paid the call (issue 12): expired credit stays expired
            apply(new LotPurchased(id, a.at(), a.newLotId(), a.deltaMicros(), refundExpiry(a.callId()), "adjustment"));
        } else {
            debitFree(a.debits());
        }
        adjustments.add(new Adjustment(a.callId(), money(a.deltaMicros()), a.reason(), a.at()));
    }

    @Override
    public void apply(Refunded r) {
        refundedMicros += debitFree(r.debits());
    }

    @Override
    public void apply(OperatorEvent e) {
        operated.apply(e, usage);
    }

    private long debitFree(long[] d) {
        long total = 0;
        for (int i = 0; i < d.length; i += 2) {
            Lot lot = lot(d[i]);
            lot.remaining -= d[i + 1];
            balance -= d[i + 1];
            total += d[i + 1];
            prune(lot);
        }
        return total;
    }

    private void closeReservation(Reservation res) {
        for (int i = 0; i < res.n; i += 2) {
            long left = res.lots[i + 1];
            if (left != 0) {
                lot(res.lots[i]).held -= left;
                reserved -= left;
            }
        }
        for (int i = 0; i < res.n; i += 2) {
            prune(findLot(res.lots[i]));
        }
        for (int i = 0; i < res.plans.length; i += 2) {
            plan(res.plans[i]).held -= (int) res.plans[i + 1];
        }
        if (res.packageMinutes > 0) {
            pkg.held -= res.packageMinutes;
        }
        capHeld -= res.capMicros;
        reservations.remove(res.id);
    }

    /** Drops a lot that is spent or forfeited and held by nobody (its purchase stays in the history). */
    private void prune(Lot lot) {
        if (lot != null && lot.remaining == 0 && lot.held == 0) {
            lots.remove(lot);
        }
    }
}
