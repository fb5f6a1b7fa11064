package dev.softswitch.charging.journal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;

/**
 * The acknowledgements {@link FileJournal#whenDurable} owes, earliest sequence number first; guarded by the journal's
 * lock. The futures taken out are completed after the lock is let go, so that what depends on them never runs
 * under it.
 */
final class OwedAcks {

    private record Owed(long seq, CompletableFuture<Void> done) {
    }

    private final PriorityQueue<Owed> queue = new PriorityQueue<>(Comparator.comparingLong(Owed::seq));

    CompletableFuture<Void> add(long seq) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        queue.add(new Owed(seq, done));
        return done;
    }

    /** Takes out those waiting for {@code durableSeq} or earlier. */
    List<CompletableFuture<Void>> takeUpTo(long durableSeq) {
        List<CompletableFuture<Void>> ready = new ArrayList<>();
        while (!queue.isEmpty() && queue.peek().seq() <= durableSeq) {
            ready.add(queue.poll().done());
        }
        return ready;
    }

    List<CompletableFuture<Void>> takeAll() {
        return takeUpTo(Long.MAX_VALUE);
    }
}
