package dev.softswitch.charging.account;

import dev.softswitch.charging.MutableClock;
import dev.softswitch.charging.cdr.ChargedCall;
import dev.softswitch.charging.journal.JournalCorruptException;
import dev.softswitch.charging.money.Money;
import dev.softswitch.charging.session.Authorisation;
import dev.softswitch.charging.session.ChargingEngine;
import dev.softswitch.charging.tariff.Rate;
import dev.softswitch.charging.tariff.RateSchedule;
import dev.softswitch.charging.tariff.RateTable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * ACC-1, CHG-7, issue 14: a snapshot files the usage history each account gained since the snapshot before into a
 * history file of its own, instead of every account's whole history into every snapshot (one busy account made
 * each snapshot 88 MB and stalled charging while it was written).
 */
class UsageHistoryFilesTest {

    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
    private static final Duration TTL = Duration.ofMinutes(2);
    private static final RateTable DECK = RateTable.of("test", List.of(
            new Rate("44", "UK", Money.parse("0.06", "USD"), Money.zero("USD"), 60, 60)));

    private final MutableClock clock = new MutableClock(T0);

    private void settle(ChargingEngine engine, String account, String callId, String number) {
        Authorisation a = engine.authorise(callId, account, number);
        assertThat(a).as(callId).isInstanceOf(Authorisation.Granted.class);
        var session = ((Authorisation.Granted) a).session();
        session.start(clock.instant());
        clock.advance(Duration.ofSeconds(20));
        session.end(clock.instant());
    }

    private static List<Path> files(Path dir, String prefix) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith(prefix)
                    && p.getFileName().toString().endsWith(".bin")).sorted().toList();
        }
    }

    private static List<String> view(List<ChargedCall> usage) {
        return usage.stream().map(c -> c.callId() + " " + c.destination() + " " + c.endedAt() + " "
                + c.amountMicros() + " " + c.lotDebits()).toList();
    }

    @Test
    void aSnapshotHoldsWhatChangedSinceTheOneBeforeNotTheWholeHistory(@TempDir Path dir) throws IOException {
        List<String> before;
        try (JournalledAccountStore store = JournalledAccountStore.open(dir, clock, TTL)) {
            ChargingEngine engine = new ChargingEngine(store, RateSchedule.of(DECK), clock, TTL);
            store.create("busy", Money.parse("1000", "USD"));
            store.create("quiet", Money.parse("5", "USD"));
            for (int i = 0; i < 2_000; i++) {
                settle(engine, "busy", "c" + i, "447700900" + (100 + i % 800));
            }
            settle(engine, "quiet", "q1", "447700900999");
            store.snapshot();
            long firstSnapshot = Files.size(files(dir, "snapshot-").get(0));
            long firstHistory = Files.size(files(dir, "history-").get(0));
            for (int i = 2_000; i < 2_010; i++) {
                settle(engine, "busy", "c" + i, "447700900123");
            }
            store.snapshot();
            List<Path> snapshots = files(dir, "snapshot-");
            List<Path> history = files(dir, "history-");
            assertThat(history).hasSize(2);
            assertThat(Files.size(snapshots.get(1))).as("the second snapshot does not hold the 2,010 calls")
                    .isLessThan(firstSnapshot + 1_000).isLessThan(firstHistory / 50);
            assertThat(Files.size(history.get(1))).as("the second history file holds the 10 new calls only")
                    .isLessThan(firstHistory / 100);
            settle(engine, "busy", "after", "447700900124"); // only in the journal
            before = view(store.usage("busy", Instant.MIN, Instant.MAX));
            assertThat(before).hasSize(2_011);
        }
        try (JournalledAccountStore again = JournalledAccountStore.open(dir, clock, TTL)) {
            assertThat(view(again.usage("busy", Instant.MIN, Instant.MAX))).isEqualTo(before);
            assertThat(again.usage("quiet", Instant.MIN, Instant.MAX)).extracting(ChargedCall::callId)
                    .containsExactly("q1");
            again.snapshot(); // files the call recovered from the journal, once
            ChargingEngine engine = new ChargingEngine(again, RateSchedule.of(DECK), clock, TTL);
            settle(engine, "busy", "later", "447700900125");
            again.snapshot();
        }
        try (JournalledAccountStore third = JournalledAccountStore.open(dir, clock, TTL)) {
            List<String> usage = view(third.usage("busy", Instant.MIN, Instant.MAX));
            assertThat(usage).hasSize(2_012).startsWith(before.toArray(String[]::new));
            assertThat(usage.get(2_011)).startsWith("later ");
        }
    }

    @Test
    void aMissingHistoryFileRefusesToStartNamingItAndChangesNothing(@TempDir Path dir) throws IOException {
        try (JournalledAccountStore store = JournalledAccountStore.open(dir, clock, TTL)) {
            ChargingEngine engine = new ChargingEngine(store, RateSchedule.of(DECK), clock, TTL);
            store.create("u1", Money.parse("5", "USD"));
            settle(engine, "u1", "c1", "447700900123");
            store.snapshot();
        }
        Path history = files(dir, "history-").get(0);
        Files.delete(history);
        List<Path> left;
        try (Stream<Path> s = Files.list(dir)) {
            left = s.sorted().toList();
        }
        assertThatThrownBy(() -> JournalledAccountStore.open(dir, clock, TTL))
                .isInstanceOf(JournalCorruptException.class)
                .hasMessageContaining(history.getFileName().toString())
                .hasMessageContaining("is missing")
                .hasMessageContaining("Restore");
        try (Stream<Path> s = Files.list(dir)) {
            assertThat(s.sorted().toList()).isEqualTo(left);
        }
    }

    @Test
    void callsOlderThanTheRetentionLeaveMemoryAndTheirFilesLeaveTheDisk(@TempDir Path dir) throws IOException {
        try (JournalledAccountStore store = JournalledAccountStore.open(dir, clock, TTL)) {
            ChargingEngine engine = new ChargingEngine(store, RateSchedule.of(DECK), clock, TTL);
            store.create("u1", Money.parse("50", "USD"));
            settle(engine, "u1", "old", "447700900123");
            store.snapshot();
            Path oldFile = files(dir, "history-").get(0);
            clock.advance(Duration.ofDays(100));
            settle(engine, "u1", "mid", "447700900123");
            store.snapshot();
            assertThat(store.usage("u1", Instant.MIN, Instant.MAX)).extracting(ChargedCall::callId)
                    .containsExactly("old", "mid");
            clock.advance(Duration.ofDays(81)); // "old" ended 181 days ago, "mid" 81
            settle(engine, "u1", "new", "447700900123");
            store.snapshot();
            assertThat(store.usage("u1", Instant.MIN, Instant.MAX)).extracting(ChargedCall::callId)
                    .containsExactly("mid", "new");
            assertThat(files(dir, "history-")).as("kept while the snapshot before lists it").contains(oldFile);
            store.snapshot();
            assertThat(files(dir, "history-")).doesNotContain(oldFile).hasSize(2);
        }
        try (JournalledAccountStore again = JournalledAccountStore.open(dir, clock, TTL)) {
            assertThat(again.usage("u1", Instant.MIN, Instant.MAX)).extracting(ChargedCall::callId)
                    .containsExactly("mid", "new");
        }
    }

    @Test
    void aDeletedAccountsNumbersLeaveTheHistoryFilesBeforeTheSnapshotIsInstalled(@TempDir Path dir)
            throws IOException {
        byte[] number = "447700900123".getBytes(StandardCharsets.US_ASCII);
        try (JournalledAccountStore store = JournalledAccountStore.open(dir, clock, TTL)) {
            ChargingEngine engine = new ChargingEngine(store, RateSchedule.of(DECK), clock, TTL);
            store.create("gone", Money.parse("5", "USD"));
            store.create("stays", Money.parse("5", "USD"));
            settle(engine, "gone", "c1", "447700900123");
            settle(engine, "stays", "c2", "447700900777");
            store.snapshot();
            assertThat(containing(dir, number)).as("filed as dialled").hasSize(1);
            store.administration().anonymise("gone", "ops");
            store.snapshot();
            assertThat(containing(dir, number)).as("no history file keeps the number").isEmpty();
            assertThat(containing(dir, "447700900777".getBytes(StandardCharsets.US_ASCII)))
                    .as("another account's calls are untouched").hasSize(1);
        }
        try (JournalledAccountStore again = JournalledAccountStore.open(dir, clock, TTL)) {
            assertThat(again.usage("gone", Instant.MIN, Instant.MAX)).extracting(ChargedCall::destination)
                    .containsExactly("44");
            assertThat(again.usage("stays", Instant.MIN, Instant.MAX)).extracting(ChargedCall::destination)
                    .containsExactly("447700900777");
        }
    }

    private static List<Path> containing(Path dir, byte[] needle) throws IOException {
        return files(dir, "history-").stream().filter(p -> {
            try {
                byte[] bytes = Files.readAllBytes(p);
                outer:
                for (int i = 0; i + needle.length <= bytes.length; i++) {
                    for (int j = 0; j < needle.length; j++) {
                        if (bytes[i + j] != needle[j]) {
                            continue outer;
                        }
                    }
                    return true;
                }
                return false;
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }).toList();
    }
}
