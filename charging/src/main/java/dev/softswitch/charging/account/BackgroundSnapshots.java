package dev.softswitch.charging.account;

import dev.softswitch.charging.journal.AccountSnapshot;
import dev.softswitch.charging.journal.AccountSnapshotCodec;
import dev.softswitch.charging.journal.FileJournal;
import dev.softswitch.charging.journal.SnapshotHistory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Takes the store's snapshots (CHG-7): on request of the journal, once enough segments have filled up, on one
 * background thread off the callers' path; or at once through {@link #write}. Requests made while one is queued
 * are merged; closing lets a running snapshot finish and drops a queued one.
 */
final class BackgroundSnapshots implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(BackgroundSnapshots.class);
    private static final long CLOSE_WAIT_SECONDS = 60;

    private final JournalledAccountStore store;
    private final FileJournal journal;
    private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "charging-snapshot");
        t.setDaemon(true);
        return t;
    });
    private final Object lock = new Object();
    // guarded by lock
    private CompletableFuture<Void> queued;
    private CompletableFuture<Void> last = CompletableFuture.completedFuture(null);
    private boolean closed;

    BackgroundSnapshots(JournalledAccountStore store, FileJournal journal) {
        this.store = store;
        this.journal = journal;
    }

    /** Queues a snapshot unless one is queued already; never blocks (the journal's writer thread calls it). */
    void request() {
        synchronized (lock) {
            if (closed || queued != null) {
                return;
            }
            CompletableFuture<Void> mine = new CompletableFuture<>();
            queued = mine;
            last = mine;
            try {
                executor.execute(() -> run(mine));
            } catch (RejectedExecutionException e) {
                queued = null;
                mine.complete(null);
            }
        }
    }

    /** Waits until the last requested snapshot has been written (or has failed, which is logged). */
    void await() {
        CompletableFuture<Void> f;
        synchronized (lock) {
            f = last;
        }
        f.join();
    }

    private void run(CompletableFuture<Void> mine) {
        synchronized (lock) {
            queued = null;
            if (closed) {
                mine.complete(null);
                return;
            }
        }
        try {
            write(store, journal);
        } catch (IOException | RuntimeException e) {
            log.error("automatic snapshot of {} failed; the journal keeps its segments until one succeeds",
                    journal, e);
        } finally {
            mine.complete(null);
        }
    }

    /** Writes a snapshot of every account now, read back and decoded before anything older is deleted. */
    static void write(JournalledAccountStore store, FileJournal journal) throws IOException {
        journal.snapshot(new FileJournal.SnapshotSource() {
            private final List<String> written = new ArrayList<>();
            private final UsageFiling usage = new UsageFiling(
                    store.clock().instant().minus(store.housekeeping().usageRetention()));

            @Override
            public long writeTo(DataOutput out) throws IOException {
                List<AccountState> all = new ArrayList<>(store.states());
                out.writeInt(all.size());
                long max = 0;
                java.util.Map<String, FairUseStanding> fairUse = new java.util.LinkedHashMap<>();
                for (AccountState s : all) {
                    AccountSnapshot snapshot;
                    synchronized (s) {
                        snapshot = AccountSnapshots.of(s, false);
                        usage.gather(s);
                        if (s.operated.fairUse != FairUseStanding.NONE) {
                            fairUse.put(s.id, s.operated.fairUse);
                        }
                    }
                    AccountSnapshotCodec.write(out, snapshot);
                    written.add(snapshot.id());
                    max = Math.max(max, snapshot.lastSeq());
                }
                max = Math.max(max, store.administration().gatewayAudit().write(out));
                AccountSnapshots.writeFairUse(out, fairUse);
                return max;
            }

            @Override
            public void verify(DataInput in) throws IOException {
                int n = in.readInt();
                List<String> read = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    read.add(AccountSnapshotCodec.read(in).id());
                }
                if (!read.equals(written)) {
                    throw new IOException("the snapshot read back holds " + read.size() + " account(s), not the "
                            + written.size() + " written, or not in the order written");
                }
                new GatewayAudit().read(in); // decoded, not kept: the history chain follows
                AccountSnapshots.skipFairUse(in);
            }

            @Override
            public SnapshotHistory history() {
                return usage.orNone();
            }

            @Override
            public void verifyHistory(DataInput in) throws IOException {
                UsageFiling.read(in, (id, calls) -> { });
            }

            @Override
            public long historyHorizon() {
                return usage.horizon().toEpochMilli();
            }

            @Override
            public SnapshotHistory.Rewrite historyRewrite() {
                return usage.erasure();
            }

            @Override
            public void installed() {
                usage.installed();
            }
        });
    }

    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
        }
        executor.shutdown();
        try {
            if (!executor.awaitTermination(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS)) {
                log.warn("a snapshot of {} still runs after {} s; closing without it", journal, CLOSE_WAIT_SECONDS);
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
