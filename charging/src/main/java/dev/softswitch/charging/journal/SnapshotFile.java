package dev.softswitch.charging.journal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

/**
 * One snapshot file, {@code snapshot-<boundary>.bin}, or one history file of a snapshot ({@link HistoryChain}),
 * {@code history-<boundary>.bin}: {@code [int magic][int version][long boundary][payload][long payload length]
 * [int crc32c of everything before it]}. Written to a temporary file, fsynced, renamed atomically, the directory
 * fsynced, then read back and checked; read and checked by streaming, never whole. From version 2 a snapshot's
 * payload ends with its history chain.
 */
final class SnapshotFile {

    private static final Logger log = LoggerFactory.getLogger(SnapshotFile.class);

    /** Writes a snapshot's payload. */
    interface PayloadWriter {
        void write(DataOutputStream out) throws IOException;
    }

    /** Reads (or just decodes, to check) a snapshot's payload. */
    interface PayloadReader {
        void read(DataInput in) throws IOException;
    }

    private static final int MAGIC = 0x43485350; // "CHSP"
    private static final int VERSION = 2;
    /** The first version whose snapshots end with a history chain. */
    private static final int CHAINED = 2;
    private static final int HEADER = 4 + 4 + 8;
    private static final int TRAILER = 8 + 4;
    /** The buffer between the codec's small reads and writes and the checked, counted, bounded streams. */
    private static final int CODEC_BUFFER = 64 << 10;

    private final Path path;
    private final long boundary;
    private boolean legacy; // set by check()
    private int version; // set by check()

    SnapshotFile(Path path) {
        this(path, JournalFiles.firstSeq(path));
    }

    private SnapshotFile(Path path, long boundary) {
        this.path = path;
        this.boundary = boundary;
    }

    static SnapshotFile at(Path dir, long boundary) {
        return new SnapshotFile(dir.resolve(String.format("snapshot-%020d.bin", boundary)));
    }

    /** The history file of the snapshot at {@code boundary}: what its history gained since the one before. */
    static SnapshotFile history(Path dir, long boundary) {
        return new SnapshotFile(dir.resolve(String.format("history-%020d.bin", boundary)));
    }

    /** Whether the payload ends with a history chain (checked with {@link #check} first). */
    boolean chained() {
        return !legacy && version >= CHAINED;
    }

    Path path() {
        return path;
    }

    long boundary() {
        return boundary;
    }

    /**
     * The newest snapshot that passes its checks, or null for none (replay from seq 1). A corrupt newest snapshot
     * falls back to an older one, or to none, only if the journal still holds every event after it.
     */
    static SnapshotFile newestUsable(List<Path> snapshots, long firstSegment, int buffer)
            throws IOException {
        String rejected = null;
        Path newest = null;
        for (int i = snapshots.size() - 1; i >= 0; i--) {
            SnapshotFile file = new SnapshotFile(snapshots.get(i));
            String problem = file.check(buffer);
            if (problem == null && (rejected == null || firstSegment <= file.boundary())) {
                return file;
            }
            if (problem == null) {
                break; // good, but the journal after it is gone
            }
            log.warn("snapshot {} is unusable ({}); trying the one before it", file.path(), problem);
            if (rejected == null) {
                rejected = problem;
                newest = file.path();
            }
        }
        if (rejected == null || firstSegment == 1) {
            return null;
        }
        throw new JournalCorruptException(newest, 0, "snapshot " + newest + " is corrupt (" + rejected + ") and no "
                + "older snapshot can stand in for it: the journal that is left starts at seq "
                + (firstSegment == Long.MAX_VALUE ? "(none)" : firstSegment) + ". Refusing to start rather than "
                + "open without its accounts; nothing was changed. Restore " + newest.getFileName() + " from a "
                + "backup or a replica.");
    }

    /**
     * Writes the snapshot durably under its final name, then reads it back and checks it with {@code verifier}; one
     * that does not read back right is moved aside ({@code .corrupt}) so that recovery never picks it.
     */
    void write(PayloadWriter payload, PayloadReader verifier, int bufferBytes) throws IOException {
        Path dir = path.getParent();
        Path tmp = dir.resolve(path.getFileName() + ".tmp");
        try {
            writeTemporary(tmp, payload, bufferBytes);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE);
        JournalFiles.syncDirectory(dir);
        try {
            String problem = check(bufferBytes);
            if (problem != null) {
                throw new IOException(problem);
            }
            read(verifier, bufferBytes, true);
        } catch (IOException | RuntimeException e) {
            Path aside = path.resolveSibling(path.getFileName() + ".corrupt");
            Files.move(path, aside, StandardCopyOption.REPLACE_EXISTING);
            JournalFiles.syncDirectory(dir);
            throw new IOException("snapshot " + path + " does not read back as written (" + e.getMessage()
                    + "); moved aside to " + aside + ", nothing older deleted", e);
        }
    }

    /**
     * Replaces the file with what {@code payload} writes (it may read the file being replaced), checked with
     * {@code verifier} before it takes the file's place: on any failure the file stays as it was.
     */
    void replace(PayloadWriter payload, PayloadReader verifier, int bufferBytes) throws IOException {
        Path tmp = path.resolveSibling(path.getFileName() + ".tmp");
        try {
            writeTemporary(tmp, payload, bufferBytes);
            SnapshotFile written = new SnapshotFile(tmp, boundary);
            String problem = written.check(bufferBytes);
            if (problem != null) {
                throw new IOException(problem);
            }
            written.read(verifier, bufferBytes, true);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw new IOException("could not rewrite " + path + " (" + e.getMessage() + "); it is left as it was", e);
        }
        Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE);
        JournalFiles.syncDirectory(path.getParent());
    }

    private void writeTemporary(Path tmp, PayloadWriter payload, int bufferBytes) throws IOException {
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            CRC32C crc = new CRC32C();
            OutputStream paced = new SteppedSync(ch, Pace.forSnapshots());
            BufferedOutputStream file = new BufferedOutputStream(paced, bufferBytes);
            CountingOutputStream counted = new CountingOutputStream(new CheckedOutputStream(file, crc));
            // Buffered above the checksum too: the payload's many small writes reach the CRC and the count in bulk.
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(counted, CODEC_BUFFER));
            out.writeInt(MAGIC);
            out.writeInt(VERSION);
            out.writeLong(boundary());
            payload.write(out);
            out.flush();
            out.writeLong(counted.count - HEADER);
            out.flush();
            DataOutputStream tail = new DataOutputStream(file); // the CRC does not cover itself
            tail.writeInt((int) crc.getValue());
            tail.flush();
            ch.force(true);
        }
    }

    /** Checks magic, version, boundary, length and checksum by streaming; returns what is wrong, or null. */
    String check(int bufferBytes) throws IOException {
        long size = Files.size(path);
        if (size < 8) {
            return "only " + size + " bytes";
        }
        CRC32C crc = new CRC32C();
        try (InputStream raw = Files.newInputStream(path)) {
            BufferedInputStream buffered = new BufferedInputStream(raw, bufferBytes);
            DataInputStream in = new DataInputStream(new CheckedInputStream(buffered, crc));
            int magic = in.readInt();
            version = in.readInt();
            long boundary = in.readLong();
            if (magic != MAGIC) {
                String old = checkLegacy(size, bufferBytes);
                legacy = old == null;
                return legacy ? null : String.format("neither a version %d snapshot (magic %08x) nor one of the "
                        + "format before it (%s)", VERSION, magic, old);
            }
            if (version < 1 || version > VERSION || size < HEADER + TRAILER) {
                return "version " + version + " in " + size + " bytes; this build reads versions 1 to " + VERSION;
            }
            if (boundary != boundary()) {
                return "it holds boundary " + boundary + " but its name says " + boundary();
            }
            in.skipNBytes(size - HEADER - TRAILER);
            long length = in.readLong();
            int expected = (int) crc.getValue();
            int stored = new DataInputStream(buffered).readInt(); // around the checked stream: not part of the CRC
            if (length != size - HEADER - TRAILER) {
                return "its trailer says " + length + " payload bytes but the file holds " + (size - HEADER - TRAILER);
            }
            if (stored != expected) {
                return String.format("checksum mismatch (stored %08x, computed %08x)", stored, expected);
            }
        }
        return null;
    }

    /** The format before version 1 (snapshots written by tests and tools only): the payload, then its CRC32C. */
    private String checkLegacy(long size, int bufferBytes) throws IOException {
        CRC32C crc = new CRC32C();
        try (InputStream raw = Files.newInputStream(path)) {
            BufferedInputStream buffered = new BufferedInputStream(raw, bufferBytes);
            new CheckedInputStream(buffered, crc).skipNBytes(size - 4);
            int stored = new DataInputStream(buffered).readInt();
            return stored == (int) crc.getValue() ? null
                    : String.format("checksum mismatch (stored %08x, computed %08x)", stored, (int) crc.getValue());
        }
    }

    /** Streams the payload (checked first with {@link #check}) to {@code reader}, at full speed (recovery). */
    void read(PayloadReader reader, int bufferBytes) throws IOException {
        read(reader, bufferBytes, false);
    }

    /** Streams the payload to {@code reader}; {@code paced}: a {@link Pace} spreads the work (a check). */
    private void read(PayloadReader reader, int bufferBytes, boolean paced) throws IOException {
        long payloadBytes = Files.size(path) - (legacy ? 4 : HEADER + TRAILER);
        try (InputStream raw = Files.newInputStream(path)) {
            InputStream buffered = new BufferedInputStream(raw, bufferBytes);
            buffered.skipNBytes(legacy ? 0 : HEADER);
            reader.read(new DataInputStream(new BufferedInputStream(new BoundedInputStream(buffered, payloadBytes,
                    paced ? Pace.forSnapshots() : null), CODEC_BUFFER)));
        }
    }

    /**
     * Writes to the snapshot's channel and makes each {@value #SYNC_STEP} bytes durable as they are written. A single
     * fsync of a whole snapshot at the end queued the journal's own fsyncs behind tens of megabytes on the same disk
     * for seconds, and every call waiting on charging with them (issue 14: an 88 MB snapshot, call set-up p99 7.8 s
     * at 3,000 calls a second); in steps, a journal fsync waits behind at most one step.
     */
    private static final class SteppedSync extends OutputStream {
        private static final long SYNC_STEP = 4L << 20;
        private final FileChannel ch;
        private final OutputStream out;
        private final Pace pace;
        private long sinceSync;

        SteppedSync(FileChannel ch, Pace pace) {
            this.ch = ch;
            this.out = Channels.newOutputStream(ch);
            this.pace = pace;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            written(1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            written(len);
        }

        private void written(int n) throws IOException {
            pace.advance(n);
            sinceSync += n;
            if (sinceSync >= SYNC_STEP) {
                ch.force(false);
                sinceSync = 0;
            }
        }
    }

    private static final class CountingOutputStream extends OutputStream {
        private final OutputStream checked;
        private long count;

        CountingOutputStream(OutputStream checked) {
            this.checked = checked;
        }

        @Override
        public void write(int b) throws IOException {
            checked.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            checked.write(b, off, len);
            count += len;
        }

        @Override
        public void flush() throws IOException {
            checked.flush();
        }
    }

    /** Ends after {@code remaining} bytes, so a payload reader cannot stray into the trailer. */
    private static final class BoundedInputStream extends FilterInputStream {
        private final Pace pace; // null: full speed
        private long remaining;

        BoundedInputStream(InputStream in, long remaining, Pace pace) {
            super(in);
            this.remaining = remaining;
            this.pace = pace;
        }

        @Override
        public int read() throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int b = super.read();
            if (b >= 0) {
                remaining--;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int n = super.read(b, off, (int) Math.min(len, remaining));
            if (n > 0) {
                remaining -= n;
                if (pace != null) {
                    pace.advance(n);
                }
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(Math.min(n, remaining));
            remaining -= skipped;
            return skipped;
        }
    }
}
