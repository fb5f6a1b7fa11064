package dev.softswitch.charging.fairuse;

import dev.softswitch.charging.MutableClock;
import dev.softswitch.charging.account.FairUseStanding;
import dev.softswitch.charging.account.JournalledAccountStore;
import dev.softswitch.charging.money.Money;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** Fair-use suspensions survive a restart, from the journal and from a snapshot (FUP-2). */
class FairUseRecoveryTest {

    private static final Instant T0 = Instant.parse("2026-03-02T01:00:00Z");

    private final MutableClock clock = new MutableClock(T0);

    @TempDir
    Path dir;

    private JournalledAccountStore open() throws Exception {
        return JournalledAccountStore.open(dir, clock, Duration.ofMinutes(2));
    }

    private static void suspend(JournalledAccountStore store) {
        store.create("alice", Money.parse("5", "USD"));
        store.administration().recordFairUse("alice", "short_calls", "warn", null, "21 short calls");
        store.administration().recordFairUse("alice", "short_calls", "suspend_account",
                T0.plus(Duration.ofHours(1)), "31 short calls");
        store.administration().recordFairUse("alice", "call_burst", "suspend_plan", Instant.MAX, "41 attempts");
    }

    private static void assertSuspended(JournalledAccountStore store) {
        FairUseStanding s = store.administration().fairUse("alice");
        assertThat(s.accountUntil()).isEqualTo(T0.plus(Duration.ofHours(1)));
        assertThat(s.accountReason()).isEqualTo("31 short calls");
        assertThat(s.planUntil()).isEqualTo(Instant.MAX);
        assertThat(s.actions()).extracting(FairUseStanding.Action::reason)
                .containsExactly("21 short calls", "31 short calls", "41 attempts");
    }

    @Test
    void aSuspensionIsReplayedFromTheJournal() throws Exception {
        try (JournalledAccountStore store = open()) {
            suspend(store);
        }
        try (JournalledAccountStore store = open()) {
            assertSuspended(store);
        }
    }

    @Test
    void aSuspensionIsKeptInASnapshotAndALiftAfterItIsReplayed() throws Exception {
        try (JournalledAccountStore store = open()) {
            suspend(store);
            store.snapshot();
        }
        try (JournalledAccountStore store = open()) {
            assertSuspended(store);
            store.administration().resume("alice", "ops", "checked");
        }
        try (JournalledAccountStore store = open()) {
            FairUseStanding s = store.administration().fairUse("alice");
            assertThat(s.accountSuspendedAt(T0)).isFalse();
            assertThat(s.planSuspendedAt(T0)).isFalse();
            assertThat(s.liftedAt()).isEqualTo(T0);
            assertThat(s.actions()).hasSize(3);
        }
    }

    @Test
    void onlyTheLatestActionsAreKeptPerAccount() throws Exception {
        try (JournalledAccountStore store = open()) {
            store.create("bob", Money.parse("5", "USD"));
            for (int i = 0; i < FairUseStanding.MAX_ACTIONS + 5; i++) {
                store.administration().recordFairUse("bob", "concurrent_calls", "refuse_call", null, "n" + i);
            }
            assertThat(store.administration().fairUse("bob").actions()).hasSize(FairUseStanding.MAX_ACTIONS)
                    .last().extracting(FairUseStanding.Action::reason).isEqualTo("n" + (FairUseStanding.MAX_ACTIONS + 4));
        }
    }
}
