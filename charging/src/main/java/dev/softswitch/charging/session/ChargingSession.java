package dev.softswitch.charging.session;

import dev.softswitch.charging.account.InMemoryAccountStore;
import dev.softswitch.charging.money.Money;
import dev.softswitch.charging.money.Rounding;
import dev.softswitch.charging.tariff.Rate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The prepaid charge of one call (CHG-6). Created by {@link ChargingEngine#authorise} with the connect
 * fee and first increment already reserved; while the call lasts the gateway reserves each next
 * increment before it begins and hangs up at {@link #paidUntil()} when a reservation fails.
 * Thread-safe: every method is atomic.
 *
 * <pre>
 *   AUTHORISED --start()--> ANSWERED --end()--> ENDED
 *       |                                         ^ end() and release() again: no effect
 *       +--release() or end()--> RELEASED
 * </pre>
 */
public final class ChargingSession {

    private static final Logger log = LoggerFactory.getLogger(ChargingSession.class);
    private static final long MILLIS_PER_SECOND = 1000;

    private enum State { AUTHORISED, ANSWERED, ENDED, RELEASED }

    private final InMemoryAccountStore accounts;
    private final String callId;
    private final String accountId;
    private final Rate rate;
    private final Money initialCost;
    private final Money subsequentCost;

    private State state = State.AUTHORISED;
    /** Money this session holds reserved on the account. */
    private Money reserved;
    /** Subsequent increments reserved so far (the initial one is always reserved). */
    private int subsequentReserved;
    private Instant answeredAt;
    private Instant paidUntil;
    private ChargeResult result;

    /** Called by the engine after it reserved {@code firstReservation} (connect fee plus initial increment). */
    ChargingSession(InMemoryAccountStore accounts, String callId, String accountId, Rate rate, Money firstReservation) {
        this.accounts = Objects.requireNonNull(accounts, "accounts");
        this.callId = Objects.requireNonNull(callId, "callId");
        this.accountId = Objects.requireNonNull(accountId, "accountId");
        this.rate = Objects.requireNonNull(rate, "rate");
        this.reserved = Objects.requireNonNull(firstReservation, "firstReservation");
        this.initialCost = rate.costOfIncrement(rate.initialIncrementSeconds());
        this.subsequentCost = rate.costOfIncrement(rate.subsequentIncrementSeconds());
    }

    public String callId() {
        return callId;
    }

    public String accountId() {
        return accountId;
    }

    public Rate rate() {
        return rate;
    }

    /**
     * The call was answered at {@code answeredAt}: the already reserved initial increment starts.
     *
     * @return the new {@link #paidUntil()}
     * @throws IllegalStateException if already started, ended or released
     */
    public synchronized Instant start(Instant answeredAt) {
        Objects.requireNonNull(answeredAt, "answeredAt");
        if (state != State.AUTHORISED) {
            throw new IllegalStateException("call " + callId + ": start() in state " + state);
        }
        state = State.ANSWERED;
        this.answeredAt = answeredAt;
        this.paidUntil = answeredAt.plusSeconds(rate.initialIncrementSeconds());
        log.debug("call {}: answered at {}, paid until {}", callId, answeredAt, paidUntil);
        return paidUntil;
    }

    /** End of the last reserved (paid) increment; null before {@link #start}. */
    public synchronized Instant paidUntil() {
        return paidUntil;
    }

    /** When the call was answered; null before {@link #start}. */
    public synchronized Instant answeredAt() {
        return answeredAt;
    }

    /** Length of the next increment to reserve; the initial one is reserved at authorisation. */
    public Duration nextIncrement() {
        return Duration.ofSeconds(rate.subsequentIncrementSeconds());
    }

    /** Money this session currently holds reserved on the account. */
    public synchronized Money reserved() {
        return reserved;
    }

    /**
     * Reserves the next subsequent increment.
     *
     * @return true if reserved and {@link #paidUntil()} moved forward by {@link #nextIncrement()}; false if
     *     the credit is insufficient (or the call is already over), paidUntil unchanged
     * @throws IllegalStateException before {@link #start}
     */
    public synchronized boolean reserveNext() {
        switch (state) {
            case AUTHORISED:
                throw new IllegalStateException("call " + callId + ": reserveNext() before start()");
            case ENDED:
            case RELEASED:
                return false;
            default:
                break;
        }
        if (!accounts.reserve(accountId, subsequentCost)) {
            log.info("call {}: next increment of {} refused for account {}; paid until {}", callId, subsequentCost,
                    accountId, paidUntil);
            return false;
        }
        reserved = reserved.plus(subsequentCost);
        subsequentReserved = Math.addExact(subsequentReserved, 1);
        paidUntil = paidUntil.plusSeconds(rate.subsequentIncrementSeconds());
        return true;
    }

    /**
     * Settles the call: debits the connect fee and every started increment of [answeredAt, endedAt], at
     * most what was reserved (then {@code clamped}), and releases the rest. Before {@link #start} this
     * releases the reservation and returns a zero charge. Idempotent: later calls return the first result
     * and move no money.
     */
    public synchronized ChargeResult end(Instant endedAt) {
        Objects.requireNonNull(endedAt, "endedAt");
        if (result != null) {
            return result;
        }
        if (state == State.AUTHORISED) {
            releaseReservation();
            return result;
        }
        long durationMillis = Duration.between(answeredAt, endedAt).toMillis();
        if (durationMillis < 0) {
            log.warn("call {}: ended at {} before it was answered at {}; billing 0 ms", callId, endedAt, answeredAt);
            durationMillis = 0;
        }
        long subsequentNeeded = subsequentIncrementsFor(durationMillis);
        boolean clamped = subsequentNeeded > subsequentReserved;
        long subsequent = Math.min(subsequentNeeded, subsequentReserved);
        int increments = durationMillis == 0 ? 0 : Math.toIntExact(1 + subsequent);
        long billedSeconds = durationMillis == 0 ? 0
                : Math.addExact(rate.initialIncrementSeconds(),
                        Math.multiplyExact(subsequent, (long) rate.subsequentIncrementSeconds()));
        Money amount = rate.connectFee();
        if (durationMillis > 0) {
            amount = amount.plus(initialCost).plus(subsequentCost.times(subsequent));
        }
        if (amount.isGreaterThan(reserved)) { // cannot happen: every charged increment was reserved
            throw new IllegalStateException("call " + callId + ": charge " + amount + " exceeds reservation " + reserved);
        }
        accounts.commit(accountId, reserved, amount);
        if (clamped) {
            log.warn("call {}: lasted {} ms, past its paid time {}; charged only the reserved {}", callId,
                    durationMillis, paidUntil, amount);
        }
        reserved = Money.zero(reserved.currency());
        state = State.ENDED;
        result = new ChargeResult(callId, durationMillis, billedSeconds, increments, amount, clamped);
        log.debug("call {}: ended {}", callId, result);
        return result;
    }

    /**
     * The call was never answered: returns the reservation. Idempotent, and does nothing after
     * {@link #end}.
     *
     * @throws IllegalStateException if the call was answered and not ended: settle it with {@link #end}
     */
    public synchronized void release() {
        if (state == State.ANSWERED) {
            throw new IllegalStateException("call " + callId + " was answered; settle it with end(), not release()");
        }
        if (state == State.AUTHORISED) {
            releaseReservation();
        }
    }

    /** The settled charge, or null while the call is open. */
    public synchronized ChargeResult result() {
        return result;
    }

    private void releaseReservation() {
        accounts.release(accountId, reserved);
        log.debug("call {}: released unanswered reservation {}", callId, reserved);
        Money zero = Money.zero(reserved.currency());
        reserved = zero;
        state = State.RELEASED;
        result = new ChargeResult(callId, 0, 0, 0, zero, false);
    }

    /** Subsequent increments covering {@code durationMillis} after the initial increment. */
    private long subsequentIncrementsFor(long durationMillis) {
        long rest = durationMillis - rate.initialIncrementSeconds() * MILLIS_PER_SECOND;
        if (rest <= 0) {
            return 0;
        }
        return Rounding.ceilDiv(rest, rate.subsequentIncrementSeconds() * MILLIS_PER_SECOND);
    }
}
