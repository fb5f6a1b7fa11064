package dev.softswitch.charging.account;

import dev.softswitch.charging.event.JournalEvent;

/**
 * Told of what other nodes sharing the store did to an account (SCL-1), as this node applies it: the fair-use
 * detectors count those calls too. Called without the account's lock held, in the order applied.
 */
@FunctionalInterface
public interface ForeignEvents {

    /**
     * @param product          the account's product ({@code ""}: the engine's default)
     * @param opensReservation whether {@code event} opened a new reservation (a call let through)
     */
    void applied(String accountId, String product, JournalEvent event, boolean opensReservation);

    /** Makes {@code listener} the one told of {@code store}'s foreign events (nothing unless its journal is shared). */
    static void listen(JournalledAccountStore store, ForeignEvents listener) {
        SharedAccounts shared = store.sharedAccounts();
        if (shared != null) {
            shared.foreign(listener);
        }
    }
}
