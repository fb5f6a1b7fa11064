package dev.softswitch.charging.account;

import dev.softswitch.charging.cdr.ChargedCall;
import dev.softswitch.charging.event.JournalEvent.CallStarted;
import dev.softswitch.charging.event.JournalEvent.Released;
import dev.softswitch.charging.event.JournalEvent.Settled;
import dev.softswitch.charging.journal.ConcurrentChangeException;
import dev.softswitch.charging.journal.JournalUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentMap;

/**
 * What calls hold on their accounts (CHG-6): each call's next increment reserved as {@link FundingPolicy} decides,
 * kept alive by {@link #touch} while the call lasts, then settled or handed back. Used by the charging sessions.
 */
public final class CallReservations {

    private static final Logger log = LoggerFactory.getLogger(CallReservations.class);

    /** How often a change refused because another node changed the account meanwhile is decided again. */
    private static final int ATTEMPTS = 8;

    private final JournalledAccountStore store;
    /**
     * How long a settled call's id stays claimed: well past the 32 s in which SIP may still retransmit or fork
     * its INVITE (64 x T1), so that a duplicate is refused, yet bounded, so that the claims of millions of calls
     * a day do not pile up in memory (issue 14). A live call's id stays claimed until it settles.
     */
    public static final Duration SETTLED_CLAIM_WINDOW = Duration.ofMinutes(2);

    /** Call id to account of every live call and of calls settled within {@link #SETTLED_CLAIM_WINDOW}. */
    private final ConcurrentMap<String, String> callOwners = new ConcurrentHashMap<>();
    /** The claims of settled calls, oldest first, for expiry. */
    private final ConcurrentLinkedQueue<SettledClaim> settledClaims = new ConcurrentLinkedQueue<>();

    private record SettledClaim(String callId, String accountId, Instant settledAt) {
    }

    CallReservations(JournalledAccountStore store) {
        this.store = store;
    }

    /** Takes call id {@code callId} for {@code accountId}; false if a live or recently settled call has it. */
    boolean claimCall(String callId, String accountId) {
        expireSettledClaims(store.clock().instant());
        return callOwners.putIfAbsent(callId, accountId) == null;
    }

    /** How many call ids are claimed (live calls and calls settled within the window). */
    public int claimedCallIds() {
        return callOwners.size();
    }

    private void keepSettledClaim(String callId, String accountId, Instant settledAt) {
        settledClaims.add(new SettledClaim(callId, accountId, settledAt));
    }

    private void expireSettledClaims(Instant now) {
        Instant horizon = now.minus(SETTLED_CLAIM_WINDOW);
        for (SettledClaim c = settledClaims.peek(); c != null && c.settledAt().isBefore(horizon);
             c = settledClaims.peek()) {
            if (settledClaims.remove(c)) {
                callOwners.remove(c.callId(), c.accountId());
            }
        }
    }

    /** Gives up the claim on a call id whose reservation was handed back unsettled. */
    void unclaimCall(String callId, String accountId) {
        callOwners.remove(callId, accountId);
    }

    /** Claims the call ids of a recovered account's open reservations and settled calls. */
    void claimCallsOf(AccountState s) {
        for (Reservation res : s.reservations.values()) {
            if (res.id != ManualReservations.RESERVATION_ID) {
                callOwners.putIfAbsent(res.callId, s.id);
            }
        }
        Instant horizon = store.clock().instant().minus(SETTLED_CLAIM_WINDOW);
        for (ChargedCall c : s.usage) {
            if (c.endedAt() != null && !c.endedAt().isBefore(horizon)
                    && callOwners.putIfAbsent(c.callId(), s.id) == null) {
                keepSettledClaim(c.callId(), s.id, c.endedAt());
            }
        }
    }

    /**
     * Holds the next increment of a call atomically against credit, plan minutes, package minutes and the spend
     * cap, paid as {@link FundingPolicy} decides.
     *
     * @param reservationId 0 to start a new reservation for {@code callId}
     */
    public ReserveOutcome reserveIncrement(String accountId, long reservationId, String callId, IncrementRequest req,
                                           Instant now) {
        AccountState s;
        try {
            s = store.state(accountId);
        } catch (JournalUnavailableException e) { // a shared store that cannot be reached
            log.warn("account {}: charging store unavailable, refusing call {}: {}", accountId, callId, e.getMessage());
            return ReserveOutcome.refused(Refusal.STORE_UNAVAILABLE);
        }
        long seq;
        ReserveOutcome outcome;
        boolean claimed = false;
        if (reservationId == 0) {
            if (!store.journal().available()) {
                // Failed closed (or closing): refused before the call is claimed, also when a step whose journal
                // failed before it was durable runs again (the gateway's charging steps).
                log.warn("account {}: journal unavailable, refusing call {}", accountId, callId);
                return ReserveOutcome.refused(Refusal.STORE_UNAVAILABLE);
            }
            if (!claimCall(callId, accountId)) {
                log.info("account {}: call id {} was already authorised; refused", accountId, callId);
                return ReserveOutcome.refused(Refusal.DUPLICATE_CALL);
            }
            claimed = true;
        }
        try {
            for (int attempt = 1; ; attempt++) {
                try {
                    synchronized (s) {
                        seq = store.emitAll(s, s.forfeits(now));
                        Reservation res = null;
                        if (reservationId != 0) {
                            res = s.reservations.get(reservationId);
                            if (res == null) {
                                return ReserveOutcome.refused(Refusal.UNKNOWN_RESERVATION);
                            }
                        } else if (s.operated.profile.suspension() != null
                                || s.operated.fairUse.accountSuspendedAt(now)) {
                            if (claimed) {
                                unclaimCall(callId, accountId);
                            }
                            return ReserveOutcome.refused(Refusal.ACCOUNT_SUSPENDED);
                        } else if (store.shared() && heldElsewhere(s, callId, now)) {
                            log.info("account {}: call id {} was already authorised on another node; refused",
                                    accountId, callId);
                            return ReserveOutcome.refused(Refusal.DUPLICATE_CALL); // not our claim: keep it
                        }
                        long id = res == null ? s.nextReservationId : reservationId;
                        FundingPolicy.Decision decision = FundingPolicy.decide(s, id, callId, req, now);
                        if (decision.event() == null) {
                            if (claimed) {
                                unclaimCall(callId, accountId);
                            }
                            return decision.outcome();
                        }
                        outcome = decision.outcome();
                        seq = Math.max(seq, store.emit(s, decision.event()));
                        s.reservations.get(id).deadline = req.deadline();
                        claimed = false; // held: the claim stays with the reservation
                    }
                    break;
                } catch (ConcurrentChangeException e) {
                    if (attempt == ATTEMPTS) {
                        throw e;
                    }
                    s = store.refresh(s); // another node changed the account: decide again on what it is now
                }
            }
            store.journal().awaitDurable(seq);
        } catch (JournalUnavailableException e) {
            if (claimed) {
                unclaimCall(callId, accountId);
            }
            log.error("account {}: journal unavailable, refusing call {}", accountId, callId, e);
            return ReserveOutcome.refused(Refusal.STORE_UNAVAILABLE);
        } catch (RuntimeException e) {
            if (claimed) {
                unclaimCall(callId, accountId);
            }
            throw e;
        }
        return outcome;
    }

    /**
     * Whether a call with {@code callId} holds a reservation on the account or settled within
     * {@link #SETTLED_CLAIM_WINDOW}: with a shared journal the call may have been authorised on another node, whose
     * claim this node's {@code callOwners} cannot see (a call ended within the window counts). The caller holds {@code s}'s monitor.
     */
    private static boolean heldElsewhere(AccountState s, String callId, Instant now) {
        for (Reservation r : s.reservations.values()) {
            if (callId.equals(r.callId)) {
                return true;
            }
        }
        return AccountViews.settledCall(s, callId, now.minus(SETTLED_CLAIM_WINDOW)) != null;
    }

    /** How many calls hold a reservation on the account now (ringing or talking). */
    public int open(String accountId) {
        AccountState s = store.state(accountId);
        synchronized (s) {
            return s.reservations.size();
        }
    }

    /**
     * Moves a live reservation's expiry to {@code deadline} (in memory only; recovery grants a fresh TTL).
     *
     * @return false if the reservation is gone (it expired and was handed back, or was settled)
     */
    public boolean touch(String accountId, long reservationId, Instant deadline) {
        AccountState s = store.state(accountId);
        synchronized (s) {
            Reservation res = s.reservations.get(reservationId);
            if (res != null) {
                res.deadline = deadline;
            }
            return res != null;
        }
    }

    /**
     * Journals that the call holding {@code reservationId} was answered ({@code call}: what is known of it now), so
     * that recovery after a crash knows its first increment began. Not awaited: the next durable change of the
     * account makes it durable; if a crash loses it the call is handed back unbilled.
     */
    public void started(String accountId, long reservationId, ChargedCall call) {
        decidedAgainOnConflict(store.state(accountId), s -> {
            synchronized (s) {
                if (s.reservations.containsKey(reservationId)) {
                    CallStarted started = new CallStarted(accountId, call.answeredAt(), reservationId, call);
                    if (store.sharedAccounts() != null) {
                        store.sharedAccounts().defer(s, started);
                    } else {
                        store.emit(s, started);
                    }
                }
            }
            return null;
        });
    }

    /**
     * Settles a call's reservation: debits {@code creditMicros} from the lots it holds (earliest expiry first),
     * uses {@code planMinutes} and {@code packageMinutes}, counts the credit against the cap if its reservation
     * held cap room (an international call on a capped account), records
     * {@code call} in the usage history and hands back everything else.
     *
     * @return the call as recorded (with its lot debits), or empty if the reservation is gone (it expired)
     */
    public Optional<ChargedCall> settle(String accountId, long reservationId, long creditMicros, int planMinutes,
                                        int packageMinutes, ChargedCall call, Instant now) {
        return decidedAgainOnConflict(store.state(accountId),
                s -> settleOnce(s, reservationId, creditMicros, planMinutes, packageMinutes, call, now));
    }

    /**
     * Runs {@code change} on {@code s}; when another node changed the account meanwhile (the append was refused and
     * {@code s} brought up to date), decides it again, up to {@link #ATTEMPTS} times.
     */
    private <T> T decidedAgainOnConflict(AccountState s, java.util.function.Function<AccountState, T> change) {
        for (int attempt = 1; ; attempt++) {
            try {
                return change.apply(s);
            } catch (ConcurrentChangeException e) {
                if (attempt == ATTEMPTS) {
                    throw e;
                }
                s = store.refresh(s);
            }
        }
    }

    private Optional<ChargedCall> settleOnce(AccountState s, long reservationId, long creditMicros, int planMinutes,
                                             int packageMinutes, ChargedCall call, Instant now) {
        String accountId = s.id;
        long seq;
        ChargedCall recorded;
        String claimed;
        synchronized (s) {
            Reservation res = s.reservations.get(reservationId);
            if (res == null) {
                // Settled already? A settlement whose acknowledgement was lost (the shared store timed out after
                // taking it) is found in the history: the same call, ended at the same instant. Settled by
                // anyone else (a survivor settling a lapsed node's calls), or expired: nothing for us.
                ChargedCall done = call == null ? null : AccountViews.settledCall(s, call.callId(), Instant.MIN);
                return done != null && done.endedAt().equals(call.endedAt()) ? Optional.of(done) : Optional.empty();
            }
            claimed = res.id != ManualReservations.RESERVATION_ID ? res.callId : null;
            long cap = Math.min(creditMicros, res.capMicros); // 0 unless the call's credit counts against a cap
            if (planMinutes > res.planMinutes || packageMinutes > res.packageMinutes) {
                throw new IllegalStateException("account '" + accountId + "': settlement exceeds reservation "
                        + reservationId);
            }
            long[] debits = s.debitsFrom(res, creditMicros);
            List<ChargedCall.LotDebit> list = new ArrayList<>(debits.length / 2);
            for (int i = 0; i < debits.length; i += 2) {
                list.add(new ChargedCall.LotDebit(debits[i], debits[i + 1]));
            }
            long[] plans = res.planUses(planMinutes);
            List<ChargedCall.PlanUse> uses = new ArrayList<>(plans.length / 2);
            for (int i = 0; i < plans.length; i += 2) {
                uses.add(new ChargedCall.PlanUse(plans[i], (int) plans[i + 1]));
            }
            recorded = call == null ? null : call.withLotDebits(list).withPlanUses(uses);
            seq = store.emit(s, new Settled(accountId, now, reservationId, debits, new long[0], true, planMinutes,
                    packageMinutes, cap, s.cycleOf(now), recorded));
            seq = Math.max(seq, store.emitAll(s, s.forfeits(now)));
        }
        store.journal().awaitDurable(seq);
        if (claimed != null) {
            keepSettledClaim(claimed, accountId, now);
        }
        return Optional.ofNullable(recorded);
    }

    /** Hands a call's whole reservation back; false if it was already gone. */
    public boolean release(String accountId, long reservationId, Instant now) {
        return decidedAgainOnConflict(store.state(accountId), s -> releaseOnce(s, reservationId, now));
    }

    private boolean releaseOnce(AccountState s, long reservationId, Instant now) {
        String accountId = s.id;
        long seq;
        synchronized (s) {
            Reservation res = s.reservations.get(reservationId);
            if (res == null) {
                return false;
            }
            seq = store.emit(s, new Released(accountId, now, reservationId, false));
            unclaimCall(res.callId, accountId);
            seq = Math.max(seq, store.emitAll(s, s.forfeits(now)));
        }
        store.journal().awaitDurable(seq);
        return true;
    }
}
