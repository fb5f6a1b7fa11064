package dev.softswitch.charging.journal;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.softswitch.charging.MutableClock;
import dev.softswitch.charging.account.JournalledAccountStore;
import dev.softswitch.charging.money.Money;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * CHG-7, issue 12 bugs 1 and 2: damage that is not a torn tail refuses to open (naming the file, the offset and the
 * way out) and leaves the files as they are; a corrupt latest snapshot falls back to the one before it.
 */
class JournalDamageTest {

    static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
    static final Duration TTL = Duration.ofMinutes(2);

    /** Opens u1 with 5 USD and credits 1 USD six times: 8 frames, balance 11. */
    private static void writeElevenDollars(Path dir) throws IOException {
        try (JournalledAccountStore store = JournalledAccountStore.open(dir, new MutableClock(T0), TTL)) {
            store.create("u1", Money.parse("5", "USD"));
            for (int i = 0; i < 6; i++) {
                store.credit("u1", Money.parse("1", "USD"));
            }
        }
    }

    static List<Path> files(Path dir, String prefix) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().startsWith(prefix)).sorted().toList();
        }
    }

    /** Byte offsets of the frames of a segment. */
    static List<Long> frameOffsets(Path segment) throws IOException {
        List<Long> offsets = new ArrayList<>();
        try (RandomAccessFile f = new RandomAccessFile(segment.toFile(), "r")) {
            long pos = 0;
            while (pos < f.length()) {
                offsets.add(pos);
                f.seek(pos);
                pos += 8 + f.readInt();
            }
        }
        return offsets;
    }

    static void flip(Path file, long offset) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(offset);
            int b = f.read();
            f.seek(offset);
            f.write(b ^ 0x5A);
        }
    }

    @Test
    void aFlippedByteInTheMiddleRefusesToOpenAndLeavesTheFileAlone(@TempDir Path dir) throws IOException {
        writeElevenDollars(dir);
        Path segment = files(dir, "journal-").get(0);
        List<Long> frames = frameOffsets(segment);
        long damaged = frames.get(3);
        flip(segment, damaged + 20); // inside the event of the fourth frame; three valid frames follow
        byte[] before = Files.readAllBytes(segment);

        assertThatThrownBy(() -> JournalledAccountStore.open(dir, new MutableClock(T0), TTL))
                .isInstanceOf(JournalCorruptException.class)
                .hasMessageContaining(segment.toString())
                .hasMessageContaining("byte " + damaged)
                .hasMessageContaining("checksum")
                .hasMessageContaining("restore")
                .hasMessageContaining("truncate");
        assertThat(Files.readAllBytes(segment)).as("the damaged file is not touched").isEqualTo(before);
    }

    @Test
    void aDamagedLengthFollowedByValidRecordsRefusesToOpen(@TempDir Path dir) throws IOException {
        writeElevenDollars(dir);
        Path segment = files(dir, "journal-").get(0);
        long damaged = frameOffsets(segment).get(2);
        flip(segment, damaged + 1); // the length now runs past the end of the file
        assertThatThrownBy(() -> JournalledAccountStore.open(dir, new MutableClock(T0), TTL))
                .isInstanceOf(JournalCorruptException.class)
                .hasMessageContaining(segment.toString())
                .hasMessageContaining("byte " + damaged);
    }

    @Test
    void aDamagedLastRecordIsATornTailAndIsCutOff(@TempDir Path dir) throws IOException {
        writeElevenDollars(dir);
        Path segment = files(dir, "journal-").get(0);
        List<Long> frames = frameOffsets(segment);
        long last = frames.get(frames.size() - 1);
        flip(segment, last + 20);
        Logger logger = (Logger) LoggerFactory.getLogger(SegmentReader.class);
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        logger.addAppender(logged);
        try (JournalledAccountStore store = JournalledAccountStore.open(dir, new MutableClock(T0), TTL)) {
            assertThat(store.balance("u1")).contains(Money.parse("10", "USD"));
            store.credit("u1", Money.parse("2", "USD"));
        } finally {
            logger.detachAppender(logged);
        }
        assertThat(logged.list).anySatisfy(e -> {
            assertThat(e.getLevel()).isEqualTo(Level.WARN);
            assertThat(e.getFormattedMessage()).contains(segment.toString()).contains("at byte " + last);
        });
        assertThat(Files.size(segment)).isGreaterThan(last);
        try (JournalledAccountStore store = JournalledAccountStore.open(dir, new MutableClock(T0), TTL)) {
            assertThat(store.balance("u1")).contains(Money.parse("12", "USD"));
        }
    }

    @Test
    void damageInASegmentThatIsNotTheLastRefusesToOpen(@TempDir Path dir) throws IOException {
        JournalSettings tiny = new JournalSettings(200, 0, 64);
        try (JournalledAccountStore store = JournalledAccountStore.open(dir, new MutableClock(T0), TTL, tiny)) {
            store.create("u1", Money.parse("5", "USD"));
            for (int i = 0; i < 10; i++) {
                store.credit("u1", Money.parse("1", "USD"));
            }
        }
        List<Path> segments = files(dir, "journal-");
        assertThat(segments).hasSizeGreaterThan(2);
        Path first = segments.get(0);
        List<Long> frames = frameOffsets(first);
        long lastFrame = frames.get(frames.size() - 1);
        flip(first, lastFrame + 20); // the last frame of a segment that is not the last
        assertThatThrownBy(() -> JournalledAccountStore.open(dir, new MutableClock(T0), TTL, tiny))
                .isInstanceOf(JournalCorruptException.class)
                .hasMessageContaining(first.toString())
                .hasMessageContaining("byte " + lastFrame);
    }

    @Test
    void aCorruptLatestSnapshotFallsBackToThePreviousOneAndTheJournalAfterIt(@TempDir Path dir) throws IOException {
        try (JournalledAccountStore store = JournalledAccountStore.open(dir, new MutableClock(T0), TTL)) {
            store.create("u1", Money.parse("5", "USD"));
            store.snapshot();
            store.credit("u1", Money.parse("1", "USD"));
            store.snapshot();
            store.credit("u1", Money.parse("2", "USD"));
        }
        List<Path> snapshots = files(dir, "snapshot-");
        assertThat(snapshots).hasSize(2);
        Path latest = snapshots.get(1);
        flip(latest, Files.size(latest) / 2);
        try (JournalledAccountStore store = JournalledAccountStore.open(dir, new MutableClock(T0), TTL)) {
            assertThat(store.balance("u1")).contains(Money.parse("8", "USD"));
        }
    }

    @Test
    void aCorruptSnapshotWithoutAFallbackRefusesToOpen(@TempDir Path dir) throws IOException {
        try (JournalledAccountStore store = JournalledAccountStore.open(dir, new MutableClock(T0), TTL)) {
            store.create("u1", Money.parse("5", "USD"));
            store.snapshot();
            store.credit("u1", Money.parse("1", "USD"));
            store.snapshot();
            store.credit("u1", Money.parse("1", "USD"));
            store.snapshot(); // the journal before the second snapshot is gone now
        }
        List<Path> snapshots = files(dir, "snapshot-");
        for (Path s : snapshots) {
            flip(s, Files.size(s) / 2);
        }
        Path latest = snapshots.get(snapshots.size() - 1);
        assertThatThrownBy(() -> JournalledAccountStore.open(dir, new MutableClock(T0), TTL))
                .isInstanceOf(JournalCorruptException.class)
                .hasMessageContaining(latest.toString())
                .hasMessageContaining("Restore " + latest.getFileName());
    }

    @Test
    void aCorruptOnlySnapshotFallsBackToTheWholeJournalAndIsMovedAside(@TempDir Path dir) throws IOException {
        try (JournalledAccountStore store = JournalledAccountStore.open(dir, new MutableClock(T0), TTL)) {
            store.create("u1", Money.parse("5", "USD"));
            store.snapshot();
            store.credit("u1", Money.parse("1", "USD"));
        }
        Path snapshot = files(dir, "snapshot-").get(0);
        flip(snapshot, Files.size(snapshot) - 1);
        try (JournalledAccountStore store = JournalledAccountStore.open(dir, new MutableClock(T0), TTL)) {
            assertThat(store.balance("u1")).contains(Money.parse("6", "USD"));
        }
        assertThat(snapshot).doesNotExist();
        assertThat(snapshot.resolveSibling(snapshot.getFileName() + ".corrupt")).exists();
    }

    @Test
    void aSnapshotInTheFormatBeforeVersionOneStillOpens(@TempDir Path dir) throws IOException {
        try (JournalledAccountStore store = JournalledAccountStore.open(dir, new MutableClock(T0), TTL)) {
            store.create("u1", Money.parse("5", "USD"));
            store.snapshot();
            store.credit("u1", Money.parse("1", "USD"));
        }
        Path snapshot = files(dir, "snapshot-").get(0);
        byte[] v1 = Files.readAllBytes(snapshot);
        byte[] payload = java.util.Arrays.copyOfRange(v1, 16, v1.length - 12); // without header and trailer
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(payload);
        Files.write(snapshot, java.nio.ByteBuffer.allocate(payload.length + 4).put(payload)
                .putInt((int) crc.getValue()).array());
        Files.delete(files(dir, "journal-").get(0)); // as the old code did: covered by the snapshot
        try (JournalledAccountStore store = JournalledAccountStore.open(dir, new MutableClock(T0), TTL)) {
            assertThat(store.balance("u1")).contains(Money.parse("6", "USD"));
        }
    }

    @Test
    void aMissingSegmentRefusesToOpenUnlessASnapshotCoversIt(@TempDir Path dir) throws IOException {
        JournalSettings tiny = new JournalSettings(200, 0, 64);
        try (JournalledAccountStore store = JournalledAccountStore.open(dir, new MutableClock(T0), TTL, tiny)) {
            store.create("u1", Money.parse("5", "USD"));
            for (int i = 0; i < 10; i++) {
                store.credit("u1", Money.parse("1", "USD"));
            }
        }
        List<Path> segments = files(dir, "journal-");
        Path gone = segments.get(1);
        Path moved = dir.resolve("elsewhere.bak");
        Files.move(gone, moved);
        assertThatThrownBy(() -> JournalledAccountStore.open(dir, new MutableClock(T0), TTL, tiny))
                .isInstanceOf(JournalCorruptException.class)
                .hasMessageContaining(segments.get(2).toString())
                .hasMessageContaining("missing");
        Files.move(moved, gone);
        try (JournalledAccountStore store = JournalledAccountStore.open(dir, new MutableClock(T0), TTL, tiny)) {
            store.snapshot();
            store.credit("u1", Money.parse("1", "USD"));
        }
        Files.delete(gone); // kept only for a fallback to an older snapshot, which there is not
        try (JournalledAccountStore store = JournalledAccountStore.open(dir, new MutableClock(T0), TTL, tiny)) {
            assertThat(store.balance("u1")).contains(Money.parse("16", "USD"));
        }
    }
}
