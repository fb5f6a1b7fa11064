package dev.softswitch.charging.journal;

import dev.softswitch.charging.account.JournalledAccountStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * CHG-7: runs the engine in a child JVM ({@link CrashDriver}), kills it with {@code kill -9}
 * ({@link Process#destroyForcibly}) after a random number of acknowledged operations, recovers the journal and
 * checks that every account holds exactly what was acknowledged (or, for the one operation in flight on each
 * driver thread, exactly what that operation would have left): balance, reservations and call records.
 */
class JournalCrashTest {

    private static final int KILLS = 5;

    /** Balance, reserved micros and number of recorded calls of one account. */
    private record AccountView(long balance, long reserved, long calls) {
        static AccountView parse(String[] f) {
            return new AccountView(Long.parseLong(f[2]), Long.parseLong(f[3]), Long.parseLong(f[4]));
        }
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void acknowledgedStateSurvivesKillNine(@TempDir Path dir) throws Exception {
        killAndRecover(dir, 0);
    }

    /** Issue 12 bug 7: kills land during segment rotations and background snapshots too. */
    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void acknowledgedStateSurvivesKillNineAmidRotationsAndSnapshots(@TempDir Path dir) throws Exception {
        killAndRecover(dir, 1_500);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).as("snapshots were taken")
                    .anyMatch(n -> n.startsWith("snapshot-") && n.endsWith(".bin"));
        }
    }

    private void killAndRecover(Path dir, long segmentBytes) throws Exception {
        long seed = Long.getLong("crash.seed", System.nanoTime());
        Random random = new Random(seed);
        String where = "crash test seed " + seed + " (rerun with -Dcrash.seed=" + seed + ")";
        Map<String, AccountView> recovered = null;
        for (int round = 0; round < KILLS; round++) {
            int acksBeforeKill = 20 + random.nextInt(150);
            Process child = new ProcessBuilder(javaBinary(), "-cp", System.getProperty("java.class.path"),
                    "-Xshare:auto", "-XX:TieredStopAtLevel=1", CrashDriver.class.getName(), dir.toString(),
                    Long.toString(random.nextLong()), Long.toString(segmentBytes))
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            Map<String, AccountView> acked = new HashMap<>();
            Map<String, AccountView> inFlight = new HashMap<>();
            int acks = 0;
            try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                boolean ready = false;
                while ((line = in.readLine()) != null) {
                    if (!line.endsWith(" ;")) {
                        continue; // torn by the kill
                    }
                    String[] f = line.split(" ");
                    switch (f[0]) {
                        case "STATE" -> {
                            AccountView state = AccountView.parse(f);
                            if (recovered != null) {
                                // what the child recovered, after handing back the crashed calls' reservations
                                AccountView before = recovered.get(f[1]);
                                assertThat(state).as("%s, round %d: child recovery of %s", where, round, f[1])
                                        .isEqualTo(new AccountView(before.balance(), 0, before.calls()));
                            }
                            acked.put(f[1], state);
                        }
                        case "READY" -> ready = true;
                        case "BEGIN" -> inFlight.put(f[1], AccountView.parse(f));
                        case "ACK" -> {
                            acked.put(f[1], AccountView.parse(f));
                            inFlight.remove(f[1]);
                            if (++acks == acksBeforeKill) {
                                // SIGKILL through the handle, leaving the pipe open to read what was printed before
                                child.toHandle().destroyForcibly();
                            }
                        }
                        default -> fail("%s: unexpected line from child: %s", where, line);
                    }
                }
                assertThat(ready).as("%s, round %d: child got ready", where, round).isTrue();
            } finally {
                child.destroyForcibly();
                child.waitFor(30, TimeUnit.SECONDS);
            }
            assertThat(acks).as("%s, round %d: the child was killed, not finished", where, round)
                    .isGreaterThanOrEqualTo(acksBeforeKill);

            recovered = new HashMap<>();
            try (JournalledAccountStore store = JournalledAccountStore.open(dir,
                    Clock.fixed(CrashDriver.T0, ZoneOffset.UTC), CrashDriver.TTL, CrashDriver.settings(segmentBytes))) {
                for (String id : CrashDriver.ACCOUNTS) {
                    AccountView now = new AccountView(store.balance(id).orElseThrow().micros(),
                            store.reserved(id).micros(), store.usage(id, Instant.MIN, Instant.MAX).size());
                    List<AccountView> allowed = new ArrayList<>();
                    allowed.add(acked.get(id));
                    if (inFlight.containsKey(id)) {
                        allowed.add(inFlight.get(id));
                    }
                    assertThat(allowed).as("%s, round %d after %d acks: %s recovered as %s", where, round, acks, id,
                            now).contains(now);
                    recovered.put(id, now);
                }
                if (round == 2) {
                    store.snapshot(); // later rounds recover from a snapshot plus the journal after it
                }
            }
        }
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
