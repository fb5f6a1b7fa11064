package dev.softswitch.charging.journal;

import java.util.concurrent.CompletableFuture;

/**
 * Runs an operation whose waits for durability are owed rather than waited for: inside {@link #run}, a journal's
 * {@link Journal#awaitDurable} on this thread records the sequence number and returns at once, and the caller
 * acknowledges the operation only once {@link #whenDurable} completes. The operation's effects are those of a
 * waiting call whose wait has not returned yet (other callers may already see them, as they do while it waits);
 * only the acknowledgement moves. So a thread that would have slept through an fsync goes on to other work, and
 * the number of changes sharing one fsync is no longer bounded by the number of waiting threads.
 */
public final class DeferredDurability {

    private static final ThreadLocal<DeferredDurability> OPEN = new ThreadLocal<>();

    private Journal journal;
    private long seq;

    private DeferredDurability() {
    }

    /** Runs {@code op} on this thread with its durability waits deferred; exceptions pass through. */
    public static DeferredDurability run(Runnable op) {
        DeferredDurability scope = new DeferredDurability();
        DeferredDurability outer = OPEN.get();
        OPEN.set(scope);
        try {
            op.run();
        } finally {
            if (outer == null) {
                OPEN.remove();
            } else {
                OPEN.set(outer);
            }
        }
        return scope;
    }

    /**
     * Called by a journal's {@code awaitDurable}: true if a scope is open on this thread and now owes the wait for
     * {@code seq} (the caller returns at once), false if the caller must wait itself (no scope, or the scope owes a
     * wait on another journal already).
     */
    public static boolean owe(Journal journal, long seq) {
        DeferredDurability scope = OPEN.get();
        if (scope == null || (scope.journal != null && scope.journal != journal)) {
            return false;
        }
        scope.journal = journal;
        scope.seq = Math.max(scope.seq, seq);
        return true;
    }

    /** Whether the operation left a wait owed. */
    public boolean owes() {
        return journal != null;
    }

    /**
     * Completes once everything the operation journalled is durable, at once if it owed nothing; exceptionally with
     * {@link JournalUnavailableException} if that cannot be guaranteed. It may complete on the journal's writer
     * thread: what depends on it must not block.
     */
    public CompletableFuture<Void> whenDurable() {
        return journal == null ? CompletableFuture.completedFuture(null) : journal.whenDurable(seq);
    }
}
