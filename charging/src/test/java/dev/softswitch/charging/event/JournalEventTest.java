package dev.softswitch.charging.event;

import dev.softswitch.charging.event.JournalEvent.AccountOpened;
import dev.softswitch.charging.event.JournalEvent.Adjusted;
import dev.softswitch.charging.event.JournalEvent.CallStarted;
import dev.softswitch.charging.event.JournalEvent.LotForfeited;
import dev.softswitch.charging.event.JournalEvent.LotPurchased;
import dev.softswitch.charging.event.JournalEvent.PackageSubscribed;
import dev.softswitch.charging.event.JournalEvent.PlanExpired;
import dev.softswitch.charging.event.JournalEvent.PlanPurchased;
import dev.softswitch.charging.event.JournalEvent.Refunded;
import dev.softswitch.charging.event.JournalEvent.Released;
import dev.softswitch.charging.event.JournalEvent.Reserved;
import dev.softswitch.charging.event.JournalEvent.Settled;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Every event reaches the {@link JournalEvent.Applier} method for its own type, and only that one. */
class JournalEventTest {

    private static final Instant T0 = Instant.parse("2025-05-10T00:00:00Z");

    static Stream<Arguments> events() {
        return Stream.of(
                new AccountOpened("a", T0, "USD", "UTC", "", -1, 0),
                new LotPurchased("a", T0, 1, 5, Instant.MAX, "web"),
                new LotForfeited("a", T0, 1, 5),
                new Reserved("a", T0, 1, "c1", new long[] {1, 5}, 0, 0, 0, "2025-05", 0),
                new Settled("a", T0, 1, new long[0], new long[0], true, 0, 0, 0, "2025-05", null),
                new Released("a", T0, 1, false),
                new PlanPurchased("a", T0, 1, "p", List.of("1"), 10, 5, T0, false),
                new PlanExpired("a", T0, 1, 10),
                new PackageSubscribed("a", T0, "pkg", 10, List.of("1")),
                new Adjusted("a", T0, "c1", 5, "goodwill", 2, new long[0]),
                new Refunded("a", T0, new long[] {1, 5}),
                new CallStarted("a", T0, 1, null),
                new JournalEvent.ProfileRecorded("a", T0, "ops", "+4474", "GB", java.util.Map.of("MD5", "x")),
                new JournalEvent.SuspensionChanged("a", T0, "ops", true, "why"),
                new JournalEvent.Anonymised("a", T0, "ops"),
                new JournalEvent.OperatorActed("a", T0, "ops", "act", "detail")).map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("events")
    void reachesItsOwnApplyMethod(JournalEvent event) {
        Recorder recorder = new Recorder();
        event.applyTo(recorder);
        assertThat(recorder.applied).containsExactly(event.getClass());
    }

    /** Records which of its methods was called, by the type that method takes. */
    private static final class Recorder implements JournalEvent.Applier {
        final List<Class<?>> applied = new ArrayList<>();

        @Override
        public void apply(AccountOpened e) {
            applied.add(AccountOpened.class);
        }

        @Override
        public void apply(LotPurchased e) {
            applied.add(LotPurchased.class);
        }

        @Override
        public void apply(LotForfeited e) {
            applied.add(LotForfeited.class);
        }

        @Override
        public void apply(Reserved e) {
            applied.add(Reserved.class);
        }

        @Override
        public void apply(Settled e) {
            applied.add(Settled.class);
        }

        @Override
        public void apply(Released e) {
            applied.add(Released.class);
        }

        @Override
        public void apply(PlanPurchased e) {
            applied.add(PlanPurchased.class);
        }

        @Override
        public void apply(PlanExpired e) {
            applied.add(PlanExpired.class);
        }

        @Override
        public void apply(PackageSubscribed e) {
            applied.add(PackageSubscribed.class);
        }

        @Override
        public void apply(Adjusted e) {
            applied.add(Adjusted.class);
        }

        @Override
        public void apply(Refunded e) {
            applied.add(Refunded.class);
        }

        @Override
        public void apply(JournalEvent.OperatorEvent e) {
            applied.add(e.getClass());
        }

        @Override
        public void apply(CallStarted e) {
            applied.add(CallStarted.class);
        }
    }
}
