package dev.softswitch.charging.journal;

import dev.softswitch.charging.event.JournalEvent;

/**
 * Where the engine writes its {@link JournalEvent}s (CHG-7). {@link #append} is called under the account's
 * lock so that one account's events keep their order; {@link #awaitDurable} is called after the lock is let
 * go, and the operation is acknowledged only when it returns.
 */
public interface Journal extends AutoCloseable {

    /**
     * Queues {@code event} and returns its sequence number.
     *
     * @throws JournalUnavailableException if the journal has failed or is closed (the caller must fail closed)
     */
    long append(JournalEvent event);

    /**
     * Returns once every event up to {@code seq} is durable.
     *
     * @throws JournalUnavailableException if that cannot be guaranteed
     */
    void awaitDurable(long seq);

    /** Whether appends currently succeed. */
    boolean available();

    @Override
    void close();
}
