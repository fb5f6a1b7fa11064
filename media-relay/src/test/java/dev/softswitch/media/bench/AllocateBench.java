package dev.softswitch.media.bench;

import dev.softswitch.media.MediaRelay;
import dev.softswitch.media.MediaRelayConfig;
import dev.softswitch.media.session.RelaySession;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * Session set-up benchmark of the relay (not a test; run by hand): one caller thread, playing the
 * gateway's SIP core, allocates sessions and closes each after a hold time, either with the blocking
 * {@code allocate}/{@code close} or with {@code allocateAsync}/{@code closeAsync}. Reports sessions
 * allocated and closed per second and how long the caller spent inside relay calls (the time the SIP
 * core would stall). Optional busy threads stand in for the rest of the gateway competing for CPU.
 * At most {@value #MAX_LIVE} sessions are open or closing at once; time the caller waits for that
 * window is reported apart, and so is the CPU time of the whole process per session.
 *
 * <p>Arguments: {@code blocking|async|both  rate(0 = unpaced)  seconds  holdMs  busyThreads  [ioThreads]
 * [pool: default|off|on  [quarantineMs]]}, or {@code prebind PAIRS} (start time, eager against lazy). {@code off} and {@code on} set the relay's socket pool
 * (issue 14) by reflection, so that this one source also compiles and runs against a build from
 * before the pool, where only {@code default} (the relay as it was) is accepted. {@code bench/relay-alloc-ab.sh}
 * runs it that way.
 */
public final class AllocateBench {

    private static final int MAX_LIVE = 1000;
    private static final int MAX_SAMPLES = 1 << 22;
    /** The range of {@code bench/gateway-bench.yaml}: room for the live sessions and the pool's quarantine. */
    private static final int PORT_MIN = 10000;
    private static final int PORT_MAX = 32767;

    private record Live(long bornNanos, RelaySession session, CompletableFuture<RelaySession> pending) { }

    private record Result(String mode, long sessions, long failures, double elapsedSeconds, long[] allocNanos,
                          int allocCount, long[] closeNanos, int closeCount, long windowWaitNanos,
                          long processCpuNanos) { }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("prebind")) {
            prebind(Integer.parseInt(args[1]));
            return;
        }
        String modes = args.length > 0 ? args[0] : "both";
        int rate = args.length > 1 ? Integer.parseInt(args[1]) : 0;
        int seconds = Math.min(60, args.length > 2 ? Integer.parseInt(args[2]) : 5);
        int holdMs = args.length > 3 ? Integer.parseInt(args[3]) : 0;
        int busyThreads = args.length > 4 ? Integer.parseInt(args[4]) : 0;
        int ioThreads = args.length > 5 ? Integer.parseInt(args[5]) : 1;
        String pool = args.length > 6 ? args[6] : "default";
        long quarantineMs = args.length > 7 ? Long.parseLong(args[7]) : 500;
        List<String> runs = modes.equals("both") ? List.of("blocking", "async") : List.of(modes);
        System.out.printf("rate=%s seconds=%d hold=%dms busyThreads=%d ioThreads=%d pool=%s%s cores=%d%n",
                rate == 0 ? "unpaced" : rate + "/s", seconds, holdMs, busyThreads, ioThreads, pool,
                pool.equals("on") ? " quarantine=" + quarantineMs + "ms" : "", Runtime.getRuntime().availableProcessors());

        AtomicBoolean busy = new AtomicBoolean(true);
        List<Thread> burners = new ArrayList<>();
        for (int i = 0; i < busyThreads; i++) {
            Thread burner = new Thread(() -> burn(busy), "busy-" + i);
            burner.setDaemon(true);
            burner.start();
            burners.add(burner);
        }
        try {
            for (String mode : runs) {
                try (MediaRelay relay = start(new MediaRelayConfig("127.0.0.1", PORT_MIN, PORT_MAX, ioThreads),
                        pool, quarantineMs)) {
                    run(relay, mode, rate, 1, holdMs); // warm-up
                    print(run(relay, mode, rate, seconds, holdMs));
                }
            }
        } finally {
            busy.set(false);
            for (Thread burner : burners) {
                burner.join();
            }
        }
    }

    /**
     * {@code prebind PAIRS}: how long a relay with the default pool takes to start when it binds
     * {@code PAIRS} port pairs at start (eagerly) rather than as calls come (lazily), and the file
     * descriptors the process then holds. A second start shows the figure with the JIT warm.
     */
    private static void prebind(int pairs) throws Exception {
        Class<?> settings = Class.forName("dev.softswitch.media.session.SocketPoolSettings");
        Object lazy = settings.getField("DEFAULT").get(null);
        Object eager = settings.getMethod("withPrebindPairs", int.class).invoke(lazy, pairs);
        MediaRelayConfig cfg = new MediaRelayConfig("127.0.0.1", PORT_MIN, PORT_MAX, 1);
        for (int round = 1; round <= 2; round++) {
            for (Object chosen : new Object[] {lazy, eager}) {
                long t0 = System.nanoTime();
                Object builder = MediaRelay.builder(cfg);
                builder.getClass().getMethod("socketPool", settings).invoke(builder, chosen);
                try (MediaRelay relay = (MediaRelay) builder.getClass().getMethod("start").invoke(builder)) {
                    long started = System.nanoTime() - t0;
                    long fds;
                    try (var list = java.nio.file.Files.list(java.nio.file.Path.of("/proc/self/fd"))) {
                        fds = list.count();
                    }
                    System.out.printf("round %d: %s: started in %.1f ms, %d ports pooled, %d fds open%n", round,
                            chosen == lazy ? "lazy" : "prebind " + pairs + " pairs", started / 1e6,
                            relay.getClass().getMethod("portsPooled").invoke(relay), fds);
                }
            }
        }
    }

    /**
     * The relay with its socket pool as {@code pool} says: {@code default} calls {@code MediaRelay.start};
     * {@code off} and {@code on} find {@code SocketPoolSettings} by reflection.
     */
    private static MediaRelay start(MediaRelayConfig cfg, String pool, long quarantineMs) throws Exception {
        if (pool.equals("default")) {
            return MediaRelay.start(cfg);
        }
        Class<?> settings = Class.forName("dev.softswitch.media.session.SocketPoolSettings");
        Object chosen = settings.getField(pool.equals("on") ? "DEFAULT" : "OFF").get(null);
        if (pool.equals("on")) {
            chosen = settings.getMethod("withQuarantine", Duration.class).invoke(chosen, Duration.ofMillis(quarantineMs));
        } else if (!pool.equals("off")) {
            throw new IllegalArgumentException("pool " + pool + ": default, off or on");
        }
        Object builder = MediaRelay.builder(cfg);
        builder.getClass().getMethod("socketPool", settings).invoke(builder, chosen);
        return (MediaRelay) builder.getClass().getMethod("start").invoke(builder);
    }

    private static Result run(MediaRelay relay, String mode, int rate, int seconds, long holdMs) throws Exception {
        boolean async = mode.equals("async");
        long period = rate > 0 ? 1_000_000_000L / rate : 0;
        long hold = TimeUnit.MILLISECONDS.toNanos(holdMs);
        long[] allocNanos = new long[MAX_SAMPLES];
        long[] closeNanos = new long[MAX_SAMPLES];
        int allocCount = 0;
        int closeCount = 0;
        long windowWait = 0;
        LongAdder closed = new LongAdder();
        LongAdder failures = new LongAdder();
        ArrayDeque<Live> live = new ArrayDeque<>();
        long issued = 0;

        long cpuStart = processCpuNanos();
        long start = System.nanoTime();
        long end = start + TimeUnit.SECONDS.toNanos(seconds);
        long next = start;
        while (true) {
            long now = System.nanoTime();
            if (now - end >= 0) {
                break;
            }
            while (!live.isEmpty() && now - live.peekFirst().bornNanos() >= hold) {
                long t0 = System.nanoTime();
                close(live.pollFirst(), closed, failures);
                if (closeCount < MAX_SAMPLES) {
                    closeNanos[closeCount++] = System.nanoTime() - t0;
                }
            }
            if (period > 0 && now - next < 0) {
                LockSupport.parkNanos(Math.min(next - now, 200_000L));
                continue;
            }
            if (issued - closed.sum() >= MAX_LIVE) {
                long w0 = System.nanoTime();
                LockSupport.parkNanos(20_000L);
                windowWait += System.nanoTime() - w0;
                continue;
            }
            String callId = "bench-" + issued;
            long t0 = System.nanoTime();
            Live session;
            if (async) {
                session = new Live(t0, null, relay.allocateAsync(callId));
            } else {
                try {
                    session = new Live(t0, relay.allocate(callId), null);
                } catch (Exception e) {
                    session = new Live(t0, null, CompletableFuture.failedFuture(e));
                }
            }
            if (allocCount < MAX_SAMPLES) {
                allocNanos[allocCount++] = System.nanoTime() - t0;
            }
            live.addLast(session);
            issued++;
            next += period;
        }
        while (!live.isEmpty()) {
            long t0 = System.nanoTime();
            close(live.pollFirst(), closed, failures);
            if (closeCount < MAX_SAMPLES) {
                closeNanos[closeCount++] = System.nanoTime() - t0;
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (closed.sum() < issued && System.nanoTime() - deadline < 0) {
            LockSupport.parkNanos(100_000L);
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        long cpu = processCpuNanos() - cpuStart;
        if (relay.portsInUse() != 0) {
            System.out.println("WARNING: " + relay.portsInUse() + " ports still in use after the run");
        }
        return new Result(mode, issued, failures.sum(), elapsed, allocNanos, allocCount, closeNanos, closeCount,
                windowWait, cpu);
    }

    /** Closes one session the way the mode does; counts it in {@code closed} once the ports are back. */
    private static void close(Live live, LongAdder closed, LongAdder failures) {
        if (live.session() != null) {
            live.session().close();
            closed.increment();
            return;
        }
        live.pending().thenCompose(RelaySession::closeAsync).whenComplete((ok, e) -> {
            if (e != null) {
                failures.increment();
            }
            closed.increment();
        });
    }

    private static void print(Result r) {
        long callerNanos = sum(r.allocNanos(), r.allocCount()) + sum(r.closeNanos(), r.closeCount());
        System.out.printf("%-8s %7d sessions in %.2f s = %8.0f sessions/s allocated+closed, %d failed%n",
                r.mode(), r.sessions(), r.elapsedSeconds(), r.sessions() / r.elapsedSeconds(), r.failures());
        System.out.printf("         caller time in relay calls: %.1f us/session (%.1f%% of the run); "
                        + "window wait %.0f ms%n",
                callerNanos / 1e3 / Math.max(1, r.sessions()), 100.0 * callerNanos / (r.elapsedSeconds() * 1e9),
                r.windowWaitNanos() / 1e6);
        System.out.printf("         process CPU: %.1f us/session (%.0f%% of one core)%n",
                r.processCpuNanos() / 1e3 / Math.max(1, r.sessions()), 100.0 * r.processCpuNanos() / (r.elapsedSeconds() * 1e9));
        System.out.printf("         allocate: %s%n", percentiles(r.allocNanos(), r.allocCount()));
        System.out.printf("         close:    %s%n", percentiles(r.closeNanos(), r.closeCount()));
    }

    private static String percentiles(long[] samples, int count) {
        if (count == 0) {
            return "no samples";
        }
        long[] sorted = Arrays.copyOf(samples, count);
        Arrays.sort(sorted);
        return String.format("p50 %.1f us, p99 %.1f us, p99.9 %.1f us, max %.1f us",
                sorted[count / 2] / 1e3, sorted[(int) (count * 0.99)] / 1e3, sorted[(int) (count * 0.999)] / 1e3,
                sorted[count - 1] / 1e3);
    }

    /** CPU time of the whole process: the caller, the relay's threads, GC and JIT. */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static long sum(long[] samples, int count) {
        long total = 0;
        for (int i = 0; i < count; i++) {
            total += samples[i];
        }
        return total;
    }

    private static void burn(AtomicBoolean busy) {
        long x = 0;
        while (busy.get()) {
            for (int i = 0; i < 10_000; i++) {
                x = x * 6364136223846793005L + 1442695040888963407L;
            }
        }
        if (x == 42) {
            System.out.println();
        }
    }
}
