package dev.softswitch.charging.event;

import dev.softswitch.charging.cdr.ChargedCall;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One durable fact about one account (CHG-7). Events record decisions already taken (which lots were debited,
 * how many plan minutes), so replaying them reproduces the state exactly without deciding anything again.
 * Lot arrays hold pairs (lot id, micros). Each event hands itself to the {@link Applier} method for its type.
 */
public sealed interface JournalEvent {

    String accountId();

    Instant at();

    /** Calls {@code applier}'s method for this event's type. */
    void applyTo(Applier applier);

    /** Something events change, with one method per event type. */
    interface Applier {
        void apply(AccountOpened e);

        void apply(LotPurchased e);

        void apply(LotForfeited e);

        void apply(Reserved e);

        void apply(Settled e);

        void apply(Released e);

        void apply(PlanPurchased e);

        void apply(PlanExpired e);

        void apply(PackageSubscribed e);

        void apply(Adjusted e);

        void apply(Refunded e);

        /** The admin API's events (OPS-2): profile, suspension, deletion, audit. */
        void apply(OperatorEvent e);

        void apply(CallStarted e);
    }

    /**
     * An account was opened. {@code capMicros} -1 means no cap; {@code coinCreditMicros} 0 means not a coin wallet;
     * {@code product} names the product it belongs to ({@code ""}: the engine's default product).
     */
    record AccountOpened(String accountId, Instant at, String currency, String zone, String homePrefix, long capMicros,
                         long coinCreditMicros, String product) implements JournalEvent {

        /** An account outside any named product (journals written before products existed). */
        public AccountOpened(String accountId, Instant at, String currency, String zone, String homePrefix,
                             long capMicros, long coinCreditMicros) {
            this(accountId, at, currency, zone, homePrefix, capMicros, coinCreditMicros, "");
        }

        @Override
        public void applyTo(Applier applier) {
            applier.apply(this);
        }
    }

    /** Credit was bought: a new lot. {@code expiresAt} is {@link Instant#MAX} for credit that never expires. */
    record LotPurchased(String accountId, Instant at, long lotId, long micros, Instant expiresAt, String channel)
            implements JournalEvent {
        @Override
        public void applyTo(Applier applier) {
            applier.apply(this);
        }
    }

    /** The unreserved rest of an expired lot was forfeited (CHG-3). */
    record LotForfeited(String accountId, Instant at, long lotId, long micros) implements JournalEvent {
        @Override
        public void applyTo(Applier applier) {
            applier.apply(this);
        }
    }

    /** Money, plan minutes, package minutes and cap room held for a call (a new reservation or a further increment). */
    record Reserved(String accountId, Instant at, long reservationId, String callId, long[] lots, long planId,
                    int planMinutes, int packageMinutes, String cycle, long capMicros) implements JournalEvent {
        @Override
        public void applyTo(Applier applier) {
            applier.apply(this);
        }
    }

    /**
     * A reservation was settled: {@code debits} taken from lots, {@code releases} handed back; when {@code closes}
     * every other hold of the reservation is handed back too. {@code call} is null for a manual settlement.
     */
    record Settled(String accountId, Instant at, long reservationId, long[] debits, long[] releases, boolean closes,
                   int planMinutes, int packageMinutes, long capMicros, String cycle, ChargedCall call)
            implements JournalEvent {
        @Override
        public void applyTo(Applier applier) {
            applier.apply(this);
        }
    }

    /** A reservation was handed back whole; {@code expired} when its TTL ran out (the caller crashed). */
    record Released(String accountId, Instant at, long reservationId, boolean expired) implements JournalEvent {
        @Override
        public void applyTo(Applier applier) {
            applier.apply(this);
        }
    }

    /** A 30-day plan was bought (CHG-4) at a price fixed now. */
    record PlanPurchased(String accountId, Instant at, long planId, String product, List<String> prefixes, int minutes,
                         long priceMicros, Instant expiresAt, boolean autoRenew) implements JournalEvent {
        @Override
        public void applyTo(Applier applier) {
            applier.apply(this);
        }
    }

    /** A plan reached its end; {@code unusedMinutes} are gone (no rollover). */
    record PlanExpired(String accountId, Instant at, long planId, int unusedMinutes) implements JournalEvent {
        @Override
        public void applyTo(Applier applier) {
            applier.apply(this);
        }
    }

    /** A monthly package was subscribed (CHG-5). */
    record PackageSubscribed(String accountId, Instant at, String name, int freeMinutes, List<String> prefixes)
            implements JournalEvent {
        @Override
        public void applyTo(Applier applier) {
            applier.apply(this);
        }
    }

    /**
     * An operator adjusted a call's charge (ACC-2). A positive {@code deltaMicros} gives money back as the new lot
     * {@code newLotId}; a negative one takes it from {@code debits}.
     */
    record Adjusted(String accountId, Instant at, String callId, long deltaMicros, String reason, long newLotId,
                    long[] debits) implements JournalEvent {
        @Override
        public void applyTo(Applier applier) {
            applier.apply(this);
        }
    }

    /** At service end the unexpired credit was refunded (ACC-3) and taken off the lots. */
    record Refunded(String accountId, Instant at, long[] debits) implements JournalEvent {
        @Override
        public void applyTo(Applier applier) {
            applier.apply(this);
        }
    }

    /** An operator's change through the admin API (OPS-2), journalled with who made it. */
    sealed interface OperatorEvent extends JournalEvent
            permits ProfileRecorded, SuspensionChanged, Anonymised, OperatorActed, FairUseActed {
        /** The API token's name. */
        String operator();

        @Override
        default void applyTo(Applier applier) {
            applier.apply(this);
        }
    }

    /**
     * The subscriber profile an operator gave the account (OPS-2): its verified number, country and the HA1 hashes
     * of its SIP password by algorithm name (opaque strings, never the password). {@code operator} names who.
     */
    record ProfileRecorded(String accountId, Instant at, String operator, String number, String country,
                           Map<String, String> ha1) implements OperatorEvent {
        public ProfileRecorded {
            ha1 = Map.copyOf(ha1);
        }

    }

    /** An operator suspended ({@code suspended}) or resumed the account, saying why. */
    record SuspensionChanged(String accountId, Instant at, String operator, boolean suspended, String reason)
            implements OperatorEvent {
    }

    /**
     * The account was deleted (ACC-4): its number, credentials and the callee numbers of its history are gone;
     * the anonymised money records stay, and the account can no longer call.
     */
    record Anonymised(String accountId, Instant at, String operator) implements OperatorEvent {
    }

    /**
     * The audit line of an operator's change (OPS-2): who ({@code operator}, the API token's name) did what.
     * {@code accountId} is empty for a change to no account (a trunk drained, a reload).
     */
    record OperatorActed(String accountId, Instant at, String operator, String action, String detail)
            implements OperatorEvent {
    }

    /**
     * A fair-use detector acted on the account (FUP-2): {@code detector} (e.g. {@code short_calls}) saw what
     * {@code reason} says, with the figures, and took {@code action} ({@code warn}, {@code refuse_call},
     * {@code suspend_plan}, {@code suspend_account}). {@code until} ends a suspension ({@link Instant#MAX}: until an
     * operator lifts it), null for the other actions. {@code operator} is {@code fair-use}.
     */
    record FairUseActed(String accountId, Instant at, String operator, String detector, String action, Instant until,
                        String reason) implements OperatorEvent {
    }

    /**
     * The call holding reservation {@code reservationId} was answered: its first increment began. {@code call} is
     * what is known of it then (destination, deck and rate, answer time), so that a call live at a crash can be
     * settled and recorded on recovery.
     */
    record CallStarted(String accountId, Instant at, long reservationId, ChargedCall call) implements JournalEvent {
        @Override
        public void applyTo(Applier applier) {
            applier.apply(this);
        }
    }
}
