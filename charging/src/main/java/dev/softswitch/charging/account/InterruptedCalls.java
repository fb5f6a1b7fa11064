package dev.softswitch.charging.account;

import dev.softswitch.charging.cdr.ChargedCall;
import dev.softswitch.charging.event.JournalEvent.Released;
import dev.softswitch.charging.event.JournalEvent.Settled;
import dev.softswitch.charging.money.Rounding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Settles the calls that were live when the process died (issue 12), once, at start-up, before any new call. The
 * rule follows CHG-6 (each increment is reserved before it begins, so one that began was used): a call whose answer
 * was journaled pays for its first increment, and for every increment before its last reserved one (the next is
 * reserved only as the one before runs out); its last increment, which may not have begun, is handed back, and so
 * is everything of a call never answered. Each charged call is recorded as it would have been had it ended at the
 * end of its paid time.
 */
final class InterruptedCalls {

    private static final Logger log = LoggerFactory.getLogger(InterruptedCalls.class);
    private static final int FREE_INCREMENT_SECONDS = 60;

    private InterruptedCalls() {
    }

    static List<ChargedCall> settle(JournalledAccountStore store, Instant now) {
        List<ChargedCall> out = new ArrayList<>();
        for (AccountState s : store.states()) {
            long seq = 0;
            synchronized (s) {
                List<Reservation> open = new ArrayList<>();
                for (Reservation res : s.reservations.values()) {
                    if (res.id != ManualReservations.RESERVATION_ID) {
                        open.add(res);
                    }
                }
                for (Reservation res : open) {
                    ChargedCall call = settleOne(store, s, res, now, "crash");
                    seq = Math.max(seq, s.lastSeq);
                    if (call != null) {
                        out.add(call);
                    }
                }
            }
            store.journal().awaitDurable(seq);
        }
        return out;
    }

    /**
     * Settles one call's reservation by the rule above ({@code cause}: what interrupted it, for the log); the caller
     * holds {@code s}'s monitor.
     *
     * @return the call as recorded, or null if it had not been answered (its reservation was handed back)
     */
    static ChargedCall settleOne(JournalledAccountStore store, AccountState s, Reservation res, Instant now,
                                 String cause) {
        if (res.started == null) {
            log.info("account {}: call {} was ringing at the {}; its reservation is handed back", s.id, res.callId,
                    cause);
            store.emit(s, new Released(s.id, now, res.id, false));
            store.callReservations().unclaimCall(res.callId, s.id);
            return null;
        }
        ChargedCall call = settle(store, s, res, now);
        log.warn("account {}: call {} was live at the {}; charged {} for {} s", s.id, call.callId(), cause,
                s.money(call.amountMicros()), call.billedSeconds());
        return call;
    }

    private static ChargedCall settle(JournalledAccountStore store, AccountState s, Reservation res, Instant now) {
        boolean dropLast = res.increments > 1;
        long credit = res.credit() - (dropLast ? res.lastCredit : 0);
        int plan = res.planMinutes - (dropLast ? res.lastPlanMinutes : 0);
        int pkg = res.packageMinutes - (dropLast ? res.lastPackageMinutes : 0);
        int increments = res.increments - (dropLast ? 1 : 0);
        int creditIncrements = increments - plan - pkg;
        ChargedCall t = res.started;
        boolean startsOnCredit = res.planMinutes == 0 && res.packageMinutes == 0;
        long billed = (long) (plan + pkg) * FREE_INCREMENT_SECONDS;
        if (creditIncrements > 0) {
            billed += (startsOnCredit ? t.initialIncrement() : t.subsequentIncrement())
                    + (long) (creditIncrements - 1) * t.subsequentIncrement();
        }
        long tax = Rounding.taxWithin(credit, t.taxBasisPoints());
        Instant ended = t.answeredAt().plusSeconds(billed);
        ChargedCall call = new ChargedCall(t.callId(), s.id, t.destination(), t.destinationName(), t.deck(),
                t.ratePrefix(), t.pricePerMinuteMicros(), t.connectFeeMicros(), t.initialIncrement(),
                t.subsequentIncrement(), t.taxMode(), t.taxBasisPoints(), t.answeredAt(), ended, billed * 1000, billed,
                plan, res.plans.length > 0 ? res.plans[0] : 0, pkg, creditIncrements, credit - tax, tax, credit,
                t.currency(), List.of(), false, t.coinRounded());
        long[] debits = s.debitsFrom(res, credit);
        List<ChargedCall.LotDebit> lots = new ArrayList<>(debits.length / 2);
        for (int i = 0; i < debits.length; i += 2) {
            lots.add(new ChargedCall.LotDebit(debits[i], debits[i + 1]));
        }
        long[] plans = res.planUses(plan);
        List<ChargedCall.PlanUse> uses = new ArrayList<>(plans.length / 2);
        for (int i = 0; i < plans.length; i += 2) {
            uses.add(new ChargedCall.PlanUse(plans[i], (int) plans[i + 1]));
        }
        ChargedCall recorded = call.withLotDebits(lots).withPlanUses(uses);
        store.emit(s, new Settled(s.id, now, res.id, debits, new long[0], true, plan, pkg,
                Math.min(credit, res.capMicros), s.cycleOf(t.answeredAt()), recorded));
        return recorded;
    }
}
