package dev.softswitch.charging.session;

import dev.softswitch.charging.account.CallReservations;
import dev.softswitch.charging.account.Funding;
import dev.softswitch.charging.account.IncrementRequest;
import dev.softswitch.charging.account.JournalledAccountStore;
import dev.softswitch.charging.account.Refusal;
import dev.softswitch.charging.account.ReserveOutcome;
import dev.softswitch.charging.cdr.ChargedCall;
import dev.softswitch.charging.money.Money;
import dev.softswitch.charging.money.Rounding;
import dev.softswitch.charging.tariff.Rate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The real-time charging of one call (CHG-6). Created by {@link ChargingEngine#authorise} with its first increment
 * already held; while the call lasts the gateway reserves each next increment before it begins and hangs up at
 * {@link #paidUntil()} when a reservation fails. What pays each increment is the account store's funding policy:
 * 30-day plan minutes (60 s each), package free minutes (60 s each), then credit (the rate's initial increment if
 * the call starts on credit, else its subsequent one, then subsequent increments); the session prices the credit
 * increment and counts what paid. Thread-safe: every method is atomic.
 *
 * <pre>
 *   AUTHORISED --start()--> ANSWERED --end()--> ENDED
 *       |                                         ^ end() and release() again: no effect
 *       +--release() or end()--> RELEASED
 * </pre>
 */
public final class ChargingSession {

    private static final Logger log = LoggerFactory.getLogger(ChargingSession.class);
    private static final int FREE_INCREMENT_SECONDS = 60;

    private enum State { AUTHORISED, ANSWERED, ENDED, RELEASED }

    private final CallReservations reservations;
    private final Clock clock;
    private final Duration ttl;
    private final String callId;
    private final String accountId;
    private final String destination;
    private final Rate rate;
    private final String deck;
    private final long coinCreditMicros;
    private final long initialCost;
    private final long subsequentCost;

    private State state = State.AUTHORISED;
    private long reservationId;
    private Instant answeredAt;
    private Instant paidUntil;
    private int planIncrements;
    private long planId;
    private int packageIncrements;
    private int creditIncrements;
    private int firstCreditSeconds;
    private boolean connectFeeHeld;
    /** Net price of the credit increments held (connect fee included). */
    private long creditNet;
    /** Money held: {@code finalise(creditNet)}. */
    private long creditHeld;
    private Refusal lastRefusal;
    private ChargeResult result;
    private ChargedCall record;

    private final ChargingEngine engine;

    ChargingSession(ChargingEngine engine, Clock clock, Duration ttl, String callId, String accountId,
                    String destination, Rate rate, String deck) {
        this.engine = engine;
        JournalledAccountStore accounts = engine.accounts();
        this.reservations = accounts.callReservations();
        this.clock = clock;
        this.ttl = ttl;
        this.callId = callId;
        this.accountId = accountId;
        this.destination = destination;
        this.rate = rate;
        this.deck = deck;
        this.coinCreditMicros = accounts.coinCreditMicros(accountId);
        this.initialCost = rate.costOfIncrement(rate.initialIncrementSeconds()).micros();
        this.subsequentCost = rate.costOfIncrement(rate.subsequentIncrementSeconds()).micros();
    }

    /** Holds the first increment; called once by the engine. */
    synchronized Refusal reserveFirst() {
        return reserveIncrement(clock.instant());
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

    /** The destination digits the call was authorised for. */
    public String destination() {
        return destination;
    }

    /**
     * The call was answered at {@code answeredAt}: the already reserved first increment starts. If that reservation
     * lapsed while the call rang (its TTL ran out and housekeeping handed it back), the first increment is reserved
     * again now; if that is refused the session is released and the call must be ended.
     *
     * @return the new {@link #paidUntil()}
     * @throws ChargingRefusedException if the lapsed first increment cannot be reserved again (nothing is held)
     * @throws IllegalStateException if already started, ended or released
     */
    public synchronized Instant start(Instant answeredAt) {
        Objects.requireNonNull(answeredAt, "answeredAt");
        if (state != State.AUTHORISED) {
            throw new IllegalStateException("call " + callId + ": start() in state " + state);
        }
        Instant now = clock.instant();
        if (!reservations.touch(accountId, reservationId, now.plus(firstHold()).plus(ttl))) {
            log.warn("call {}: its reservation lapsed while it rang; reserving the first increment again", callId);
            reservationId = 0;
            planIncrements = 0;
            packageIncrements = 0;
            creditIncrements = 0;
            creditNet = 0;
            creditHeld = 0;
            connectFeeHeld = false;
            Refusal refusal = reserveIncrement(now);
            if (refusal != null) {
                state = State.RELEASED;
                result = new ChargeResult(callId, 0, 0, 0, money(0), false);
                DenialReason reason = ChargingEngine.reasonFor(refusal);
                throw new ChargingRefusedException(reason, "call " + callId + " was answered after its reservation "
                        + "lapsed and cannot be held again: " + engine.explain(reason, callId, accountId, rate)
                        + "; end the call");
            }
        }
        state = State.ANSWERED;
        this.answeredAt = answeredAt;
        this.paidUntil = answeredAt.plusSeconds(heldSeconds());
        reservations.touch(accountId, reservationId, deadline());
        try {
            reservations.started(accountId, reservationId, new ChargedCall(callId, accountId, destination,
                    rate.destinationName(), deck, rate.prefix(), rate.pricePerMinute().micros(),
                    connectFeeHeld ? rate.connectFee().micros() : 0, rate.initialIncrementSeconds(),
                    rate.subsequentIncrementSeconds(), rate.tax().mode().name(), rate.tax().basisPoints(), answeredAt,
                    answeredAt, 0, 0, 0, 0, 0, 0, 0, 0, 0, rate.currency(), java.util.List.of(), false,
                    coinCreditMicros > 0));
        } catch (RuntimeException e) { // the call goes on; only a crash before its next increment is unbilled
            log.warn("call {}: could not journal its answer", callId, e);
        }
        log.debug("call {}: answered at {}, paid until {}", callId, answeredAt, paidUntil);
        return paidUntil;
    }

    /**
     * Keeps a ringing (authorised, unanswered) call's reservation from lapsing: its deadline moves to now plus the
     * first increment and the TTL. The gateway calls it while the call rings; no effect in any other state.
     */
    public synchronized void keepAlive() {
        if (state == State.AUTHORISED && reservationId != 0) {
            reservations.touch(accountId, reservationId, clock.instant().plus(firstHold()).plus(ttl));
        }
    }

    /** How long the first increment's reservation lasts before its TTL starts: as {@link #reserveIncrement}. */
    private Duration firstHold() {
        return Duration.ofSeconds(Math.max(rate.initialIncrementSeconds(), FREE_INCREMENT_SECONDS));
    }

    /** End of the last reserved (paid) increment; null before {@link #start}. */
    public synchronized Instant paidUntil() {
        return paidUntil;
    }

    /** When the call was answered; null before {@link #start}. */
    public synchronized Instant answeredAt() {
        return answeredAt;
    }

    /** Length of the next increment to reserve (60 s while plan or package minutes pay, then the rate's). */
    public synchronized Duration nextIncrement() {
        return Duration.ofSeconds(creditIncrements > 0 ? rate.subsequentIncrementSeconds() : FREE_INCREMENT_SECONDS);
    }

    /** Money this session currently holds reserved on the account. */
    public synchronized Money reserved() {
        return money(creditHeld);
    }

    /** Why the last reservation failed, or null. */
    public synchronized Refusal lastRefusal() {
        return lastRefusal;
    }

    /**
     * Reserves the next increment.
     *
     * @return true if reserved and {@link #paidUntil()} moved forward; false if it cannot be paid (credit, plan and
     *     package exhausted, spend cap reached, store unavailable) or the call is over, paidUntil unchanged
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
        long before = heldSeconds();
        Refusal refusal;
        try {
            refusal = reserveIncrement(clock.instant());
        } catch (ArithmeticException e) { // cannot happen within Rate's limits; never let it reach the caller
            log.error("call {}: the next increment cannot be priced; paid until {}", callId, paidUntil, e);
            return false;
        }
        if (refusal != null) {
            log.info("call {}: next increment refused for account {} ({}); paid until {}", callId, accountId, refusal,
                    paidUntil);
            return false;
        }
        paidUntil = paidUntil.plusSeconds(heldSeconds() - before);
        reservations.touch(accountId, reservationId, deadline());
        return true;
    }

    private Refusal reserveIncrement(Instant now) {
        boolean startsOnCredit = planIncrements == 0 && packageIncrements == 0;
        int creditSeconds = creditIncrements == 0 && startsOnCredit ? rate.initialIncrementSeconds()
                : rate.subsequentIncrementSeconds();
        long net = creditNet;
        if (creditIncrements == 0 && startsOnCredit) {
            net = Math.addExact(net, rate.connectFee().micros());
        }
        net = Math.addExact(net, creditIncrements == 0 && startsOnCredit ? initialCost : subsequentCost);
        long gross = finalise(net);
        Instant deadline = (paidUntil == null || paidUntil.isBefore(now) ? now : paidUntil)
                .plusSeconds(Math.max(creditSeconds, FREE_INCREMENT_SECONDS)).plus(ttl);
        IncrementRequest request = new IncrementRequest(destination, rate.category(), lastFunding(), gross - creditHeld,
                deadline);
        ReserveOutcome outcome = reservations.reserveIncrement(accountId, reservationId, callId, request, now);
        if (!outcome.held()) {
            lastRefusal = outcome.refusal();
            return lastRefusal;
        }
        reservationId = outcome.reservationId();
        if (outcome.funding() == Funding.PLAN) {
            planIncrements++;
            planId = outcome.planId();
        } else if (outcome.funding() == Funding.PACKAGE) {
            packageIncrements++;
        } else {
            if (creditIncrements == 0) {
                firstCreditSeconds = creditSeconds;
                connectFeeHeld = startsOnCredit;
            }
            creditIncrements++;
            creditNet = net;
            creditHeld = gross;
        }
        lastRefusal = null;
        return null;
    }

    /**
     * Settles the call: charges every started increment of [answeredAt, endedAt] (plan and package minutes first,
     * then credit, plus the connect fee if the call started on credit), at most what was reserved (then
     * {@code clamped}), and hands back the rest. Before {@link #start} this releases the reservation and returns a
     * zero charge. Idempotent: later calls return the first result and move no money.
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
        boolean clamped = durationMillis > heldSeconds() * 1000L;
        long left = durationMillis;
        int planUsed = used(left, planIncrements, FREE_INCREMENT_SECONDS);
        left -= planIncrements * FREE_INCREMENT_SECONDS * 1000L;
        int packageUsed = used(left, packageIncrements, FREE_INCREMENT_SECONDS);
        left -= packageIncrements * FREE_INCREMENT_SECONDS * 1000L;
        int firstUsed = creditIncrements > 0 ? used(left, 1, firstCreditSeconds) : 0;
        left -= creditIncrements > 0 ? firstCreditSeconds * 1000L : 0;
        int restUsed = creditIncrements > 1 ? used(left, creditIncrements - 1, rate.subsequentIncrementSeconds()) : 0;
        long net = connectFeeHeld ? rate.connectFee().micros() : 0;
        if (firstUsed > 0) {
            net = Math.addExact(net, rate.costOfIncrement(firstCreditSeconds).micros());
        }
        net = Math.addExact(net, Math.multiplyExact(subsequentCost, restUsed));
        long amount = finalise(net);
        if (amount > creditHeld) { // cannot happen: every charged increment was reserved
            throw new IllegalStateException("call " + callId + ": charge " + money(amount) + " exceeds reservation "
                    + money(creditHeld));
        }
        int increments = planUsed + packageUsed + firstUsed + restUsed;
        long billedSeconds = (long) (planUsed + packageUsed) * FREE_INCREMENT_SECONDS
                + (long) firstUsed * firstCreditSeconds + (long) restUsed * rate.subsequentIncrementSeconds();
        ChargedCall call = new ChargedCall(callId, accountId, destination, rate.destinationName(), deck, rate.prefix(),
                rate.pricePerMinute().micros(), connectFeeHeld ? rate.connectFee().micros() : 0,
                rate.initialIncrementSeconds(), rate.subsequentIncrementSeconds(), rate.tax().mode().name(),
                rate.tax().basisPoints(), answeredAt, endedAt, durationMillis, billedSeconds, planUsed, planId,
                packageUsed, firstUsed + restUsed, net, rate.tax().taxMicros(net), amount, rate.currency(),
                java.util.List.of(), clamped, coinCreditMicros > 0);
        Optional<ChargedCall> recorded = reservations.settle(accountId, reservationId, amount, planUsed, packageUsed,
                call, clock.instant());
        Money charged = money(amount);
        if (recorded.isEmpty()) {
            log.warn("call {}: its reservation expired before it ended; nothing charged", callId);
            charged = money(0);
            durationMillis = Math.max(0, durationMillis);
        } else {
            record = recorded.get();
            engine.settled(accountId, record);
        }
        if (clamped) {
            log.warn("call {}: lasted {} ms, past its paid time {}; charged only the reserved {}", callId,
                    durationMillis, paidUntil, charged);
        }
        creditHeld = 0;
        state = State.ENDED;
        result = new ChargeResult(callId, durationMillis, billedSeconds, increments, charged, clamped);
        log.debug("call {}: ended {}", callId, result);
        return result;
    }

    /**
     * The call was never answered: returns the reservation. Idempotent, and does nothing after {@link #end}.
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

    /** What the engine recorded for the call (with its lot debits), or null while open or if nothing was settled. */
    public synchronized ChargedCall record() {
        return record;
    }

    private void releaseReservation() {
        if (reservationId != 0) {
            reservations.release(accountId, reservationId, clock.instant());
        }
        log.debug("call {}: released unanswered reservation {}", callId, money(creditHeld));
        creditHeld = 0;
        state = State.RELEASED;
        result = new ChargeResult(callId, 0, 0, 0, money(0), false);
    }

    /** What paid the last held increment (they are paid plan, then package, then credit), or null before the first. */
    private Funding lastFunding() {
        if (creditIncrements > 0) {
            return Funding.CREDIT;
        }
        if (packageIncrements > 0) {
            return Funding.PACKAGE;
        }
        return planIncrements > 0 ? Funding.PLAN : null;
    }

    /** Seconds covered by the held increments. */
    private long heldSeconds() {
        long seconds = (long) (planIncrements + packageIncrements) * FREE_INCREMENT_SECONDS;
        if (creditIncrements > 0) {
            seconds += firstCreditSeconds + (long) (creditIncrements - 1) * rate.subsequentIncrementSeconds();
        }
        return seconds;
    }

    /** Increments of {@code seconds} (at most {@code count}) started within {@code leftMillis}. */
    private static int used(long leftMillis, int count, int seconds) {
        if (leftMillis <= 0 || count == 0) {
            return 0;
        }
        return (int) Math.min(count, Rounding.ceilDiv(leftMillis, seconds * 1000L));
    }

    /** Tax on top (if the rate adds it) and coin-wallet even-credit rounding: what the customer pays for a net. */
    private long finalise(long net) {
        long gross = rate.tax().grossMicros(net);
        return coinCreditMicros > 0 ? Rounding.evenCredits(gross, coinCreditMicros) : gross;
    }

    private Instant deadline() {
        Instant now = clock.instant();
        Instant base = paidUntil == null || paidUntil.isBefore(now) ? now : paidUntil;
        return base.plus(ttl);
    }

    private Money money(long micros) {
        return new Money(micros, rate.currency());
    }
}
