package dev.softswitch.gateway.b2bua;

import dev.softswitch.charging.cdr.CallRecord;
import dev.softswitch.charging.cdr.CallRecordWriter;
import dev.softswitch.charging.cdr.MediaQuality;
import dev.softswitch.charging.journal.DeferredDurability;
import dev.softswitch.charging.journal.JournalUnavailableException;
import dev.softswitch.charging.session.Authorisation;
import dev.softswitch.charging.session.ChargeResult;
import dev.softswitch.charging.session.ChargingEngine;
import dev.softswitch.charging.session.ChargingRefusedException;
import dev.softswitch.charging.session.ChargingSession;
import dev.softswitch.charging.session.DenialReason;
import dev.softswitch.gateway.metrics.GatewayMetrics;
import dev.softswitch.gateway.time.Timeout;
import dev.softswitch.gateway.time.TimerService;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One call's money: authorisation of the first increment (CHG-6), the next increment reserved a
 * little before the paid one runs out, the hang-up at the end of the last paid increment (CHG-3),
 * and settlement with the call record (CHG-8). The only user of {@link ChargingSession}. Every charging
 * step runs on the desk's step executor, in the order the call asked for them: with an embedded store
 * that is the SIP core thread itself when the step is asked for there and the call's earlier steps are
 * done (a step never waits for the journal's fsync: it owes it, see {@link #step}), and the charging
 * executor otherwise; with a shared store, whose steps wait on the network, always the charging
 * executor. What may block (retries, call records written to their file) runs on the charging
 * executor. Results come back to the SIP core through its timer service, after what the step
 * journalled is durable; the methods here are called on the SIP core thread.
 */
final class CallCharging {

    private static final Logger log = LoggerFactory.getLogger(CallCharging.class);
    private static final Duration MAX_RESERVE_LEAD = Duration.ofSeconds(1);
    /** 1, 2, 4, 8, 16, then every 30 s: about ten minutes in all. */
    private static final int SETTLE_ATTEMPTS = 25;
    /** How often a ringing call's reservation is kept from lapsing (well inside the engine's TTL). */
    private static final Duration KEEP_ALIVE_EVERY = Duration.ofSeconds(60);
    /** The acknowledgements of the step running on this executor thread (see {@link #step}). */
    private static final ThreadLocal<List<Runnable>> ACKS = new ThreadLocal<>();

    /**
     * The charging side of the gateway, shared by every call: {@code executor} may block, {@code steps} runs charging
     * steps (see the class comment).
     */
    record Desk(ChargingEngine engine, Executor executor, Executor steps, TimerService timers,
                CallRecordWriter records, GatewayMetrics metrics) {

        CallCharging open(String callId) {
            return new CallCharging(this, callId);
        }
    }

    private final Desk desk;
    private final String callId;
    /** The last step asked for; the next one runs after it (per-call order on a shared pool). */
    private CompletableFuture<Void> steps = CompletableFuture.completedFuture(null);
    /** Handed over by the executor; only ever used inside executor steps. */
    private ChargingSession session;
    private boolean settled;
    private Timeout reserveTimer;
    static final String CREDIT_EXHAUSTED = "credit_exhausted";
    private Timeout teardownTimer;
    private Timeout keepAliveTimer;
    private boolean answered;

    private CallCharging(Desk desk, String callId) {
        this.desk = desk;
        this.callId = callId;
    }

    /** Reserves the first increment for {@code account} calling {@code digits}; exactly one of the callbacks runs, unless the call settles first. */
    void authorise(String account, String digits, Runnable onGranted, Consumer<Refusal> onDenied) {
        step(() -> {
            Authorisation auth;
            try {
                auth = desk.engine().authorise(callId, account, digits);
            } catch (RuntimeException e) {
                log.error("call {}: charging failed to authorise", callId, e);
                auth = new Authorisation.Denied(DenialReason.STORE_UNAVAILABLE, "Charging Unavailable");
            }
            Authorisation answer = auth;
            onCore(() -> {
                if (answer instanceof Authorisation.Granted granted) {
                    if (settled) {
                        // The call ended while charging was deciding: give the reservation back.
                        step(() -> release(granted.session()));
                    } else {
                        session = granted.session();
                        keepAliveWhileRinging();
                        onGranted.run();
                    }
                } else if (!settled) {
                    onDenied.accept(Refusal.of((Authorisation.Denied) answer));
                }
            });
        });
    }

    /**
     * The call was answered at {@code answeredAt}: charging starts; {@code onEnd} runs with the disconnect cause at
     * the end of the last paid increment ({@link #endCause}), or at once if charging refuses the call (its
     * reservation lapsed while it rang and cannot be held again).
     */
    void start(Instant answeredAt, Consumer<String> onEnd) {
        answered = true;
        cancel(keepAliveTimer);
        ChargingSession s = session;
        step(() -> {
            try {
                Instant paidUntil = s.start(answeredAt);
                Duration next = s.nextIncrement();
                log.debug("call {}: answered, paid until {}", callId, paidUntil);
                onCore(() -> scheduleReservation(paidUntil, next, onEnd));
            } catch (ChargingRefusedException e) {
                log.warn("call {}: charging refused the answered call; ending it: {}", callId, e.getMessage());
                String cause = "charging_refused_" + e.reason().name().toLowerCase(java.util.Locale.ROOT);
                onCore(() -> {
                    if (!settled) {
                        onEnd.accept(cause);
                    }
                });
            } catch (RuntimeException e) {
                log.error("call {}: charging could not start; ending the call", callId, e);
                onCore(() -> exhausted(answeredAt, CREDIT_EXHAUSTED, onEnd));
            }
        });
    }

    /** Keeps the reservation of a ringing call alive, so that it neither lapses nor pays for another call. */
    private void keepAliveWhileRinging() {
        keepAliveTimer = desk.timers().schedule(KEEP_ALIVE_EVERY, () -> {
            if (settled || answered) {
                return;
            }
            ChargingSession s = session;
            step(s::keepAlive);
            keepAliveWhileRinging();
        });
    }

    private void scheduleReservation(Instant paidUntil, Duration increment, Consumer<String> onEnd) {
        if (settled) {
            return;
        }
        Duration half = increment.dividedBy(2);
        Duration lead = half.compareTo(MAX_RESERVE_LEAD) < 0 ? half : MAX_RESERVE_LEAD;
        reserveTimer = desk.timers().scheduleAt(paidUntil.minus(lead), () -> reserveNext(onEnd));
    }

    private void reserveNext(Consumer<String> onEnd) {
        if (settled) {
            return;
        }
        ChargingSession s = session;
        step(() -> {
            boolean reserved;
            try {
                reserved = s.reserveNext();
            } catch (RuntimeException e) {
                log.error("call {}: charging failed to reserve the next increment", callId, e);
                reserved = false;
            }
            boolean granted = reserved;
            Instant paidUntil = s.paidUntil();
            Duration next = s.nextIncrement();
            String cause = granted ? null : endCause(s.lastRefusal());
            onCore(() -> {
                if (granted) {
                    scheduleReservation(paidUntil, next, onEnd);
                } else {
                    exhausted(paidUntil, cause, onEnd);
                }
            });
        });
    }

    private void exhausted(Instant paidUntil, String cause, Consumer<String> onEnd) {
        if (settled) {
            return;
        }
        log.info("call {}: no further increment ({}), hanging up at {}", callId, cause, paidUntil);
        teardownTimer = desk.timers().scheduleAt(paidUntil, () -> onEnd.accept(cause));
    }

    /**
     * Why an answered call ends at the end of its paid time, for its record and metrics (CHG-8, CHG-9): the monthly
     * international cap, the charging store unreachable, the account suspended meanwhile; else its credit (and plan
     * and package minutes) ran out.
     */
    static String endCause(dev.softswitch.charging.account.Refusal refusal) {
        if (refusal == null) {
            return CREDIT_EXHAUSTED;
        }
        return switch (refusal) {
            case SPEND_CAP_REACHED -> "spend_cap_reached";
            case STORE_UNAVAILABLE -> "charging_unavailable";
            case ACCOUNT_SUSPENDED -> "account_suspended";
            default -> CREDIT_EXHAUSTED;
        };
    }

    /**
     * The call ended: its charging stops, the session is debited (answered) or released, and the call
     * record is written once the money has moved and the relay has measured the media.
     */
    void settle(CallRecordSnapshot snapshot, CompletableFuture<MediaQuality> media) {
        if (settled) {
            return;
        }
        settled = true;
        cancel(keepAliveTimer);
        cancel(reserveTimer);
        cancel(teardownTimer);
        ChargingSession s = session;
        CompletableFuture<MediaQuality> measured = media.exceptionally(e -> null);
        steps = steps.handle((done, failed) -> null).thenCombine(measured, (done, quality) -> quality)
                .thenComposeAsync(quality -> settleAndWrite(s, snapshot.withQuality(quality)), desk.steps());
    }

    /**
     * Step executor: settles the call without waiting for the journal's fsync there, and writes its record once the
     * settlement is durable (on the charging executor); if the journal fails first, settles again as below (there).
     */
    private CompletableFuture<Void> settleAndWrite(ChargingSession s, CallRecordSnapshot snapshot) {
        CallRecord[] record = new CallRecord[1];
        DeferredDurability owed;
        try {
            owed = DeferredDurability.run(() -> record[0] = settle(s, snapshot));
        } catch (JournalUnavailableException e) {
            desk.executor().execute(() -> settleAndWrite(s, snapshot, 1));
            return CompletableFuture.completedFuture(null);
        }
        return owed.whenDurable().handleAsync((durable, failed) -> {
            if (failed == null) {
                write(record[0]);
            } else {
                log.error("call {}: the journal failed before the settlement was durable; settling again", callId,
                        failed);
                settleAndWrite(s, snapshot, 1);
            }
            return null;
        }, desk.executor());
    }

    /**
     * Charging executor: settles the call and writes its record; while the charging store cannot be reached (a
     * shared store, SCL-1) tries again later, backing off, for up to about ten minutes: the reservation stays
     * meanwhile, and a settlement the store took before its answer was lost is found, not charged twice.
     */
    private void settleAndWrite(ChargingSession s, CallRecordSnapshot snapshot, int attempt) {
        CallRecord record;
        try {
            record = settle(s, snapshot);
        } catch (JournalUnavailableException e) {
            if (attempt < SETTLE_ATTEMPTS) {
                Duration wait = Duration.ofSeconds(Math.min(30, 1L << Math.min(attempt - 1, 5)));
                log.warn("call {}: charging store unavailable; settling again in {} s (attempt {}): {}", callId,
                        wait.toSeconds(), attempt, e.getMessage());
                desk.timers().schedule(wait, () -> desk.executor().execute(
                        () -> settleAndWrite(s, snapshot, attempt + 1)));
                return;
            }
            log.error("call {}: charging could not settle the call in {} attempts; its reservation's TTL returns it",
                    callId, attempt, e);
            record = snapshot.uncharged(s.rate().currency());
        }
        write(record);
    }

    /** Step or charging executor. */
    private CallRecord settle(ChargingSession s, CallRecordSnapshot snapshot) {
        if (s == null) {
            return snapshot.uncharged(null);
        }
        String currency = s.rate().currency();
        try {
            if (snapshot.answer() != null) {
                ChargeResult result = s.end(snapshot.end());
                desk.metrics().charged(result.amount().currency(), result.amount().micros());
                return snapshot.charged(result.billedSeconds(), result.amount(), s.record(), currency);
            }
            s.release();
        } catch (JournalUnavailableException e) {
            if (snapshot.answer() != null) {
                throw e; // settled again later
            }
            log.error("call {}: charging could not release the reservation; its TTL returns it: {}", callId,
                    e.getMessage());
        } catch (RuntimeException e) {
            // The journal failed: the engine keeps the reservation, and its TTL returns it.
            log.error("call {}: charging could not settle the call", callId, e);
        }
        return snapshot.uncharged(currency);
    }

    private void write(CallRecord record) {
        try {
            desk.records().write(record);
        } catch (RuntimeException e) {
            log.error("call {}: call record not written", callId, e);
        }
    }

    private void release(ChargingSession s) {
        try {
            s.release();
        } catch (RuntimeException e) {
            log.error("call {}: charging could not release the reservation", callId, e);
        }
    }

    /**
     * Runs {@code task} on the step executor after this call's earlier steps, which include the durability of what
     * they journalled. The task does not wait for the journal's fsync: what it hands to {@link #onCore} runs once
     * everything it journalled is durable (so the thread goes on to other calls, and one fsync covers the changes of
     * many). Should the journal fail before that, the task runs again on the charging executor, waiting this time,
     * and answers as it does when the journal has failed (the charging unavailable, the call refused or ended) —
     * never acknowledging what is not durable.
     */
    private void step(Runnable task) {
        steps = steps.handle((done, failed) -> null).thenComposeAsync(ignored -> {
            List<Runnable> acks = new ArrayList<>();
            DeferredDurability owed;
            ACKS.set(acks);
            try {
                owed = DeferredDurability.run(() -> guarded(task));
            } finally {
                ACKS.remove();
            }
            return owed.whenDurable().handle((durable, failed) -> {
                if (failed == null) {
                    acks.forEach(this::toCore);
                    return CompletableFuture.<Void>completedFuture(null);
                }
                log.error("call {}: the journal failed before a charging step was durable; running it again",
                        callId, failed);
                return CompletableFuture.runAsync(() -> guarded(task), desk.executor());
            }).thenCompose(again -> again);
        }, desk.steps());
    }

    private void guarded(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            log.error("call {}: charging step failed", callId, e);
        }
    }

    /**
     * Runs {@code task} on the SIP core thread, where all call state lives: inside a {@link #step}, once what the
     * step journalled is durable; elsewhere at once.
     */
    private void onCore(Runnable task) {
        List<Runnable> acks = ACKS.get();
        if (acks != null) {
            acks.add(task);
        } else {
            toCore(task);
        }
    }

    private void toCore(Runnable task) {
        desk.timers().schedule(Duration.ZERO, task);
    }

    private static void cancel(Timeout t) {
        if (t != null) {
            t.cancel();
        }
    }
}
