package dev.softswitch.charging.journal;

import dev.softswitch.charging.MutableClock;
import dev.softswitch.charging.account.JournalledAccountStore;
import dev.softswitch.charging.money.Money;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static dev.softswitch.charging.journal.JournalDamageTest.T0;
import static dev.softswitch.charging.journal.JournalDamageTest.TTL;
import static dev.softswitch.charging.journal.JournalDamageTest.files;
import static dev.softswitch.charging.journal.JournalDamageTest.flip;
import static dev.softswitch.charging.journal.JournalDamageTest.frameOffsets;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * CHG-7, issue 12 bug 7: segments rotate by size, snapshots are taken in the background as they fill up and the
 * segments they cover are deleted, and recovery streams a segment of any size through a small buffer.
 */
class JournalRotationTest {

    private static final List<String> ACCOUNTS = List.of("r1", "r2", "r3");

    private static Map<String, Money> credit(JournalledAccountStore store, Random random, int times) {
        for (int i = 0; i < times; i++) {
            store.credit(ACCOUNTS.get(random.nextInt(ACCOUNTS.size())), new Money(1 + random.nextInt(5_000_000),
                    "USD"));
        }
        return balances(store);
    }

    private static Map<String, Money> balances(JournalledAccountStore store) {
        Map<String, Money> out = new HashMap<>();
        for (String id : ACCOUNTS) {
            out.put(id, store.balance(id).orElseThrow());
        }
        return out;
    }

    @Test
    void segmentsRotateBySizeAndBackgroundSnapshotsDeleteWhatTheyCover(@TempDir Path dir) throws IOException {
        JournalSettings small = new JournalSettings(400, 2, 64);
        Random random = new Random(42);
        Map<String, Money> before;
        try (JournalledAccountStore store = JournalledAccountStore.open(dir, new MutableClock(T0), TTL, small)) {
            for (String id : ACCOUNTS) {
                store.create(id, Money.parse("1", "USD"));
            }
            before = credit(store, random, 200);
            store.awaitBackgroundSnapshot();
        }
        List<Path> snapshots = files(dir, "snapshot-");
        List<Path> segments = files(dir, "journal-");
        assertThat(snapshots).as("taken automatically, the newest two kept").hasSize(2);
        assertThat(segments).as("the first segment is covered and gone").noneMatch(p -> p.getFileName().toString()
                .equals("journal-00000000000000000001.log"));
        assertThat(segments.size()).as("200 credits of ~70 bytes would fill 35 segments of 400 bytes")
                .isLessThan(15);
        for (Path segment : segments.subList(0, segments.size() - 1)) {
            assertThat(Files.size(segment)).as("%s rotated by size", segment).isBetween(1L, 400L + 200);
        }
        try (JournalledAccountStore store = JournalledAccountStore.open(dir, new MutableClock(T0), TTL, small)) {
            assertThat(balances(store)).isEqualTo(before);
            before = credit(store, random, 100);
        }
        try (JournalledAccountStore store = JournalledAccountStore.open(dir, new MutableClock(T0), TTL, small)) {
            assertThat(balances(store)).as("after a second round of rotation and snapshots").isEqualTo(before);
        }
    }

    @Test
    void closingWhileSnapshotsRunLeavesARecoverableDirectory(@TempDir Path dir) throws IOException {
        JournalSettings small = new JournalSettings(150, 1, 64);
        Random random = new Random(7);
        Map<String, Money> before;
        try (JournalledAccountStore store = JournalledAccountStore.open(dir, new MutableClock(T0), TTL, small)) {
            for (String id : ACCOUNTS) {
                store.create(id, Money.parse("1", "USD"));
            }
            before = credit(store, random, 60);
        } // closes at once, with snapshots requested, maybe running
        assertThat(files(dir, "snapshot-")).as("snapshots were taken while writing; none left half-written")
                .isNotEmpty().noneMatch(p -> p.toString().endsWith(".tmp"));
        try (JournalledAccountStore store = JournalledAccountStore.open(dir, new MutableClock(T0), TTL, small)) {
            assertThat(balances(store)).isEqualTo(before);
        }
    }

    @Test
    void aSegmentFarLargerThanTheReadBufferIsStreamed(@TempDir Path dir) throws IOException {
        JournalSettings tinyBuffer = new JournalSettings(1L << 30, 0, 16);
        Random random = new Random(3);
        Map<String, Money> before;
        try (JournalledAccountStore store = JournalledAccountStore.open(dir, new MutableClock(T0), TTL, tinyBuffer)) {
            for (String id : ACCOUNTS) {
                store.create(id, Money.parse("1", "USD"));
            }
            before = credit(store, random, 400);
        }
        Path segment = files(dir, "journal-").get(0);
        assertThat(Files.size(segment)).isGreaterThan(400L * 16);
        try (JournalledAccountStore store = JournalledAccountStore.open(dir, new MutableClock(T0), TTL, tinyBuffer)) {
            assertThat(balances(store)).isEqualTo(before);
        }
        List<Long> frames = frameOffsets(segment);
        long damaged = frames.get(frames.size() - 5);
        flip(segment, damaged + 9);
        assertThatThrownBy(() -> JournalledAccountStore.open(dir, new MutableClock(T0), TTL, tinyBuffer))
                .isInstanceOfSatisfying(JournalCorruptException.class, e -> {
                    assertThat(e.offset()).isEqualTo(damaged);
                    assertThat(e.file()).isEqualTo(segment);
                })
                .hasMessageContaining("byte " + damaged);
    }

    @Test
    void settingsRefuseNonsense() {
        assertThatThrownBy(() -> new JournalSettings(0, 1, 1024)).hasMessageContaining("segmentBytes");
        assertThatThrownBy(() -> new JournalSettings(1024, -1, 1024)).hasMessageContaining("snapshotEverySegments");
        assertThatThrownBy(() -> new JournalSettings(1024, 1, 8)).hasMessageContaining("readBufferBytes");
    }
}
