package dev.softswitch.charging.account;

import dev.softswitch.charging.event.JournalEvent.PlanExpired;
import dev.softswitch.charging.event.JournalEvent.PlanPurchased;
import dev.softswitch.charging.event.JournalEvent.Released;
import dev.softswitch.charging.journal.ConcurrentChangeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.BiFunction;

/**
 * The store's housekeeping (CHG-3, CHG-4, CHG-6): forfeits expired credit, expires and renews 30-day plans, and hands
 * back reservations abandoned by crashed callers. Also holds the service-wide plan auto-renewal switch.
 */
public final class AccountHousekeeping {

    /** How long settled calls stay in the usage history by default (ACC-1). */
    public static final Duration DEFAULT_USAGE_RETENTION = Duration.ofDays(180);

    private static final Logger log = LoggerFactory.getLogger(AccountHousekeeping.class);

    private final JournalledAccountStore store;
    private volatile boolean autoRenewal = true;
    /** The terms a plan renews on: (account's product, plan name) to the plan sold now, or null: its own terms. */
    private volatile BiFunction<String, String, PlanProduct> renewalTerms = (product, plan) -> null;
    private volatile Duration usageRetention = DEFAULT_USAGE_RETENTION;

    AccountHousekeeping(JournalledAccountStore store) {
        this.store = store;
    }

    /** Switches plan auto-renewal off (or on) service-wide, e.g. once the service's end is announced (CHG-4). */
    public void setAutoRenewal(boolean enabled) {
        this.autoRenewal = enabled;
    }

    /**
     * What a plan renews on: {@code terms} gives, for the account's product and the plan's name, the plan as it is
     * sold now ("the rate applicable at the time of subsequent purchase", seeds 000/001), or null to renew it on its
     * own terms. A plan in another currency than the account's is never taken.
     */
    public void renewalTerms(BiFunction<String, String, PlanProduct> terms) {
        this.renewalTerms = Objects.requireNonNull(terms, "terms");
    }

    /**
     * Keeps settled calls in the usage history for {@code retention} after they ended, and never less than the
     * 90 days in which their charge can be adjusted (ACC-2); older ones leave memory and the journal's history files
     * as snapshots are taken.
     */
    public void keepUsage(Duration retention) {
        this.usageRetention = retention.compareTo(OperatorActions.ADJUSTMENT_WINDOW) < 0
                ? OperatorActions.ADJUSTMENT_WINDOW : retention;
    }

    /** How long settled calls stay in the usage history. */
    public Duration usageRetention() {
        return usageRetention;
    }

    /** Whether plans bought now may renew themselves. */
    boolean autoRenewal() {
        return autoRenewal;
    }

    /**
     * Housekeeping at {@code now} for every account: forfeits expired credit, expires (and renews) plans, and
     * hands back reservations whose TTL has run out because their caller crashed (CHG-6).
     *
     * @return the number of reservations expired
     */
    public int expire(Instant now) {
        int expired = 0;
        for (AccountState cached : store.states()) {
            if (store.shared() && !SharedAccounts.needsHousekeeping(cached, now)) {
                store.sharedAccounts().forgetIfIdle(cached); // nothing due: dropped from the cache once idle
                continue;
            }
            try {
                expired += expire(store.refresh(cached), now);
            } catch (ConcurrentChangeException e) {
                log.debug("account {}: changed by another node during housekeeping; next round", cached.id);
            }
        }
        return expired;
    }

    private int expire(AccountState s, Instant now) {
        int expired = 0;
        long seq;
        synchronized (s) {
            seq = store.emitAll(s, s.forfeits(now));
            List<Long> stale = new ArrayList<>();
            for (Reservation res : s.reservations.values()) {
                if (res.deadline.isBefore(now)) {
                    stale.add(res.id);
                }
            }
            for (long id : stale) {
                log.warn("account {}: reservation {} of call {} expired unsettled; handed back", s.id, id,
                        s.reservations.get(id).callId);
                String callId = s.reservations.get(id).callId;
                seq = Math.max(seq, store.emit(s, new Released(s.id, now, id, true)));
                if (id != ManualReservations.RESERVATION_ID) {
                    store.callReservations().unclaimCall(callId, s.id);
                }
                expired++;
            }
            seq = Math.max(seq, store.emitAll(s, s.forfeits(now)));
            for (PlanState p : new ArrayList<>(s.plans)) {
                if (!p.expired && !now.isBefore(p.expiresAt)) {
                    seq = Math.max(seq, store.emit(s, new PlanExpired(s.id, now, p.id, p.remaining - p.held)));
                    if (p.autoRenew && autoRenewal) {
                        PlanProduct next = renewalTerms.apply(s.product, p.product);
                        if (next != null && !next.price().currency().equals(s.currency)) {
                            next = null;
                        }
                        PlanProduct terms = next != null ? next : new PlanProduct(p.product, p.prefixes, p.minutes,
                                s.money(p.price), s.validityOf(p.purchasedAt, p.expiresAt));
                        seq = Math.max(seq, store.emit(s, new PlanPurchased(s.id, p.expiresAt, s.nextPlanId,
                                terms.name(), terms.prefixes(), terms.minutes(), terms.price().micros(),
                                s.endOf(p.expiresAt, terms.validity()), true)));
                    }
                }
            }
        }
        store.journal().awaitDurable(seq);
        return expired;
    }
}
