package dev.softswitch.charging.journal;

import dev.softswitch.charging.event.JournalEvent;
import java.util.concurrent.CompletableFuture;

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

    /**
     * Completes once every event up to {@code seq} is durable, exceptionally with {@link JournalUnavailableException}
     * if that cannot be guaranteed. Dependents may run on the journal's writer thread and must not block. This
     * default waits on the calling thread.
     */
    default CompletableFuture<Void> whenDurable(long seq) {
        try {
            awaitDurable(seq);
            return CompletableFuture.completedFuture(null);
        } catch (JournalUnavailableException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Whether appends currently succeed. */
    boolean available();

    @Override
    void close();
}
