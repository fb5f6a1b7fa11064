package dev.softswitch.charging.session;

import dev.softswitch.charging.account.Account;
import dev.softswitch.charging.account.AccountHousekeeping;
import dev.softswitch.charging.account.JournalledAccountStore;
import dev.softswitch.charging.account.Refusal;
import dev.softswitch.charging.cdr.Adjustment;
import dev.softswitch.charging.cdr.CallExplanation;
import dev.softswitch.charging.cdr.ChargedCall;
import dev.softswitch.charging.tariff.Rate;
import dev.softswitch.charging.tariff.RateSchedule;
import dev.softswitch.charging.tariff.RateTable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Authorises calls before they are routed (CHG-6): finds the destination's rate by longest prefix in the deck in
 * effect now (CHG-2), holds the first increment (plan minute, package minute or credit with its connect fee) and
 * hands back a {@link ChargingSession} for the call. Decks can be replaced at once with {@link #reloadRates} or
 * scheduled with {@link #scheduleRates}; running sessions keep their rate.
 */
public final class ChargingEngine {

    private static final Logger log = LoggerFactory.getLogger(ChargingEngine.class);
    /** How long a reservation outlives its paid time before it counts as abandoned and is handed back. */
    public static final Duration DEFAULT_RESERVATION_TTL = Duration.ofMinutes(2);
    /** How far back usage history goes by default (ACC-1). */
    public static final Duration DEFAULT_HISTORY_PERIOD = Duration.ofDays(180);

    private final JournalledAccountStore accounts;
    private final AtomicReference<RateSchedule> schedule;
    private final Clock clock;
    private final Duration reservationTtl;
    private volatile Duration historyPeriod = DEFAULT_HISTORY_PERIOD;

    public ChargingEngine(JournalledAccountStore accounts, RateTable rates) {
        this(accounts, RateSchedule.of(rates), accounts.clock(), DEFAULT_RESERVATION_TTL);
    }

    /**
     * @param reservationTtl how long past its paid time (or past authorisation, before answer) a reservation lives
     *                       without being touched before {@link #expireReservations} hands it back
     */
    public ChargingEngine(JournalledAccountStore accounts, RateSchedule schedule, Clock clock, Duration reservationTtl) {
        this.accounts = Objects.requireNonNull(accounts, "accounts");
        this.schedule = new AtomicReference<>(Objects.requireNonNull(schedule, "schedule"));
        this.clock = Objects.requireNonNull(clock, "clock");
        this.reservationTtl = Objects.requireNonNull(reservationTtl, "reservationTtl");
    }

    /** Replaces the rate table for calls authorised from now on (OPS-3 reload); scheduled later decks stay. */
    public void reloadRates(RateTable newRates) {
        Objects.requireNonNull(newRates, "newRates");
        Instant now = clock.instant();
        schedule.updateAndGet(s -> {
            RateSchedule kept = RateSchedule.of(newRates);
            for (RateSchedule.Entry e : s.entries()) {
                if (e.effectiveFrom().isAfter(now)) {
                    kept = kept.withDeck(e.effectiveFrom(), e.deck());
                }
            }
            return kept;
        });
        log.info("rate table {} reloaded: {} rates", newRates.name(), newRates.size());
    }

    /** Makes {@code deck} the deck for calls authorised from {@code effectiveFrom} on (CHG-2 rate changes). */
    public void scheduleRates(RateTable deck, Instant effectiveFrom) {
        schedule.updateAndGet(s -> s.withDeck(effectiveFrom, deck));
        log.info("rate deck {} scheduled from {}: {} rates", deck.name(), effectiveFrom, deck.size());
    }

    /** The rate table new calls are charged by now. */
    public RateTable rates() {
        return schedule.get().deckAt(clock.instant());
    }

    public JournalledAccountStore accounts() {
        return accounts;
    }

    public Clock clock() {
        return clock;
    }

    /**
     * Decides whether a call may be routed.
     *
     * @param destinationDigits the called number in E.164 form without '+'
     */
    public Authorisation authorise(String callId, String accountId, String destinationDigits) {
        Objects.requireNonNull(callId, "callId");
        Objects.requireNonNull(accountId, "accountId");
        Objects.requireNonNull(destinationDigits, "destinationDigits");
        Optional<Account> account = accounts.account(accountId);
        if (account.isEmpty()) {
            return deny(callId, DenialReason.UNKNOWN_ACCOUNT, "unknown account '" + accountId + "'");
        }
        String suspension = accounts.administration().profile(accountId).suspension();
        if (suspension != null) {
            return deny(callId, DenialReason.ACCOUNT_SUSPENDED, suspension);
        }
        if (destinationDigits.isEmpty() || !destinationDigits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return deny(callId, DenialReason.NO_RATE,
                    "destination '" + destinationDigits + "' is not an E.164 number of digits without '+'");
        }
        RateTable deck = schedule.get().deckAt(clock.instant());
        Optional<Rate> found = deck.lookup(destinationDigits);
        if (found.isEmpty()) {
            return deny(callId, DenialReason.NO_RATE, "no rate for destination " + destinationDigits);
        }
        Rate rate = found.get();
        String currency = account.get().currency();
        if (!rate.currency().equals(currency)) {
            return deny(callId, DenialReason.CURRENCY_MISMATCH, "rate '" + rate.prefix() + "' (" + rate.destinationName()
                    + ") charges in " + rate.currency() + " but account '" + accountId + "' holds " + currency);
        }
        ChargingSession session = new ChargingSession(accounts, clock, reservationTtl, callId, accountId,
                destinationDigits, rate, deck.name());
        Refusal refusal = session.reserveFirst();
        if (refusal != null) {
            return switch (refusal) {
                case SPEND_CAP_REACHED -> deny(callId, DenialReason.SPEND_CAP_REACHED, "account '" + accountId
                        + "' reached its monthly international spending cap");
                case STORE_UNAVAILABLE -> deny(callId, DenialReason.STORE_UNAVAILABLE,
                        "charging store unavailable; refusing to charge without a durable record");
                default -> deny(callId, DenialReason.INSUFFICIENT_CREDIT, "account '" + accountId + "' has "
                        + accounts.available(accountId) + " available; the call to " + rate.destinationName()
                        + " needs its connect fee and first " + rate.initialIncrementSeconds() + " s ("
                        + rate.firstReservation() + " before tax)");
            };
        }
        log.debug("call {}: authorised for account {} at rate '{}' of deck {}", callId, accountId, rate.prefix(),
                deck.name());
        return new Authorisation.Granted(session);
    }

    /** Hands back abandoned reservations, forfeits expired credit, expires plans: {@link AccountHousekeeping#expire}. */
    public int expireReservations() {
        return accounts.housekeeping().expire(clock.instant());
    }

    /** Sets how far back {@link #usageHistory} goes. */
    public void historyPeriod(Duration period) {
        this.historyPeriod = Objects.requireNonNull(period, "period");
    }

    /** Calls of the account that ended within the history period before now (ACC-1). */
    public List<ChargedCall> usageHistory(String accountId) {
        Instant now = clock.instant();
        return accounts.usage(accountId, now.minus(historyPeriod), now.plusNanos(1));
    }

    /**
     * A human-readable breakdown of why call {@code callId} cost what it cost: deck and rate, increments, plan and
     * package minutes, tax, lots debited, adjustments.
     */
    public Optional<String> explain(String accountId, String callId) {
        Optional<ChargedCall> call = accounts.call(accountId, callId);
        if (call.isEmpty()) {
            return Optional.empty();
        }
        List<Adjustment> adjustments = accounts.adjustments(accountId, callId);
        return Optional.of(CallExplanation.explain(call.get(), adjustments));
    }

    private static Authorisation deny(String callId, DenialReason reason, String message) {
        log.info("call {}: denied {}: {}", callId, reason, message);
        return new Authorisation.Denied(reason, message);
    }
}
