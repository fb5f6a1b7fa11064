package dev.softswitch.charging.journal;

import dev.softswitch.charging.MutableClock;
import dev.softswitch.charging.account.JournalledAccountStore;
import dev.softswitch.charging.money.Money;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
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
import static org.assertj.core.api.Assertions.fail;

/**
 * CHG-7, issue 12 bug 1 as a property: random credits over random segment sizes (with automatic snapshots), then
 * one flipped byte at a random offset of a random segment or snapshot. Either the store opens with exactly the acknowledged
 * state, or that state minus the last record when the flip hit the last frame of the last segment (a torn tail); or
 * it refuses, naming the damaged file and an offset at or before the flip, and leaves the file as it was. It never
 * opens having silently lost an acknowledged record from the middle.
 */
class JournalCorruptionPropertyTest {

    private static final List<String> ACCOUNTS = List.of("p1", "p2", "p3");
    private static final int RUNS = 60;

    @Test
    void oneFlippedByteNeverSilentlyLosesAnAcknowledgedRecord(@TempDir Path root) throws IOException {
        long base = Long.getLong("journal.seed", System.nanoTime());
        int opened = 0;
        int refused = 0;
        for (int run = 0; run < RUNS; run++) {
            long seed = base + run;
            String where = "journal property seed " + seed + " (rerun with -Djournal.seed=" + seed + ")";
            Random random = new Random(seed);
            Path dir = root.resolve("run" + run);
            JournalSettings settings = new JournalSettings(100 + random.nextInt(2_000), random.nextInt(3), 16
                    + random.nextInt(200));
            Map<String, Long> acked = new HashMap<>();
            String lastAccount;
            long lastAmount;
            try (JournalledAccountStore store = JournalledAccountStore.open(dir, new MutableClock(T0), TTL, settings)) {
                for (String id : ACCOUNTS) {
                    store.create(id, Money.zero("USD"));
                    acked.put(id, 0L);
                }
                int n = 1 + random.nextInt(80);
                String id = null;
                long amount = 0;
                for (int i = 0; i < n; i++) {
                    id = ACCOUNTS.get(random.nextInt(ACCOUNTS.size()));
                    amount = 1 + random.nextInt(1_000_000);
                    store.credit(id, new Money(amount, "USD"));
                    acked.merge(id, amount, Long::sum);
                }
                lastAccount = id;
                lastAmount = amount;
                store.awaitBackgroundSnapshot();
            }
            List<Path> segments = files(dir, "journal-");
            List<Path> victims = new ArrayList<>(segments);
            victims.addAll(files(dir, "snapshot-"));
            Path victim = victims.get(random.nextInt(victims.size()));
            if (Files.size(victim) == 0) {
                continue; // a segment just started: nothing to damage
            }
            long offset = (long) (random.nextDouble() * Files.size(victim));
            List<Long> frames = segments.contains(victim) ? frameOffsetsOrEmpty(victim) : List.of();
            flip(victim, offset);
            byte[] damaged = Files.readAllBytes(victim);
            boolean inLastFrame = victim.equals(segments.get(segments.size() - 1)) && !frames.isEmpty()
                    && offset >= frames.get(frames.size() - 1);
            try (JournalledAccountStore store = JournalledAccountStore.open(dir, new MutableClock(T0), TTL, settings)) {
                Map<String, Long> now = new HashMap<>();
                for (String id : ACCOUNTS) {
                    now.put(id, store.balance(id).orElseThrow().micros());
                }
                Map<String, Long> torn = new HashMap<>(acked);
                torn.merge(lastAccount, -lastAmount, Long::sum);
                if (!now.equals(acked)) {
                    assertThat(inLastFrame).as("%s: opened with %s instead of %s after a flip at byte %d of %s",
                            where, now, acked, offset, victim).isTrue();
                    assertThat(now).as("%s: only the torn last record may be missing", where).isEqualTo(torn);
                }
                opened++;
            } catch (JournalCorruptException e) {
                assertThat(e.getMessage()).as(where).contains(victim.toString()).contains("byte " + e.offset());
                assertThat(e.file()).as(where).isEqualTo(victim);
                assertThat(e.offset()).as("%s: reported offset vs flip at %d", where, offset)
                        .isLessThanOrEqualTo(offset);
                assertThat(Arrays.equals(Files.readAllBytes(victim), damaged)).as("%s: file left alone", where)
                        .isTrue();
                refused++;
            } catch (IOException | RuntimeException e) {
                fail(where + ": unexpected " + e, e);
            }
        }
        assertThat(opened).as("some runs opened (torn tails)").isPositive();
        assertThat(refused).as("some runs refused (middle damage)").isPositive();
    }

    /** The frame offsets of an undamaged segment; empty if the walk goes astray. */
    private static List<Long> frameOffsetsOrEmpty(Path segment) {
        try {
            return frameOffsets(segment);
        } catch (IOException e) {
            return new ArrayList<>();
        }
    }
}
