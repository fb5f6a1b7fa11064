package dev.softswitch.charging.account;

import dev.softswitch.charging.event.JournalEvent.Reserved;
import dev.softswitch.charging.tariff.RateCategory;

import java.time.Instant;

/**
 * What pays for a call's next increment, the one place this is decided (CHG-4, CHG-5, CHG-9): a minute of the
 * earliest-expiring live 30-day plan covering the destination, else a free minute of the monthly package, else credit
 * within the monthly international spend cap. A call never moves back: once a package minute has paid, no plan
 * minute does, and once credit has paid, neither does. International and premium-rate numbers never use package
 * minutes, and only international credit counts against the cap. While fair use suspends the account's plan
 * (FUP-2), neither plan nor package minutes pay: calls fall back to credit.
 */
final class FundingPolicy {

    /** The increment {@link #decide} holds ({@code event}, {@code outcome}), or why not ({@code event} null). */
    record Decision(Reserved event, ReserveOutcome outcome) {

        static Decision refused(Refusal refusal) {
            return new Decision(null, ReserveOutcome.refused(refusal));
        }
    }

    private FundingPolicy() {
    }

    /**
     * Decides what holds the next increment of call {@code callId} as reservation {@code reservationId}; the caller
     * holds {@code s}'s monitor and has forfeited expired credit.
     */
    static Decision decide(AccountState s, long reservationId, String callId, IncrementRequest req, Instant now) {
        String destination = req.destination();
        boolean international = s.isInternational(destination);
        boolean allowances = !s.operated.fairUse.planSuspendedAt(now);
        boolean planAllowed = allowances && (req.previous() == null || req.previous() == Funding.PLAN);
        boolean packageAllowed = allowances && req.previous() != Funding.CREDIT && !international
                && req.category() != RateCategory.PREMIUM;
        String cycle = s.cycleOf(now);
        PlanState plan = planAllowed ? planFor(s, destination, now) : null;
        if (plan != null) {
            return new Decision(new Reserved(s.id, now, reservationId, callId, new long[0], plan.id, 1, 0, cycle, 0),
                    new ReserveOutcome(reservationId, Funding.PLAN, plan.id, null));
        }
        if (packageAllowed && packageMinuteFor(s, destination, cycle)) {
            return new Decision(new Reserved(s.id, now, reservationId, callId, new long[0], 0, 0, 1, cycle, 0),
                    new ReserveOutcome(reservationId, Funding.PACKAGE, 0, null));
        }
        long need = req.creditMicros();
        long cap = international && s.capMicros >= 0 ? need : 0;
        if (cap > 0 && Math.addExact(Math.addExact(s.capSpentIn(cycle), s.capHeld), cap) > s.capMicros) {
            return Decision.refused(Refusal.SPEND_CAP_REACHED);
        }
        long[] lots = s.allocate(need, now);
        if (lots == null) {
            return Decision.refused(Refusal.INSUFFICIENT_CREDIT);
        }
        return new Decision(new Reserved(s.id, now, reservationId, callId, lots, 0, 0, 0, cycle, cap),
                new ReserveOutcome(reservationId, Funding.CREDIT, 0, null));
    }

    /** The earliest-expiring live plan with a free minute for {@code destination}, or null. */
    private static PlanState planFor(AccountState s, String destination, Instant now) {
        PlanState best = null;
        for (PlanState p : s.plans) {
            if (!p.expired && now.isBefore(p.expiresAt) && p.remaining - p.held >= 1 && p.covers(destination)
                    && (best == null || p.expiresAt.isBefore(best.expiresAt))) {
                best = p;
            }
        }
        return best;
    }

    private static boolean packageMinuteFor(AccountState s, String destination, String cycle) {
        PackageState pkg = s.pkg;
        if (pkg == null) {
            return false;
        }
        boolean covered = false;
        for (String p : pkg.prefixes) {
            if (destination.startsWith(p)) {
                covered = true;
                break;
            }
        }
        return covered && pkg.free - pkg.usedIn(cycle) - pkg.held >= 1;
    }
}
