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
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * An append-only journal in a directory (CHG-7), made durable by group commit: appenders queue framed
 * records in memory; one writer thread writes everything queued so far with one {@code write}, calls
 * {@link FileChannel#force} once, and then wakes every appender whose record is in that batch. Nobody is
 * acknowledged before the {@code fsync} that covers their record has returned.
 *
 * <p>Layout: segments {@code journal-<first seq>.log} of frames {@code [int length][int crc32c][long seq][event]}
 * (the CRC covers seq and event), closed once they reach {@link JournalSettings#segmentBytes()}; snapshots
 * {@code snapshot-<boundary seq>.bin} ({@link SnapshotFile}), the newest two kept. Recovery ({@link SegmentReader})
 * streams: a torn frame at the end of the last segment is cut off, any other damage refuses to start.
 */
public final class FileJournal implements Journal {

    private static final Logger log = LoggerFactory.getLogger(FileJournal.class);

    /** Receives what recovery finds: first the snapshot (if any), then every event after it in order. */
    public interface Replayer {
        void loadSnapshot(DataInput in) throws IOException;

        void replay(long seq, JournalEvent event);
    }

    /** Writes a snapshot and returns the highest event sequence number it contains. */
    public interface SnapshotSource {
        long writeTo(DataOutput out) throws IOException;

        /** Decodes a snapshot just written and read back, throwing if it does not hold what was written. */
        default void verify(DataInput in) throws IOException {
        }
    }

    private final Path dir;
    private final JournalSettings settings;
    private final ReentrantLock snapshotLock = new ReentrantLock();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition hasWork = lock.newCondition();
    private final Condition progress = lock.newCondition();
    private final Thread writer;
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

    private FileJournal(Path dir, JournalSettings settings, FileChannel channel, long lastSeq) {
        this.dir = dir;
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
        Files.createDirectories(dir);
        for (Path tmp : list(dir, "snapshot-", ".tmp")) {
            Files.delete(tmp); // never renamed, so never installed
        }
        int buffer = settings.readBufferBytes();
        List<Path> segments = list(dir, "journal-", ".log");
        long firstSegment = segments.isEmpty() ? Long.MAX_VALUE : firstSeq(segments.get(0));
        SnapshotFile chosen = SnapshotFile.newestUsable(list(dir, "snapshot-", ".bin"), firstSegment, buffer);
        long boundary = chosen == null ? 1 : chosen.boundary();
        if (chosen != null) {
            try {
                chosen.read(replayer::loadSnapshot, buffer);
            } catch (IOException | RuntimeException e) {
                throw new JournalCorruptException(chosen.path(), 0, "snapshot " + chosen.path() + " passes its "
                        + "checksum but cannot be decoded (" + e.getMessage() + "; was it written by a newer "
                        + "version?). Restore it from a backup, or run the version that wrote it.");
            }
        }
        if (firstSegment != Long.MAX_VALUE && firstSegment > boundary) {
            throw new JournalCorruptException(segments.get(0), 0, "journal " + dir + " starts at seq " + firstSegment
                    + " but " + (chosen == null ? "there is no snapshot" : "snapshot " + chosen.path() + " covers only"
                    + " up to seq " + (boundary - 1)) + ": the segments in between are missing. Restore them (or the "
                    + "snapshot) from a backup or a replica.");
        }
        long expected = segments.isEmpty() ? boundary : firstSegment;
        for (int i = 0; i < segments.size(); i++) {
            Path segment = segments.get(i);
            if (firstSeq(segment) != expected && firstSeq(segment) <= boundary) {
                expected = firstSeq(segment); // a gap the snapshot covers (a segment kept only for fallback went)
            } else if (firstSeq(segment) != expected) {
                throw new JournalCorruptException(segment, 0, "journal segment " + segment + " starts at seq "
                        + firstSeq(segment) + " but the one before it ends at seq " + (expected - 1) + ": a segment "
                        + "is missing. Restore it from a backup or a replica.");
            }
            long from = boundary;
            expected = new SegmentReader(segment, i == segments.size() - 1, buffer).read(expected,
                    (seq, event, offset) -> {
                        if (seq < from) {
                            return; // in the snapshot already
                        }
                        try {
                            replayer.replay(seq, event);
                        } catch (RuntimeException e) {
                            throw new JournalCorruptException(segment, offset, "journal segment " + segment
                                    + ": event " + seq + " at byte " + offset + " cannot be applied: "
                                    + e.getMessage());
                        }
                    });
        }
        long lastSeq = Math.max(boundary, expected) - 1;
        FileChannel channel;
        if (segments.isEmpty() || expected < boundary) {
            channel = newSegment(dir, lastSeq + 1); // the segment the snapshot's rotation began is gone
        } else {
            channel = FileChannel.open(segments.get(segments.size() - 1), StandardOpenOption.WRITE);
            channel.position(channel.size());
        }
        for (Path later : list(dir, "snapshot-", ".bin")) {
            if (chosen == null || firstSeq(later) > boundary) {
                Path aside = later.resolveSibling(later.getFileName() + ".corrupt");
                Files.move(later, aside, StandardCopyOption.REPLACE_EXISTING);
                log.warn("journal {}: moved the corrupt snapshot {} aside to {}", dir, later, aside);
            }
        }
        log.info("journal {} recovered up to seq {} ({} segment(s), snapshot boundary {})", dir, lastSeq,
                segments.size(), boundary);
        return new FileJournal(dir, settings, channel, lastSeq);
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
     * Snapshots are serialised.
     */
    public void snapshot(SnapshotSource source) throws IOException {
        snapshotLock.lock();
        try {
            long boundary = rotate();
            SnapshotFile file = SnapshotFile.at(dir, boundary);
            file.write(out -> awaitDurable(source.writeTo(out)), source::verify, settings.readBufferBytes());
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
            log.info("journal {}: snapshot at seq {} ({} bytes) written and checked; {} covered segment(s) deleted",
                    dir, boundary, Files.size(file.path()), deleted);
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

    private static FileChannel newSegment(Path dir, long firstSeq) throws IOException {
        Path path = dir.resolve(String.format("journal-%020d.log", firstSeq));
        FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        ch.position(ch.size());
        syncDirectory(dir);
        return ch;
    }

    static void syncDirectory(Path dir) throws IOException {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            log.debug("directory fsync not supported for {}: {}", dir, e.toString());
        }
    }

    static List<Path> list(Path dir, String prefix, String suffix) throws IOException {
        List<Path> found = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.filter(p -> {
                String n = p.getFileName().toString();
                return n.startsWith(prefix) && n.endsWith(suffix);
            }).sorted().forEach(found::add);
        }
        return found;
    }

    private static long firstSeq(Path file) {
        String n = file.getFileName().toString();
        return Long.parseLong(n.substring(n.indexOf('-') + 1, n.lastIndexOf('.')));
    }
}
