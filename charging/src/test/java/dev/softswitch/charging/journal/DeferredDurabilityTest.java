package dev.softswitch.charging.journal;

import dev.softswitch.charging.MutableClock;
import dev.softswitch.charging.account.JournalledAccountStore;
import dev.softswitch.charging.event.JournalEvent;
import dev.softswitch.charging.money.Money;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static dev.softswitch.charging.journal.JournalDamageTest.T0;
import static dev.softswitch.charging.journal.JournalDamageTest.TTL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Issue 14: an operation run inside {@link DeferredDurability#run} returns without waiting for the fsync, and its
 * acknowledgement ({@link DeferredDurability#whenDurable}) completes only once what it journalled is durable; the
 * file journal's writer spaces its fsyncs by the commit interval.
 */
class DeferredDurabilityTest {

    /** Records what is asked of it; durability is the test's to give. */
    private static final class RecordingJournal implements Journal {
        final List<Long> asked = new ArrayList<>();
        final CompletableFuture<Void> durable = new CompletableFuture<>();
        long waitedFor = -1;

        @Override
        public long append(JournalEvent event) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void awaitDurable(long seq) {
            if (!DeferredDurability.owe(this, seq)) {
                waitedFor = seq;
            }
        }

        @Override
        public CompletableFuture<Void> whenDurable(long seq) {
            asked.add(seq);
            return durable;
        }

        @Override
        public boolean available() {
            return true;
        }

        @Override
        public void close() {
        }
    }

    @Test
    void aScopeOwesTheHighestWaitAndTheAcknowledgementWaitsForIt() {
        RecordingJournal journal = new RecordingJournal();
        DeferredDurability owed = DeferredDurability.run(() -> {
            journal.awaitDurable(7);
            journal.awaitDurable(12);
            journal.awaitDurable(9);
        });
        assertThat(journal.waitedFor).as("no wait on the calling thread").isEqualTo(-1);
        assertThat(owed.owes()).isTrue();
        CompletableFuture<Void> ack = owed.whenDurable();
        assertThat(journal.asked).containsExactly(12L);
        assertThat(ack).isNotDone();
        journal.durable.complete(null);
        assertThat(ack).isCompleted();
    }

    @Test
    void outsideAScopeTheCallerWaitsAndAScopeThatOwedNothingIsDoneAtOnce() {
        RecordingJournal journal = new RecordingJournal();
        journal.awaitDurable(3);
        assertThat(journal.waitedFor).isEqualTo(3);
        DeferredDurability nothing = DeferredDurability.run(() -> { });
        assertThat(nothing.owes()).isFalse();
        assertThat(nothing.whenDurable()).isCompleted();
        assertThat(journal.asked).isEmpty();
    }

    @Test
    void aSecondJournalInOneScopeIsWaitedForOnTheSpotAndNestedScopesKeepTheirOwn() {
        RecordingJournal first = new RecordingJournal();
        RecordingJournal second = new RecordingJournal();
        DeferredDurability[] inner = new DeferredDurability[1];
        DeferredDurability outer = DeferredDurability.run(() -> {
            first.awaitDurable(4);
            second.awaitDurable(5);
            inner[0] = DeferredDurability.run(() -> second.awaitDurable(6));
            first.awaitDurable(8);
        });
        assertThat(second.waitedFor).as("one scope owes one journal's wait; the other is waited for").isEqualTo(5);
        assertThat(inner[0].owes()).isTrue();
        inner[0].whenDurable();
        assertThat(second.asked).containsExactly(6L);
        outer.whenDurable();
        assertThat(first.asked).as("the outer scope again after the inner one closed").containsExactly(8L);
        assertThatThrownBy(() -> DeferredDurability.run(() -> {
            throw new IllegalStateException("boom");
        })).hasMessage("boom");
        first.awaitDurable(9);
        assertThat(first.waitedFor).as("no scope left open after a failure").isEqualTo(9);
    }

    @Test
    void aDeferredCreditIsAcknowledgedOnlyOnceTheFileJournalHasMadeItDurable(@TempDir Path dir) throws Exception {
        JournalSettings settings = JournalSettings.defaults().withCommitInterval(Duration.ofMillis(20));
        try (JournalledAccountStore store = JournalledAccountStore.open(dir, new MutableClock(T0), TTL, settings)) {
            store.create("d1", Money.parse("1", "USD"));
            FileJournal journal = (FileJournal) store.journal();
            List<DeferredDurability> owed = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                owed.add(DeferredDurability.run(() -> store.credit("d1", Money.parse("0.01", "USD"))));
            }
            assertThat(store.balance("d1")).contains(Money.parse("1.50", "USD"));
            for (DeferredDurability d : owed) {
                CompletableFuture<Void> ack = d.whenDurable();
                long durableBefore = journal.durableSeq();
                ack.get(10, TimeUnit.SECONDS);
                assertThat(journal.durableSeq()).isGreaterThanOrEqualTo(durableBefore);
            }
            long last = journal.durableSeq();
            assertThat(journal.whenDurable(last)).as("durable already").isCompleted();
            ExecutionException never = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                    () -> journal.whenDurable(last + 1).get(10, TimeUnit.SECONDS));
            assertThat(never.getCause()).isInstanceOf(JournalUnavailableException.class)
                    .hasMessageContaining("never queued");
        }
        try (JournalledAccountStore again = JournalledAccountStore.open(dir, new MutableClock(T0), TTL, settings)) {
            assertThat(again.balance("d1")).as("every acknowledged credit recovered").contains(
                    Money.parse("1.50", "USD"));
        }
    }

    @Test
    void theWriterSpacesItsFsyncsByTheCommitInterval(@TempDir Path dir) throws IOException {
        JournalSettings settings = JournalSettings.defaults().withCommitInterval(Duration.ofMillis(20));
        try (JournalledAccountStore store = JournalledAccountStore.open(dir, new MutableClock(T0), TTL, settings)) {
            store.create("d2", Money.parse("1", "USD"));
            FileJournal journal = (FileJournal) store.journal();
            long syncs = journal.syncs();
            long start = System.nanoTime();
            for (int i = 0; i < 5; i++) {
                store.credit("d2", Money.parse("0.01", "USD")); // waits for its own fsync
            }
            long elapsed = System.nanoTime() - start;
            assertThat(journal.syncs() - syncs).isEqualTo(5);
            assertThat(Duration.ofNanos(elapsed)).as("five fsyncs at least 20 ms apart (a lower bound only)")
                    .isGreaterThanOrEqualTo(Duration.ofMillis(80));
        }
    }

    /**
     * What waits on an acknowledgement may fail while the writer completes it (an executor that refuses work while
     * the gateway shuts down): that dependent fails, not the writer, so later changes still become durable.
     */
    @Test
    void anAcknowledgementThatThrowsDoesNotStopTheWriter(@TempDir Path dir) throws Exception {
        FileJournal.Replayer nothing = new FileJournal.Replayer() {
            @Override
            public void loadSnapshot(java.io.DataInput in) {
            }

            @Override
            public void replay(long seq, JournalEvent event) {
            }
        };
        try (FileJournal journal = FileJournal.recover(dir, nothing)) {
            long first = journal.append(new JournalEvent.AccountOpened("a", T0, "USD", "UTC", "1", -1, 0));
            CompletableFuture<Void> refused = journal.whenDurable(first).thenRunAsync(() -> { }, task -> {
                throw new java.util.concurrent.RejectedExecutionException("executor shut down");
            });
            CompletableFuture<Void> sameBatch = journal.whenDurable(first);
            long second = journal.append(new JournalEvent.AccountOpened("b", T0, "USD", "UTC", "1", -1, 0));
            CompletableFuture<Void> later = journal.whenDurable(second);
            journal.awaitDurable(second);
            assertThat(later).succeedsWithin(Duration.ofSeconds(5));
            assertThat(sameBatch).succeedsWithin(Duration.ofSeconds(5));
            assertThat(refused).failsWithin(Duration.ofSeconds(5)).withThrowableOfType(ExecutionException.class)
                    .withCauseInstanceOf(java.util.concurrent.RejectedExecutionException.class);
            long third = journal.append(new JournalEvent.AccountOpened("c", T0, "USD", "UTC", "1", -1, 0));
            assertThat(journal.whenDurable(third)).succeedsWithin(Duration.ofSeconds(5));
        }
    }

    @Test
    void theCommitIntervalIsBounded() {
        assertThatThrownBy(() -> JournalSettings.defaults().withCommitInterval(Duration.ofMillis(51)))
                .hasMessageContaining("commitInterval must be between 0 and 50ms");
        assertThatThrownBy(() -> JournalSettings.defaults().withCommitInterval(Duration.ofMillis(-1)))
                .hasMessageContaining("commitInterval");
        assertThat(JournalSettings.defaults().commitInterval()).isZero();
    }
}
