package dev.softswitch.charging.account;

import dev.softswitch.charging.cdr.ChargedCall;
import dev.softswitch.charging.event.JournalEvent.Adjusted;
import dev.softswitch.charging.event.JournalEvent.Refunded;
import dev.softswitch.charging.money.Money;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** What an operator does to accounts (ACC-2, ACC-3): adjusts a settled call's charge; closes the service with refunds. */
public final class OperatorActions {

    private static final Logger log = LoggerFactory.getLogger(OperatorActions.class);
    /** How long after the call an adjustment is accepted (ACC-2, seed 001). */
    public static final Duration ADJUSTMENT_WINDOW = Duration.ofDays(90);

    private final JournalledAccountStore store;

    OperatorActions(JournalledAccountStore store) {
        this.store = store;
    }

    /**
     * Adjusts a settled call's charge: a positive amount goes back to the customer as a new lot, a negative one
     * is debited; refused more than {@link #ADJUSTMENT_WINDOW} after the call ended.
     *
     * @throws AdjustmentRefusedException saying why
     */
    public void adjust(String accountId, String callId, Money amount, String reason, Instant now) {
        AccountState s = store.state(accountId);
        s.money(0).requireSameCurrency(amount);
        if (reason == null || reason.isBlank()) {
            throw new AdjustmentRefusedException("an adjustment needs a reason");
        }
        if (amount.isZero()) {
            throw new AdjustmentRefusedException("an adjustment of zero changes nothing");
        }
        long seq;
        synchronized (s) {
            ChargedCall call = null;
            for (ChargedCall c : s.usage) {
                if (c.callId().equals(callId)) {
                    call = c;
                }
            }
            if (call == null) {
                throw new AdjustmentRefusedException("account '" + accountId + "' has no settled call '" + callId + "'");
            }
            Instant limit = call.endedAt().plus(ADJUSTMENT_WINDOW);
            if (now.isAfter(limit)) {
                throw new AdjustmentRefusedException("call '" + callId + "' ended at " + call.endedAt()
                        + "; adjustments are accepted for 90 days, until " + limit);
            }
            long adjusted = s.adjustments.stream().filter(a -> a.callId().equals(callId))
                    .mapToLong(a -> a.amount().micros()).sum();
            if (amount.isPositive() && Math.addExact(adjusted, amount.micros()) > call.amountMicros()) {
                throw new AdjustmentRefusedException("refund of " + amount + " would exceed the call's charge "
                        + s.money(call.amountMicros()) + " (already adjusted " + s.money(adjusted) + ")");
            }
            long[] debits = new long[0];
            long newLot = 0;
            if (amount.isPositive()) {
                newLot = s.nextLotId;
            } else {
                debits = s.debitsFromFree(-amount.micros(), now);
                if (debits == null) {
                    throw new AdjustmentRefusedException("account '" + accountId + "' has only "
                            + s.money(s.balance - s.reserved) + " available, cannot debit " + amount.negate());
                }
            }
            seq = store.emit(s, new Adjusted(accountId, now, callId, amount.micros(), reason, newLot, debits));
            seq = Math.max(seq, store.emitAll(s, s.forfeits(now))); // a refund of expired credit is forfeited
        }
        store.journal().awaitDurable(seq);
        log.info("account {}: call {} adjusted by {}: {}", accountId, callId, amount, reason);
    }

    /**
     * Service closure (ACC-3): forfeits what has expired by {@code serviceEnd}, then refunds every account's
     * unexpired credit (plans are not refundable) and takes it off the lots.
     */
    public List<Refund> closeService(Instant serviceEnd) {
        store.housekeeping().expire(serviceEnd);
        List<Refund> out = new ArrayList<>();
        for (String id : store.accountIds()) {
            AccountState s = store.state(id);
            long seq = 0;
            long total = 0;
            int lots = 0;
            synchronized (s) {
                List<Long> debits = new ArrayList<>();
                for (Lot lot : s.lots) {
                    long free = lot.remaining - lot.held;
                    if (lot.usableAt(serviceEnd) && free > 0) {
                        debits.add(lot.id);
                        debits.add(free);
                        total += free;
                        lots++;
                    }
                }
                if (total > 0) {
                    seq = store.emit(s, new Refunded(id, serviceEnd,
                            debits.stream().mapToLong(Long::longValue).toArray()));
                }
            }
            store.journal().awaitDurable(seq);
            out.add(new Refund(id, new Money(total, s.currency), lots));
        }
        out.sort(Comparator.comparing(Refund::accountId));
        return out;
    }
}
