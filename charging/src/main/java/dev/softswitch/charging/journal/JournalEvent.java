package dev.softswitch.charging.journal;

import dev.softswitch.charging.cdr.ChargedCall;

import java.time.Instant;
import java.util.List;

/**
 * One durable fact about one account (CHG-7). Events record decisions already taken (which lots were debited,
 * how many plan minutes), so replaying them reproduces the state exactly without deciding anything again.
 * Lot arrays hold pairs (lot id, micros).
 */
public sealed interface JournalEvent {

    String accountId();

    Instant at();

    /** An account was opened. {@code capMicros} -1 means no cap; {@code coinCreditMicros} 0 means not a coin wallet. */
    record AccountOpened(String accountId, Instant at, String currency, String zone, String homePrefix, long capMicros,
                         long coinCreditMicros) implements JournalEvent {
    }

    /** Credit was bought: a new lot. {@code expiresAt} is {@link Instant#MAX} for credit that never expires. */
    record LotPurchased(String accountId, Instant at, long lotId, long micros, Instant expiresAt, String channel)
            implements JournalEvent {
    }

    /** The unreserved rest of an expired lot was forfeited (CHG-3). */
    record LotForfeited(String accountId, Instant at, long lotId, long micros) implements JournalEvent {
    }

    /** Money, plan minutes, package minutes and cap room held for a call (a new reservation or a further increment). */
    record Reserved(String accountId, Instant at, long reservationId, String callId, long[] lots, long planId,
                    int planMinutes, int packageMinutes, String cycle, long capMicros) implements JournalEvent {
    }

    /**
     * A reservation was settled: {@code debits} taken from lots, {@code releases} handed back; when {@code closes}
     * every other hold of the reservation is handed back too. {@code call} is null for a manual settlement.
     */
    record Settled(String accountId, Instant at, long reservationId, long[] debits, long[] releases, boolean closes,
                   int planMinutes, int packageMinutes, long capMicros, String cycle, ChargedCall call)
            implements JournalEvent {
    }

    /** A reservation was handed back whole; {@code expired} when its TTL ran out (the caller crashed). */
    record Released(String accountId, Instant at, long reservationId, boolean expired) implements JournalEvent {
    }

    /** A 30-day plan was bought (CHG-4) at a price fixed now. */
    record PlanPurchased(String accountId, Instant at, long planId, String product, List<String> prefixes, int minutes,
                         long priceMicros, Instant expiresAt, boolean autoRenew) implements JournalEvent {
    }

    /** A plan reached its end; {@code unusedMinutes} are gone (no rollover). */
    record PlanExpired(String accountId, Instant at, long planId, int unusedMinutes) implements JournalEvent {
    }

    /** A monthly package was subscribed (CHG-5). */
    record PackageSubscribed(String accountId, Instant at, String name, int freeMinutes, List<String> prefixes)
            implements JournalEvent {
    }

    /**
     * An operator adjusted a call's charge (ACC-2). A positive {@code deltaMicros} gives money back as the new lot
     * {@code newLotId}; a negative one takes it from {@code debits}.
     */
    record Adjusted(String accountId, Instant at, String callId, long deltaMicros, String reason, long newLotId,
                    long[] debits) implements JournalEvent {
    }

    /** At service end the unexpired credit was refunded (ACC-3) and taken off the lots. */
    record Refunded(String accountId, Instant at, long[] debits) implements JournalEvent {
    }
}
