package dev.softswitch.charging.journal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static dev.softswitch.charging.journal.JournalFiles.firstSeq;
import static dev.softswitch.charging.journal.JournalFiles.list;

/**
 * The history files a snapshot relies on (CHG-7, ACC-1). What grows with an account's life, its usage history, is
 * not written whole into every snapshot but once: into the history file of the first snapshot after it was appended,
 * {@code history-<boundary>.bin} ({@link SnapshotFile}). Each snapshot ends with its chain, the history files it
 * relies on (boundary, and the newest instant each holds), oldest first; recovery loads the snapshot and then its
 * chain. A snapshot so costs what changed since the one before, not all the accounts have ever done (issue 14: the
 * usage history of one busy account made every snapshot 88 MB, and charging stalled while it was written). A file
 * leaves the chain once all it holds is older than the source's horizon, and the directory once neither of the two
 * kept snapshots lists it.
 */
final class HistoryChain {

    private static final Logger log = LoggerFactory.getLogger(HistoryChain.class);
    private static final int MAX_FILES = 1_000_000;

    /** One history file of a chain. */
    record Entry(long boundary, long newest) {
    }

    private final Path dir;
    private final int buffer;
    private List<Entry> installed; // the newest installed snapshot's; under the journal's snapshot lock

    HistoryChain(Path dir, int buffer, List<Entry> installed) {
        this.dir = dir;
        this.buffer = buffer;
        this.installed = List.copyOf(installed);
    }

    static List<Entry> read(DataInput in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > MAX_FILES) {
            throw new IOException("implausible history chain of " + n + " files");
        }
        List<Entry> chain = new ArrayList<>(n);
        long last = 0;
        for (int i = 0; i < n; i++) {
            Entry e = new Entry(in.readLong(), in.readLong());
            if (e.boundary() <= last) {
                throw new IOException("history chain out of order at boundary " + e.boundary());
            }
            last = e.boundary();
            chain.add(e);
        }
        return chain;
    }

    static void write(DataOutput out, List<Entry> chain) throws IOException {
        out.writeInt(chain.size());
        for (Entry e : chain) {
            out.writeLong(e.boundary());
            out.writeLong(e.newest());
        }
    }

    /** Reads back a chain just written and checks that it is {@code expected}. */
    static void verify(DataInput in, List<Entry> expected) throws IOException {
        List<Entry> read = read(in);
        if (!read.equals(expected)) {
            throw new IOException("the history chain read back is " + read + ", not " + expected);
        }
    }

    /**
     * Feeds {@code replayer} every history file of {@code chain}, in order.
     *
     * @throws JournalCorruptException if one is missing or damaged: the usage history it holds would be lost
     */
    static void load(Path dir, Path snapshot, List<Entry> chain, FileJournal.Replayer replayer, int buffer)
            throws IOException {
        for (Entry e : chain) {
            SnapshotFile file = SnapshotFile.history(dir, e.boundary());
            String problem = Files.exists(file.path()) ? file.check(buffer) : "it is missing";
            if (problem == null) {
                try {
                    file.read(replayer::loadHistory, buffer);
                } catch (IOException | RuntimeException x) {
                    problem = "it passes its checksum but cannot be decoded: " + x.getMessage();
                }
            }
            if (problem != null) {
                throw new JournalCorruptException(file.path(), 0, "history file " + file.path() + ", which snapshot "
                        + snapshot + " relies on, is unusable (" + problem + "). Refusing to start rather than open "
                        + "without the usage history it holds; nothing was changed. Restore " + file.path()
                        .getFileName() + " from a backup or a replica.");
            }
        }
    }

    /** Deletes history files never installed (a crash while one was written). */
    static void clearTemporaries(Path dir) throws IOException {
        for (Path tmp : list(dir, "history-", ".tmp")) {
            Files.delete(tmp);
        }
    }

    /**
     * Writes the history of the snapshot at {@code boundary}, inside its payload writer (so before it is installed):
     * rewrites the files it keeps if the source asks for it, writes the new file if the source gathered anything,
     * and returns the snapshot's chain.
     */
    List<Entry> extend(long boundary, FileJournal.SnapshotSource source) throws IOException {
        long horizon = source.historyHorizon();
        SnapshotHistory.Rewrite rewrite = source.historyRewrite();
        List<Entry> chain = new ArrayList<>(installed.size() + 1);
        for (Entry e : installed) {
            if (e.newest() < horizon) {
                continue;
            }
            if (rewrite != null) {
                SnapshotFile file = SnapshotFile.history(dir, e.boundary());
                String problem = file.check(buffer);
                if (problem != null) {
                    throw new IOException("history file " + file.path() + " is unusable (" + problem + ")");
                }
                file.replace(out -> file.read(in -> rewrite.rewrite(in, out), buffer), source::verifyHistory, buffer);
            }
            chain.add(e);
        }
        SnapshotHistory gained = source.history();
        if (gained != null) {
            SnapshotFile.history(dir, boundary).write(gained::write, source::verifyHistory, buffer);
            chain.add(new Entry(boundary, gained.newest()));
        }
        return chain;
    }

    /** The snapshot of {@code chain} is installed: deletes the history files neither it nor the one before lists. */
    void installed(List<Entry> chain) throws IOException {
        Set<Long> kept = new HashSet<>();
        installed.forEach(e -> kept.add(e.boundary()));
        chain.forEach(e -> kept.add(e.boundary()));
        int deleted = 0;
        for (Path file : list(dir, "history-", ".bin")) {
            if (!kept.contains(firstSeq(file))) {
                Files.deleteIfExists(file);
                deleted++;
            }
        }
        installed = List.copyOf(chain);
        if (deleted > 0) {
            log.info("journal {}: {} history file(s) no snapshot lists deleted", dir, deleted);
        }
    }
}
