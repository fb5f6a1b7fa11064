package dev.softswitch.charging.journal;

import dev.softswitch.charging.event.JournalEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInput;
import java.io.DataInputStream;
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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * An append-only journal in a directory (CHG-7), made durable by group commit: appenders queue framed
 * records in memory; one writer thread writes everything queued so far with one {@code write}, calls
 * {@link FileChannel#force} once, and then wakes every appender whose record is in that batch. Nobody is
 * acknowledged before the {@code fsync} that covers their record has returned.
 *
 * <p>Layout: segments {@code journal-<first seq>.log} of frames {@code [int length][int crc32c][long seq]
 * [event]} (the CRC covers seq and event), and at most one {@code snapshot-<boundary seq>.bin} whose last
 * four bytes are the CRC32C of the rest. A torn frame at the end of the last segment (the crash came
 * mid-write) is cut off on recovery; a bad frame anywhere else is an error.
 */
public final class FileJournal implements Journal {

    private static final Logger log = LoggerFactory.getLogger(FileJournal.class);
    private static final int MAX_FRAME = 16 * 1024 * 1024;

    /** Receives what recovery finds: first the snapshot (if any), then every event after it in order. */
    public interface Replayer {
        void loadSnapshot(DataInput in) throws IOException;

        void replay(long seq, JournalEvent event);
    }

    /** Writes a snapshot and returns the highest event sequence number it contains. */
    public interface SnapshotSource {
        long writeTo(DataOutput out) throws IOException;
    }

    private final Path dir;
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

    private volatile long durableSeq;
    private FileChannel channel; // writer thread only, after construction

    private FileJournal(Path dir, FileChannel channel, long lastSeq) {
        this.dir = dir;
        this.channel = channel;
        this.lastSeq = lastSeq;
        this.durableSeq = lastSeq;
        this.writer = new Thread(this::writeLoop, "charging-journal-writer");
        this.writer.setDaemon(true);
        this.writer.start();
    }

    /**
     * Opens the journal in {@code dir} (creating it), feeds {@code replayer} the snapshot and every durable event
     * after it, cuts off a torn tail, and returns the journal ready to append.
     */
    public static FileJournal recover(Path dir, Replayer replayer) throws IOException {
        Files.createDirectories(dir);
        List<Path> snapshots = list(dir, "snapshot-", ".bin");
        long boundary = 0;
        for (int i = snapshots.size() - 1; i >= 0; i--) {
            byte[] bytes = Files.readAllBytes(snapshots.get(i));
            if (bytes.length >= 4 && checksum(bytes, 0, bytes.length - 4) == ByteBuffer.wrap(bytes, bytes.length - 4, 4).getInt()) {
                replayer.loadSnapshot(new DataInputStream(new ByteArrayInputStream(bytes, 0, bytes.length - 4)));
                boundary = firstSeq(snapshots.get(i));
                break;
            }
            log.warn("snapshot {} fails its checksum; trying an older one", snapshots.get(i));
        }
        List<Path> segments = list(dir, "journal-", ".log");
        long lastSeq = Math.max(0, boundary - 1);
        for (int i = 0; i < segments.size(); i++) {
            Path segment = segments.get(i);
            boolean last = i == segments.size() - 1;
            lastSeq = Math.max(lastSeq, readSegment(segment, last, replayer));
        }
        FileChannel channel;
        if (segments.isEmpty()) {
            channel = newSegment(dir, lastSeq + 1);
        } else {
            channel = FileChannel.open(segments.get(segments.size() - 1), StandardOpenOption.WRITE);
            channel.position(channel.size());
        }
        log.info("journal {} recovered up to seq {} ({} segment(s), snapshot boundary {})", dir, lastSeq,
                segments.size(), boundary);
        return new FileJournal(dir, channel, lastSeq);
    }

    private static long readSegment(Path segment, boolean last, Replayer replayer) throws IOException {
        long lastSeq = 0;
        try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = ch.size();
            ByteBuffer all = ByteBuffer.allocate(Math.toIntExact(size));
            while (all.hasRemaining() && ch.read(all) >= 0) {
                // read the whole segment
            }
            all.flip();
            long good = 0;
            while (all.remaining() > 0) {
                String problem = null;
                if (all.remaining() < 8) {
                    problem = "partial frame header";
                } else {
                    int length = all.getInt(all.position());
                    int crc = all.getInt(all.position() + 4);
                    if (length < 8 || length > MAX_FRAME) {
                        problem = "frame length " + length;
                    } else if (all.remaining() < 8 + length) {
                        problem = "partial frame";
                    } else if (checksum(all.array(), all.position() + 8, length) != crc) {
                        problem = "checksum mismatch";
                    } else {
                        DataInputStream in = new DataInputStream(new ByteArrayInputStream(all.array(),
                                all.position() + 8, length));
                        long seq = in.readLong();
                        JournalEvent event = JournalCodec.read(in);
                        replayer.replay(seq, event);
                        lastSeq = seq;
                        all.position(all.position() + 8 + length);
                        good = all.position();
                    }
                }
                if (problem != null) {
                    if (!last) {
                        throw new IOException("journal segment " + segment + " is corrupt at byte " + good + ": "
                                + problem);
                    }
                    log.warn("journal {}: cutting off a torn tail of {} byte(s) at {} ({})", segment, size - good,
                            good, problem);
                    ch.truncate(good);
                    ch.force(true);
                    break;
                }
            }
        }
        return lastSeq;
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
        if (seq <= durableSeq) {
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
    public boolean available() {
        lock.lock();
        try {
            return failure == null && !closed;
        } finally {
            lock.unlock();
        }
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
     * Writes a snapshot: starts a new segment, lets {@code source} write the state (which then covers every
     * event before the new segment), waits until the events it covers are durable, installs the snapshot
     * atomically and deletes the segments and snapshots it replaces.
     */
    public void snapshot(SnapshotSource source) throws IOException {
        long boundary = rotate();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(1 << 16);
        DataOutputStream out = new DataOutputStream(bytes);
        long covered = source.writeTo(out);
        out.flush();
        awaitDurable(covered);
        byte[] data = bytes.toByteArray();
        Path tmp = dir.resolve("snapshot.tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buffer = ByteBuffer.allocate(data.length + 4);
            buffer.put(data).putInt(checksum(data, 0, data.length)).flip();
            while (buffer.hasRemaining()) {
                ch.write(buffer);
            }
            ch.force(true);
        }
        Path target = dir.resolve(String.format("snapshot-%020d.bin", boundary));
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        syncDirectory(dir);
        for (Path old : list(dir, "snapshot-", ".bin")) {
            if (firstSeq(old) < boundary) {
                Files.deleteIfExists(old);
            }
        }
        for (Path segment : list(dir, "journal-", ".log")) {
            if (firstSeq(segment) < boundary) {
                Files.deleteIfExists(segment);
            }
        }
        log.info("journal {}: snapshot at seq {} ({} bytes)", dir, boundary, data.length);
    }

    /** Closes the current segment after what is queued and opens the next; returns the next segment's first seq. */
    private long rotate() {
        lock.lock();
        try {
            int mine = ++rotationsRequested;
            hasWork.signal();
            while (rotationsDone < mine) {
                if (failure != null) {
                    throw new JournalUnavailableException("journal " + dir + " failed during rotation", failure);
                }
                progress.awaitUninterruptibly();
            }
            return lastBoundary;
        } finally {
            lock.unlock();
        }
    }

    private void writeLoop() {
        while (true) {
            long batchLast;
            boolean rotate;
            lock.lock();
            try {
                while (pending.size == 0 && !closed && rotationsRequested == rotationsDone) {
                    hasWork.awaitUninterruptibly();
                }
                if (closed && pending.size == 0) {
                    return;
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
                    ByteBuffer buffer = ByteBuffer.wrap(writing.bytes, 0, writing.size);
                    while (buffer.hasRemaining()) {
                        channel.write(buffer);
                    }
                    channel.force(false);
                }
                writing.size = 0;
                if (rotate) {
                    channel.close();
                    channel = newSegment(dir, batchLast + 1);
                }
            } catch (IOException | RuntimeException e) {
                IOException cause = e instanceof IOException io ? io : new IOException(e);
                log.error("journal {}: write or fsync failed; failing closed", dir, cause);
                lock.lock();
                try {
                    failure = cause;
                    progress.signalAll();
                } finally {
                    lock.unlock();
                }
                return;
            }
            lock.lock();
            try {
                batches++;
                syncs++;
                durableSeq = batchLast;
                if (rotate) {
                    lastBoundary = batchLast + 1;
                    rotationsDone = rotationsRequested;
                }
                progress.signalAll();
            } finally {
                lock.unlock();
            }
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

    private static void syncDirectory(Path dir) throws IOException {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            log.debug("directory fsync not supported for {}: {}", dir, e.toString());
        }
    }

    private static List<Path> list(Path dir, String prefix, String suffix) throws IOException {
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

    private static int checksum(byte[] bytes, int offset, int length) {
        CRC32C c = new CRC32C();
        c.update(bytes, offset, length);
        return (int) c.getValue();
    }

    /** A growable byte buffer of queued frames; guarded by the journal's lock, then owned by the writer. */
    private static final class Frames {
        private byte[] bytes = new byte[64 * 1024];
        private int size;

        void putInt(int v) {
            ensure(4);
            bytes[size++] = (byte) (v >>> 24);
            bytes[size++] = (byte) (v >>> 16);
            bytes[size++] = (byte) (v >>> 8);
            bytes[size++] = (byte) v;
        }

        void put(byte[] b) {
            ensure(b.length);
            System.arraycopy(b, 0, bytes, size, b.length);
            size += b.length;
        }

        private void ensure(int more) {
            if (size + more > bytes.length) {
                bytes = java.util.Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
            }
        }
    }
}
