package dev.softswitch.charging.journal;

import dev.softswitch.charging.event.JournalEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.zip.CRC32C;


import static dev.softswitch.charging.journal.JournalFiles.firstSeq;
import static dev.softswitch.charging.journal.JournalFiles.list;
import static dev.softswitch.charging.journal.JournalFiles.syncDirectory;

/**
 * An append-only journal in a directory (CHG-7), made durable by group commit: appenders queue framed
 * records in memory; one writer thread writes everything queued so far with one {@code write}, calls
 * {@link FileChannel#force} once, and then wakes every appender whose record is in that batch. Nobody is
 * acknowledged before the {@code fsync} that covers their record has returned.
 *
 * <p>Layout: segments {@code journal-<first seq>.log} of frames {@code [int length][int crc32c][long seq][event]}
 * (the CRC covers seq and event), closed once they reach {@link JournalSettings#segmentBytes()}; snapshots
 * {@code snapshot-<boundary seq>.bin} ({@link SnapshotFile}), the newest two kept, with the history files they list
 * ({@link HistoryChain}). Recovery ({@link SegmentReader})
 * streams: a torn frame at the end of the last segment is cut off, any other damage refuses to start.
 */
public final class FileJournal implements Journal {

    private static final Logger log = LoggerFactory.getLogger(FileJournal.class);

    /** Receives what recovery finds: first the snapshot (if any), then every event after it in order. */
    public interface Replayer {
        void loadSnapshot(DataInput in) throws IOException;

        /** One history file of the snapshot's chain, oldest first, after the snapshot ({@link HistoryChain}). */
        default void loadHistory(DataInput in) throws IOException {
        }

        void replay(long seq, JournalEvent event);
    }

    /** Writes a snapshot and returns the highest event sequence number it contains. */
    public interface SnapshotSource {
        long writeTo(DataOutput out) throws IOException;

        /** Decodes a snapshot just written and read back, throwing if it does not hold what was written. */
        default void verify(DataInput in) throws IOException {
        }

        /** What {@link #writeTo} gathered for the snapshot's history file ({@link HistoryChain}), null for none. */
        default SnapshotHistory history() {
            return null;
        }

        /** Decodes a history file just written or rewritten, throwing if it does not hold what was written. */
        default void verifyHistory(DataInput in) throws IOException {
        }

        /** Epoch milliseconds: a history file all older than this leaves the chain. */
        default long historyHorizon() {
            return Long.MIN_VALUE;
        }

        /** If not null, every history file the snapshot keeps is rewritten through it first. */
        default SnapshotHistory.Rewrite historyRewrite() {
            return null;
        }

        /** Called once the snapshot is installed and checked, before another can start. */
        default void installed() {
        }
    }

    private final Path dir;
    private final JournalSettings settings;
    private final ReentrantLock snapshotLock = new ReentrantLock();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition hasWork = lock.newCondition();
    private final Condition progress = lock.newCondition();
    private final Thread writer;
    private final HistoryChain history;
    private final CRC32C crc = new CRC32C();

    // guarded by lock
    private Frames pending = new Frames();
    private Frames writing = new Frames();
    private long lastSeq;
    private boolean closed;
    private int rotationsRequested;
    private int rotationsDone;
    private long lastBoundary;
    private IOException failure;
    private long batches;
    private long syncs;
    private int segmentsSinceSnapshot;
    private final OwedAcks owed = new OwedAcks();

    private volatile Runnable snapshotDue = () -> { };

    private volatile long durableSeq;
    /** Neither failed nor closed: read without the lock on every new call. */
    private volatile boolean usable = true;
    private FileChannel channel; // writer thread only, after construction

    FileJournal(Path dir, JournalSettings settings, FileChannel channel, long lastSeq, List<HistoryChain.Entry> chain) {
        this.dir = dir;
        this.history = new HistoryChain(dir, settings.readBufferBytes(), chain);
        this.settings = settings;
        this.channel = channel;
        this.lastSeq = lastSeq;
        this.durableSeq = lastSeq;
        this.writer = new Thread(this::writeLoop, "charging-journal-writer");
        this.writer.setDaemon(true);
        this.writer.start();
    }

    /** {@link #recover(Path, JournalSettings, Replayer)} with {@link JournalSettings#defaults()}. */
    public static FileJournal recover(Path dir, Replayer replayer) throws IOException {
        return recover(dir, JournalSettings.defaults(), replayer);
    }

    /**
     * Opens the journal in {@code dir} (creating it), feeds {@code replayer} the newest good snapshot and every
     * durable event after it, cuts off a torn tail, and returns the journal ready to append. A corrupt newest
     * snapshot falls back to the one before it if the journal still covers that one.
     *
     * @throws JournalCorruptException on damage that is not a torn tail, or a corrupt snapshot with no fallback;
     *                                 no file has been changed then
     */
    public static FileJournal recover(Path dir, JournalSettings settings, Replayer replayer) throws IOException {
        return JournalRecovery.recover(dir, settings, replayer);
    }

    @Override
    public long append(JournalEvent event) {
        byte[] body = encode(event);
        lock.lock();
        try {
            if (failure != null || closed) {
                throw new JournalUnavailableException("journal " + dir + " is " + (closed ? "closed" : "failed"),
                        failure);
            }
            long seq = ++lastSeq;
            byte[] seqBytes = ByteBuffer.allocate(8).putLong(seq).array();
            crc.reset();
            crc.update(seqBytes);
            crc.update(body);
            pending.putInt(8 + body.length);
            pending.putInt((int) crc.getValue());
            pending.put(seqBytes);
            pending.put(body);
            hasWork.signal();
            return seq;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void awaitDurable(long seq) {
        if (seq <= durableSeq || DeferredDurability.owe(this, seq)) {
            return;
        }
        lock.lock();
        try {
            while (durableSeq < seq) {
                if (failure != null) {
                    throw new JournalUnavailableException("journal " + dir + " failed before seq " + seq
                            + " was durable", failure);
                }
                progress.awaitUninterruptibly();
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public CompletableFuture<Void> whenDurable(long seq) {
        if (seq <= durableSeq) {
            return CompletableFuture.completedFuture(null);
        }
        lock.lock();
        try {
            if (seq <= durableSeq) {
                return CompletableFuture.completedFuture(null);
            }
            if (failure != null || seq > lastSeq) {
                return CompletableFuture.failedFuture(new JournalUnavailableException("journal " + dir
                        + (failure != null ? " failed" : " never queued seq " + seq) + " before seq " + seq
                        + " was durable", failure));
            }
            return owed.add(seq);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean available() {
        return usable;
    }

    /** Highest sequence number made durable so far. */
    public long durableSeq() {
        return durableSeq;
    }

    /** Number of fsyncs so far, and of events: how well group commit batches. */
    public long syncs() {
        lock.lock();
        try {
            return syncs;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Called (on the writer thread; it must not block) once {@link JournalSettings#snapshotEverySegments()} segments
     * have filled up since the last snapshot.
     */
    public void onSnapshotDue(Runnable listener) {
        this.snapshotDue = listener;
    }

    /**
     * Writes a snapshot: starts a new segment whose first seq is the snapshot's boundary, lets {@code source} write
     * the state (which then holds every event before the boundary, and per account possibly some after it, each
     * account recording its own last seq), waits until the events it holds are durable, installs the snapshot
     * atomically, reads it back and checks it, and only then deletes what it makes unnecessary: snapshots older than
     * the one before it, and the segments that one covers (so a corrupt newest snapshot can still fall back).
     * Snapshots are serialised. The snapshot's history ({@link HistoryChain}) is written before it is installed.
     */
    public void snapshot(SnapshotSource source) throws IOException {
        snapshotLock.lock();
        try {
            long started = System.nanoTime();
            long boundary = rotate();
            SnapshotFile file = SnapshotFile.at(dir, boundary);
            List<HistoryChain.Entry> chain = new ArrayList<>();
            long[] phases = new long[2];
            file.write(out -> {
                long covered = source.writeTo(out);
                phases[0] = System.nanoTime();
                chain.addAll(history.extend(boundary, source));
                phases[1] = System.nanoTime();
                HistoryChain.write(out, chain);
                awaitDurable(covered);
            }, in -> {
                source.verify(in);
                HistoryChain.verify(in, chain);
            }, settings.readBufferBytes());
            history.installed(chain);
            source.installed();
            List<Path> snapshots = list(dir, "snapshot-", ".bin");
            long keepFrom = snapshots.size() >= 2 ? firstSeq(snapshots.get(snapshots.size() - 2)) : 1;
            for (int i = 0; i < snapshots.size() - 2; i++) {
                Files.deleteIfExists(snapshots.get(i));
            }
            List<Path> segments = list(dir, "journal-", ".log");
            int deleted = 0;
            for (int i = 0; i + 1 < segments.size() && firstSeq(segments.get(i + 1)) <= keepFrom; i++) {
                Files.deleteIfExists(segments.get(i));
                deleted++;
            }
            syncDirectory(dir);
            log.info("journal {}: snapshot at seq {} ({} bytes) written and checked in {} ms (state {} ms, history {} "
                    + "ms); {} covered segment(s) deleted", dir, boundary, Files.size(file.path()),
                    (System.nanoTime() - started) / 1_000_000, (phases[0] - started) / 1_000_000,
                    (phases[1] - phases[0]) / 1_000_000, deleted);
        } finally {
            snapshotLock.unlock();
        }
    }

    /** Closes the current segment after what is queued and opens the next; returns the next segment's first seq. */
    private long rotate() {
        lock.lock();
        try {
            int mine = ++rotationsRequested;
            hasWork.signal();
            while (rotationsDone < mine) {
                if (failure != null || closed) {
                    throw new JournalUnavailableException("journal " + dir + (closed ? " closed" : " failed")
                            + " during rotation", failure);
                }
                progress.awaitUninterruptibly();
            }
            segmentsSinceSnapshot = 0;
            return lastBoundary;
        } finally {
            lock.unlock();
        }
    }

    private void writeLoop() {
        long interval = settings.commitInterval().toNanos();
        long lastSync = System.nanoTime() - interval;
        while (true) {
            pace(lastSync + interval);
            long batchLast;
            boolean rotate;
            boolean full;
            boolean due = false;
            lock.lock();
            try {
                while (pending.size == 0 && !closed && rotationsRequested == rotationsDone) {
                    hasWork.awaitUninterruptibly();
                }
                if (closed && pending.size == 0) {
                    progress.signalAll();
                    return; // every queued frame is durable: nothing is owed
                }
                Frames swap = writing;
                writing = pending;
                pending = swap;
                batchLast = lastSeq;
                rotate = rotationsRequested != rotationsDone;
            } finally {
                lock.unlock();
            }
            try {
                if (writing.size > 0) {
                    lastSync = System.nanoTime();
                    ByteBuffer buffer = ByteBuffer.wrap(writing.bytes, 0, writing.size);
                    while (buffer.hasRemaining()) {
                        channel.write(buffer);
                    }
                    channel.force(false);
                }
                writing.size = 0;
                full = channel.position() >= settings.segmentBytes();
                if (rotate || full) {
                    channel.close();
                    channel = newSegment(dir, batchLast + 1);
                }
            } catch (IOException | RuntimeException e) {
                IOException cause = e instanceof IOException io ? io : new IOException(e);
                log.error("journal {}: write or fsync failed; failing closed", dir, cause);
                List<CompletableFuture<Void>> failed;
                lock.lock();
                try {
                    failure = cause;
                    usable = false;
                    progress.signalAll();
                    failed = owed.takeAll();
                } finally {
                    lock.unlock();
                }
                JournalUnavailableException unavailable = new JournalUnavailableException("journal " + dir
                        + " failed before the change was durable", cause);
                failed.forEach(f -> f.completeExceptionally(unavailable));
                return;
            }
            List<CompletableFuture<Void>> ready;
            lock.lock();
            try {
                batches++;
                syncs++;
                durableSeq = batchLast;
                ready = owed.takeUpTo(batchLast);
                if (rotate) {
                    lastBoundary = batchLast + 1;
                    rotationsDone = rotationsRequested;
                } else if (full) {
                    segmentsSinceSnapshot++;
                    due = settings.snapshotEverySegments() > 0
                            && segmentsSinceSnapshot == settings.snapshotEverySegments();
                }
                progress.signalAll();
            } finally {
                lock.unlock();
            }
            ready.forEach(f -> f.complete(null));
            if (due) {
                try {
                    snapshotDue.run();
                } catch (RuntimeException e) {
                    log.error("journal {}: could not schedule a snapshot", dir, e);
                }
            }
        }
    }

    /**
     * Waits until {@code deadline} (System.nanoTime, at most the commit interval away) so that one fsync covers what
     * is queued meanwhile. Appends do not wake it: the writer sleeps outside the journal's conditions.
     */
    private void pace(long deadline) {
        long wait;
        while ((wait = deadline - System.nanoTime()) > 0) {
            LockSupport.parkNanos(this, wait);
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            usable = false;
            hasWork.signal();
        } finally {
            lock.unlock();
        }
        try {
            writer.join(TimeUnit.SECONDS.toMillis(10));
            channel.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close journal " + dir, e);
        }
    }

    private static byte[] encode(JournalEvent event) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
        try {
            JournalCodec.write(new DataOutputStream(bytes), event);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode " + event, e);
        }
        return bytes.toByteArray();
    }

    static FileChannel newSegment(Path dir, long firstSeq) throws IOException {
        Path path = dir.resolve(String.format("journal-%020d.log", firstSeq));
        FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        ch.position(ch.size());
        syncDirectory(dir);
        return ch;
    }
}
