package dev.softswitch.charging.account;

import dev.softswitch.charging.event.JournalEvent.AccountOpened;
import dev.softswitch.charging.journal.AccountSnapshot;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Turns an {@link AccountState} into the {@link AccountSnapshot} the journal's snapshot file holds, and back. */
final class AccountSnapshots {

    private AccountSnapshots() {
    }

    /**
     * The snapshot's fair-use section (FUP-2): the standing of every account a detector acted on, each captured
     * with its account's snapshot.
     */
    static void writeFairUse(java.io.DataOutput out, java.util.Map<String, FairUseStanding> standings)
            throws java.io.IOException {
        out.writeInt(standings.size());
        for (java.util.Map.Entry<String, FairUseStanding> e : standings.entrySet()) {
            out.writeUTF(e.getKey());
            e.getValue().write(out);
        }
    }

    /** Reads the fair-use section into {@code recovered}; a snapshot written before there was one has none. */
    static void readFairUse(java.io.DataInput in, java.util.Map<String, AccountState> recovered)
            throws java.io.IOException {
        int n;
        try {
            n = in.readInt();
        } catch (java.io.EOFException none) {
            return;
        }
        for (int i = 0; i < n; i++) {
            String id = in.readUTF();
            FairUseStanding standing = FairUseStanding.read(in);
            AccountState s = recovered.get(id);
            if (s == null) {
                throw new java.io.IOException("the snapshot's fair-use section names account '" + id
                        + "', which it does not hold");
            }
            s.operated.fairUse = standing;
        }
    }

    /** Decodes the fair-use section without applying it (to check a snapshot read back). */
    static void skipFairUse(java.io.DataInput in) throws java.io.IOException {
        for (int n = in.readInt(); n > 0; n--) {
            in.readUTF();
            FairUseStanding.read(in);
        }
    }

    /** {@code state} as a snapshot holds it; the caller holds its monitor. */
    static AccountSnapshot of(AccountState state) {
        return of(state, true);
    }

    /**
     * {@code state} as a snapshot holds it, its usage history only {@code withUsage} (a file snapshot files that in
     * its history file, {@link UsageFiling}); the caller holds its monitor.
     */
    static AccountSnapshot of(AccountState state, boolean withUsage) {
        List<AccountSnapshot.Lot> lotList = new ArrayList<>(state.lots.size());
        for (Lot lot : state.lots) {
            lotList.add(new AccountSnapshot.Lot(lot.id, lot.original, lot.remaining, lot.held, lot.purchasedAt,
                    lot.expiresAt, lot.channel));
        }
        List<AccountSnapshot.Reservation> resList = new ArrayList<>(state.reservations.size());
        for (Reservation res : state.reservations.values()) {
            resList.add(new AccountSnapshot.Reservation(res.id, res.callId, Arrays.copyOf(res.lots, res.n),
                    res.plans.clone(), res.packageMinutes, res.capMicros, res.increments,
                    new long[] {res.lastCredit, res.lastPlanMinutes, res.lastPackageMinutes}, res.started));
        }
        List<AccountSnapshot.Plan> planList = new ArrayList<>(state.plans.size());
        for (PlanState p : state.plans) {
            planList.add(new AccountSnapshot.Plan(p.id, p.product, p.prefixes, p.minutes, p.remaining, p.held,
                    p.price, p.purchasedAt, p.expiresAt, p.autoRenew, p.expired));
        }
        PackageState pkg = state.pkg;
        AccountSnapshot.Package pkgSnapshot = pkg == null ? null
                : new AccountSnapshot.Package(pkg.name, pkg.free, pkg.prefixes, pkg.used, pkg.held);
        List<AccountSnapshot.Purchase> purchaseList = new ArrayList<>(state.purchases.size());
        for (Purchase p : state.purchases) {
            purchaseList.add(new AccountSnapshot.Purchase(p.kind(), p.id(), p.description(), p.amount().micros(),
                    p.at(), p.expiresAt(), p.channel()));
        }
        return new AccountSnapshot(state.id, state.currency, state.zone.getId(), state.homePrefix, state.capMicros,
                state.coinCreditMicros, state.lastSeq, state.nextLotId, state.nextReservationId, state.nextPlanId,
                lotList, resList, planList, pkgSnapshot, state.capSpent, state.capHeld,
                state.forfeitedMicros, state.refundedMicros, purchaseList, withUsage ? List.copyOf(state.usage) : List.of(),
                List.copyOf(state.adjustments), state.product, operated(state));
    }

    private static AccountSnapshot.Operated operated(AccountState state) {
        AccountProfile p = state.operated.profile;
        return new AccountSnapshot.Operated(p.number(), p.country(), p.ha1(), p.suspension(), p.anonymised(),
                state.operated.audit.stream()
                        .map(a -> new AccountSnapshot.Audit(a.at(), a.operator(), a.action(), a.detail())).toList());
    }

    /** The state {@code snapshot} holds. */
    static AccountState restore(AccountSnapshot snapshot) {
        AccountState s = new AccountState(new AccountOpened(snapshot.id(), Instant.EPOCH, snapshot.currency(),
                snapshot.zone(), snapshot.homePrefix(), snapshot.capMicros(), snapshot.coinCreditMicros(),
                snapshot.product()));
        s.lastSeq = snapshot.lastSeq();
        s.nextLotId = snapshot.nextLotId();
        s.nextReservationId = snapshot.nextReservationId();
        s.nextPlanId = snapshot.nextPlanId();
        for (AccountSnapshot.Lot l : snapshot.lots()) {
            Lot lot = new Lot();
            lot.id = l.id();
            lot.original = l.original();
            lot.remaining = l.remaining();
            lot.held = l.held();
            lot.purchasedAt = l.purchasedAt();
            lot.expiresAt = l.expiresAt();
            lot.channel = l.channel();
            s.lots.add(lot);
            s.balance += lot.remaining;
            s.reserved += lot.held;
        }
        for (AccountSnapshot.Reservation r : snapshot.reservations()) {
            Reservation res = new Reservation();
            res.id = r.id();
            res.callId = r.callId();
            res.lots = r.lots().length == 0 ? new long[4] : r.lots().clone();
            res.n = r.lots().length;
            for (int i = 0; i < r.plans().length; i += 2) {
                res.addPlan(r.plans()[i], (int) r.plans()[i + 1]);
            }
            res.packageMinutes = r.packageMinutes();
            res.capMicros = r.capMicros();
            res.increments = r.increments();
            res.lastCredit = r.last()[0];
            res.lastPlanMinutes = (int) r.last()[1];
            res.lastPackageMinutes = (int) r.last()[2];
            res.started = r.started();
            s.reservations.put(res.id, res);
        }
        for (AccountSnapshot.Plan p : snapshot.plans()) {
            PlanState plan = new PlanState();
            plan.id = p.id();
            plan.product = p.product();
            plan.prefixes = p.prefixes();
            plan.minutes = p.minutes();
            plan.remaining = p.remaining();
            plan.held = p.held();
            plan.price = p.priceMicros();
            plan.purchasedAt = p.purchasedAt();
            plan.expiresAt = p.expiresAt();
            plan.autoRenew = p.autoRenew();
            plan.expired = p.expired();
            s.plans.add(plan);
        }
        AccountSnapshot.Package p = snapshot.packageState();
        if (p != null) {
            s.pkg = new PackageState();
            s.pkg.name = p.name();
            s.pkg.free = p.freeMinutes();
            s.pkg.prefixes = p.prefixes();
            s.pkg.used.putAll(p.usedByMonth());
            s.pkg.held = p.held();
        }
        s.capSpent.putAll(snapshot.capSpentByMonth());
        s.capHeld = snapshot.capHeld();
        s.forfeitedMicros = snapshot.forfeitedMicros();
        s.refundedMicros = snapshot.refundedMicros();
        for (AccountSnapshot.Purchase e : snapshot.purchases()) {
            s.purchases.add(new Purchase(e.kind(), e.id(), e.description(), s.money(e.amountMicros()), e.at(),
                    e.expiresAt(), e.channel()));
        }
        s.usage.addAll(snapshot.usage());
        s.adjustments.addAll(snapshot.adjustments());
        AccountSnapshot.Operated o = snapshot.operated();
        s.operated.profile = new AccountProfile(o.number(), o.country(), o.ha1(), o.suspension(), o.anonymised());
        s.historyErased = o.anonymised(); // a snapshot is installed only after its history files are erased
        o.audit().forEach(a -> s.operated.audit.add(new AuditEntry(a.at(), a.operator(), a.action(), a.detail())));
        return s;
    }
}
