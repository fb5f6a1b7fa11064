package dev.softswitch.charging.journal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

import static dev.softswitch.charging.journal.JournalFiles.firstSeq;
import static dev.softswitch.charging.journal.JournalFiles.list;

/** {@link FileJournal#recover}: the newest good snapshot, its history chain, then every durable event after it. */
final class JournalRecovery {

    private static final Logger log = LoggerFactory.getLogger(FileJournal.class);

    private JournalRecovery() {
    }

    static FileJournal recover(Path dir, JournalSettings settings, FileJournal.Replayer replayer) throws IOException {
        Files.createDirectories(dir);
        for (Path tmp : list(dir, "snapshot-", ".tmp")) {
            Files.delete(tmp); // never renamed, so never installed
        }
        HistoryChain.clearTemporaries(dir);
        int buffer = settings.readBufferBytes();
        List<Path> segments = list(dir, "journal-", ".log");
        long firstSegment = segments.isEmpty() ? Long.MAX_VALUE : firstSeq(segments.get(0));
        SnapshotFile chosen = SnapshotFile.newestUsable(list(dir, "snapshot-", ".bin"), firstSegment, buffer);
        long boundary = chosen == null ? 1 : chosen.boundary();
        List<HistoryChain.Entry> chain = new ArrayList<>();
        if (chosen != null) {
            try {
                chosen.read(in -> {
                    replayer.loadSnapshot(in);
                    chain.addAll(chosen.chained() ? HistoryChain.read(in) : List.of());
                }, buffer);
            } catch (IOException | RuntimeException e) {
                throw new JournalCorruptException(chosen.path(), 0, "snapshot " + chosen.path() + " passes its "
                        + "checksum but cannot be decoded (" + e.getMessage() + "; was it written by a newer "
                        + "version?). Restore it from a backup, or run the version that wrote it.");
            }
            HistoryChain.load(dir, chosen.path(), chain, replayer, buffer);
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
            channel = FileJournal.newSegment(dir, lastSeq + 1); // the segment the snapshot's rotation began is gone
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
        return new FileJournal(dir, settings, channel, lastSeq, chain);
    }
}
