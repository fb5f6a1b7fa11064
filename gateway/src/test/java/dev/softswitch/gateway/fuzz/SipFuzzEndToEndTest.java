package dev.softswitch.gateway.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.softswitch.gateway.Gateway;
import dev.softswitch.gateway.config.GatewayConfig;
import dev.softswitch.gateway.testing.TestAccounts;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Issue 11's fuzz harness in the normal test run: 20,000 seeded mutations of the captured and torture
 * messages ({@link SipMutator}) through a real gateway's sockets, transport, transaction layer and
 * B2BUA ({@link SipFuzzRun}), with short RFC 3261 timers so every transaction and call attempt ends
 * within seconds. Afterwards: no ERROR log and no logged exception, no 500, no call left, every relay
 * port free, the account's balance as it was (no reservation held), and heap after GC close to where
 * it started. {@code -Dfuzz.mutations=1000000} runs the bench size, {@code -Dfuzz.seed=N} replays a seed.
 */
public class SipFuzzEndToEndTest {

    @TempDir
    Path dir;

    @Test
    void twentyThousandMutationsLeaveNoExceptionCallPortOrReservationBehind() throws Exception {
        long seed = Long.getLong("fuzz.seed", System.nanoTime());
        int mutations = Integer.getInteger("fuzz.mutations", 20_000);
        String report = run(seed, mutations, dir);
        System.out.println(report);
    }

    /** Starts a gateway, fuzzes it, checks it and returns the figures; the seed is in every failure. */
    public static String run(long seed, int mutations, Path dir) throws Exception {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> log = new ListAppender<>() {
            @Override
            protected void append(ILoggingEvent e) {
                if (e.getLevel().isGreaterOrEqual(Level.ERROR) || (e.getThrowableProxy() != null
                        && e.getLevel().isGreaterOrEqual(Level.WARN))) {
                    super.append(e);
                }
            }
        };
        log.start();
        root.addAppender(log);
        int sipPort = freePort();
        int mediaBase = 40000 + 2 * (int) (ProcessHandle.current().pid() % 2000);
        String yaml = """
                sip:
                  listen:
                    - { transport: udp, host: 127.0.0.1, port: %1$d }
                    - { transport: tcp, host: 127.0.0.1, port: %1$d }
                  timers: { t1: 10ms, t2: 80ms, t4: 100ms }
                http: { host: 127.0.0.1, port: %4$d }
                media: { host: 127.0.0.1, portMin: %2$d, portMax: %3$d }
                auth:
                  throttle: { sourceFailuresPerMinute: 100000, accountFailuresPerMinute: 10000, sourceInvitesPerSecond: 10000 }
                trunks:
                  - { name: nowhere, host: 127.0.0.1, port: 9, transport: udp, prefixes: ["44"], probe: false }
                charging:
                  currency: USD
                  rates:
                    - { prefix: "44", destination: UK, perMinute: "0.03", increments: 60/60 }
                  accounts:
                    - { id: alice, balance: "100000.00", number: "+447400000001" }
                cdr: { file: "%5$s" }
                """.formatted(sipPort, mediaBase, mediaBase + 999, freePort(), dir.resolve("calls.jsonl"));
        String seedNote = "fuzz seed " + seed + " (replay: -Dfuzz.seed=" + seed + " -Dfuzz.mutations=" + mutations + ")";
        try (Gateway gateway = Gateway.start(GatewayConfig.parse(TestAccounts.withPasswords(yaml), "fuzz.yaml"))) {
            var balanceBefore = gateway.accounts().balance("alice").orElseThrow();
            long heapBefore = usedHeapAfterGc();
            long started = System.nanoTime();
            SipFuzzRun fuzz = new SipFuzzRun(sipPort, "alice", TestAccounts.password("alice"), seed);
            try (fuzz) {
                fuzz.run(mutations, Integer.getInteger("fuzz.perSecond", 2_000));
                awaitQuiet(gateway, Duration.ofSeconds(20));
            }
            long seconds = Duration.ofNanos(System.nanoTime() - started).toSeconds();
            long heapAfter = usedHeapAfterGc();
            List<String> problems = log.list.stream()
                    .map(e -> e.getLevel() + " " + e.getLoggerName() + ": " + e.getFormattedMessage()
                            + (e.getThrowableProxy() == null ? "" : " / " + e.getThrowableProxy().getClassName()
                            + ": " + e.getThrowableProxy().getMessage()))
                    .distinct().limit(20).toList();
            long methodSeries = gateway.registry().getMeters().stream()
                    .filter(m -> m.getId().getName().equals("sip.requests.received")).count();
            String report = seedNote + ": " + mutations + " mutations in " + seconds + " s; " + fuzz.counts()
                    + "; ERROR or exception logs " + log.list.size() + "; calls_active " + gateway.activeCalls()
                    + "; transactions " + gateway.liveTransactions()
                    + "; relay sessions " + gateway.relay().sessionsActive() + ", ports " + gateway.relay().portsInUse()
                    + "; sip_requests_received_total series " + methodSeries + "; heap after GC " + heapBefore / 1024 + " KB before, " + heapAfter / 1024 + " KB after";
            assertThat(problems).as(report).isEmpty();
            assertThat(fuzz.internalErrors()).as(report).isZero();
            assertThat(gateway.activeCalls()).as(report).isZero();
            assertThat(gateway.liveTransactions()).as(report + ": every transaction ended").isZero();
            assertThat(gateway.relay().sessionsActive()).as(report).isZero();
            assertThat(gateway.relay().portsInUse()).as(report).isZero();
            assertThat(gateway.accounts().balance("alice").orElseThrow()).as(report).isEqualTo(balanceBefore);
            assertThat(methodSeries).as(report + ": random method names must count as OTHER").isLessThanOrEqualTo(20);
            assertThat(heapAfter - heapBefore).as(report + ": heap growth").isLessThan(64L * 1024 * 1024);
            return report;
        } finally {
            root.detachAppender(log);
        }
    }

    private static void awaitQuiet(Gateway gateway, Duration limit) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            // calls, relay sessions and transactions (64·T1 = 640 ms here, with their last retransmissions) all ended
            if (gateway.activeCalls() == 0 && gateway.relay().sessionsActive() == 0 && gateway.liveTransactions() == 0) {
                return;
            }
            Thread.sleep(50);
        }
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
