package dev.softswitch.charging.journal;

import dev.softswitch.charging.event.JournalEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static dev.softswitch.charging.journal.JournalDamageTest.T0;
import static dev.softswitch.charging.journal.JournalDamageTest.files;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** CHG-7, issue 12 bug 2: a snapshot is read back and checked before anything older is deleted. */
class FileJournalSnapshotTest {

    private static final JournalSettings SETTINGS = new JournalSettings(1 << 20, 0, 64);

    /** Remembers what recovery hands it. */
    private static final class Recorder implements FileJournal.Replayer {
        final List<Long> seqs = new ArrayList<>();
        int snapshotValue = -1;

        @Override
        public void loadSnapshot(DataInput in) throws IOException {
            snapshotValue = in.readInt();
        }

        @Override
        public void replay(long seq, JournalEvent event) {
            seqs.add(seq);
        }
    }

    private static FileJournal.SnapshotSource source(int value, long covered, boolean readsBackRight) {
        return new FileJournal.SnapshotSource() {
            @Override
            public long writeTo(DataOutput out) throws IOException {
                out.writeInt(value);
                return covered;
            }

            @Override
            public void verify(DataInput in) throws IOException {
                if (in.readInt() != value || !readsBackRight) {
                    throw new IOException("read back something else");
                }
            }
        };
    }

    private static void append(FileJournal journal, int n) {
        long seq = 0;
        for (int i = 0; i < n; i++) {
            seq = journal.append(new JournalEvent.AccountOpened("a" + i, T0, "USD", "UTC", "1", -1, 0));
        }
        journal.awaitDurable(seq);
    }

    @Test
    void aSnapshotThatDoesNotReadBackRightIsMovedAsideAndNothingOlderIsDeleted(@TempDir Path dir) throws IOException {
        try (FileJournal journal = FileJournal.recover(dir, SETTINGS, new Recorder())) {
            append(journal, 3);
            journal.snapshot(source(7, 3, true));
            append(journal, 2);
            journal.snapshot(source(9, 5, true));
            append(journal, 2);
            List<Path> segmentsBefore = files(dir, "journal-");
            List<Path> snapshotsBefore = files(dir, "snapshot-");
            assertThatThrownBy(() -> journal.snapshot(source(11, 7, false)))
                    .hasMessageContaining("does not read back as written");
            assertThat(files(dir, "snapshot-")).as("the bad one moved aside next to the good ones")
                    .containsAll(snapshotsBefore).hasSize(snapshotsBefore.size() + 1)
                    .anyMatch(p -> p.toString().endsWith(".corrupt"));
            assertThat(files(dir, "journal-")).containsAll(segmentsBefore);
            append(journal, 1);
        }
        Recorder recorder = new Recorder();
        try (FileJournal journal = FileJournal.recover(dir, SETTINGS, recorder)) {
            assertThat(recorder.snapshotValue).isEqualTo(9);
            assertThat(recorder.seqs).containsExactly(6L, 7L, 8L);
            assertThat(journal.durableSeq()).isEqualTo(8);
        }
    }
}
