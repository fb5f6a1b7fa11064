package dev.softswitch.gateway.e2e;

import dev.softswitch.gateway.testing.TestAccounts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * One running {@code sipp} process on loopback, started in the foreground (no {@code -bg}) with its own
 * work directory holding its output, its error log and optionally its message trace.
 *
 * <p>Every process is bounded: {@code -timeout} with {@code -timeout_error} makes SIPp end by itself and
 * fail when the time is up, {@code -nostdin} keeps it off the terminal. SIPp's exit codes: 0 all calls
 * succeeded, 1 at least one call failed, 97 stopped by an internal command, 99 ended without any call,
 * 255 fatal error (also a reached {@code -timeout} with {@code -timeout_error}).
 *
 * <pre>{@code
 * try (SippProcess carrier = SippProcess.builder(SippScenario.uas("basic-call")).start();
 *      SippProcess client = SippProcess.builder(SippScenario.uac("basic-call"))
 *              .remote(5060).service("+447400123456").set("account", "alice").start()) {
 *     assertThat(client.awaitExit(Duration.ofSeconds(10))).as(client.describe()).isZero();
 * }
 * }</pre>
 */
public final class SippProcess implements AutoCloseable {

    /** All SIPp processes bind here: tests and benchmarks stay on loopback. */
    public static final String LOOPBACK = "127.0.0.1";

    private static final int OUTPUT_TAIL_LINES = 40;

    private final SippScenario scenario;
    private final List<String> command;
    private final Path workDir;
    private final int localPort;
    private final int mediaPort;
    private final SippTransport transport;
    private final Process process;

    private SippProcess(Builder builder, List<String> command, Process process) {
        this.scenario = builder.scenario;
        this.command = List.copyOf(command);
        this.workDir = builder.workDir;
        this.localPort = builder.localPort;
        this.mediaPort = builder.mediaPort;
        this.transport = builder.transport;
        this.process = process;
    }

    /** A builder for {@code scenario} with one call, UDP, free ports and a 30 s limit. */
    public static Builder builder(SippScenario scenario) {
        return new Builder(scenario);
    }

    /**
     * Waits until SIPp has bound its SIP port, so that a peer may start: needed before a TCP client
     * connects to a SIPp server. Reads the kernel's socket tables rather than trying to bind the port: a
     * probe bound at the instant SIPp binds made SIPp fail with "Address already in use" (seen in CI).
     */
    public SippProcess awaitListening(Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!isListening(transport, localPort)) {
            if (!process.isAlive()) {
                throw new AssertionError("sipp ended before listening on " + localPort + "\n" + describe());
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("sipp not listening on " + localPort + " after " + limit + "\n" + describe());
            }
            sleepQuietly(20);
        }
        return this;
    }

    /**
     * Waits for SIPp to end and returns its exit code. If it is still running after {@code limit},
     * destroys it and fails with {@link #describe()}.
     */
    public int awaitExit(Duration limit) {
        try {
            if (process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                return process.exitValue();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new AssertionError("interrupted waiting for sipp\n" + describe(), e);
        }
        close();
        throw new AssertionError("sipp still running after " + limit + ", destroyed\n" + describe());
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The SIP port SIPp bound ({@code -p}). */
    public int localPort() {
        return localPort;
    }

    /** SIPp's media port ({@code -mp}): [media_port] in the SDP, the echo port with {@code -rtp_echo}. */
    public int mediaPort() {
        return mediaPort;
    }

    public SippScenario scenario() {
        return scenario;
    }

    /** The command line as started. */
    public List<String> command() {
        return command;
    }

    /** Where the output, error log and message trace are written. */
    public Path workDir() {
        return workDir;
    }

    /** SIPp's standard output and error so far (its screens, and the final statistics). */
    public String output() {
        return read(workDir.resolve("output.log"));
    }

    /** SIPp's error log ({@code -trace_err}): unexpected messages, timeouts, scenario warnings. */
    public String errors() {
        return read(workDir.resolve("errors.log"));
    }

    /** Every message sent and received, in log order; needs {@link Builder#traceMessages()}. */
    public List<SippMessage> messages() {
        Path file = workDir.resolve("messages.log");
        if (!Files.exists(file) && !command.contains("-trace_msg")) {
            throw new IllegalStateException("start sipp with traceMessages() to read its messages");
        }
        return SippMessage.parseLog(read(file));
    }

    /**
     * The start line of the final response the client's call ended with: the first final response
     * but the digest challenge (407) its first INVITE gets.
     */
    public Optional<String> finalResponse() {
        return receivedMessages().stream().map(SippMessage::startLine)
                .filter(l -> l.startsWith("SIP/2.0 ") && !l.startsWith("SIP/2.0 1") && !l.startsWith("SIP/2.0 407"))
                .findFirst();
    }

    /** The messages SIPp received, e.g. the carrier's view of the gateway's INVITE. */
    public List<SippMessage> receivedMessages() {
        return messages().stream().filter(m -> m.direction() == SippMessage.Direction.RECEIVED).toList();
    }

    /** The messages SIPp sent. */
    public List<SippMessage> sentMessages() {
        return messages().stream().filter(m -> m.direction() == SippMessage.Direction.SENT).toList();
    }

    /** Command, state, error log and the end of the output: the message for a failed assertion. */
    public String describe() {
        String state = process.isAlive() ? "running" : "exit code " + process.exitValue();
        List<String> lines = output().lines().filter(l -> !l.isBlank()).toList();
        String tail = lines.subList(Math.max(0, lines.size() - OUTPUT_TAIL_LINES), lines.size())
                .stream().collect(Collectors.joining("\n"));
        return "sipp " + scenario + " (" + state + "), work dir " + workDir + "\n"
                + String.join(" ", command) + "\n"
                + "--- errors\n" + errors().strip() + "\n"
                + "--- output (last " + OUTPUT_TAIL_LINES + " lines)\n" + tail;
    }

    /** Stops SIPp and anything it started: SIGTERM, then SIGKILL after two seconds. Safe to repeat. */
    @Override
    public void close() {
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        children.forEach(ProcessHandle::destroy);
        try {
            if (!process.waitFor(2, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                children.forEach(ProcessHandle::destroyForcibly);
                process.waitFor(2, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    /** A loopback port free for UDP at the time of the call. */
    public static int freeUdpPort() {
        return freeRun(1, SippTransport.UDP);
    }

    /** A loopback port free for TCP at the time of the call. */
    public static int freeTcpPort() {
        return freeRun(1, SippTransport.TCP);
    }

    /** A loopback port free for both UDP and TCP, as a SIP listener needs. */
    public static int freePort() {
        return freeRun(1, SippTransport.UDP, SippTransport.TCP);
    }

    /**
     * An even UDP port p with p..p+3 free: RTP and RTCP, and the second pair SIPp's
     * {@code -rtp_echo} also opens.
     */
    public static int freeMediaPort() {
        return freeRun(4, SippTransport.UDP);
    }

    /**
     * An even base port of {@code size} UDP ports all free now, picked at random in 30000..32700:
     * above the 20000..29999 that the demo/bench gateways and GatewayEndToEndTest give their relays
     * (other JVMs on the machine may be running them), below the kernel's ephemeral ports (32768+).
     */
    public static int freeRelayRange(int size) {
        java.util.Random random = new java.util.Random();
        for (int attempt = 0; attempt < 100; attempt++) {
            int base = 30000 + 2 * random.nextInt((32700 - 30000 - size) / 2);
            boolean free = true;
            for (int port = base; port < base + size && free; port++) {
                try (DatagramSocket probe = new java.net.DatagramSocket(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), port))) {
                    free = probe.getLocalPort() == port;
                } catch (java.net.SocketException e) {
                    free = false;
                }
            }
            if (free) {
                return base;
            }
        }
        throw new IllegalStateException("no " + size + " consecutive free UDP ports in 30000..32700");
    }

    /**
     * Ports for tests come from 10000–19999: below the kernel's ephemeral range (32768+), from which
     * any socket opened meanwhile could take a port found free with bind(0), and below the relay port
     * ranges the tests configure (20000+). A cursor hands each port out once per JVM.
     */
    private static final int TEST_PORT_BASE = 10_000;
    private static final int TEST_PORT_SPAN = 10_000;
    private static final java.util.concurrent.atomic.AtomicInteger NEXT_PORT = new java.util.concurrent.atomic.AtomicInteger(
            (int) Math.floorMod(ProcessHandle.current().pid() * 7919L, (long) TEST_PORT_SPAN) & ~1);

    /**
     * Every port handed out in this JVM: once the cursor wraps around the span, a port found unbound may still
     * be one a test keeps for its whole class (a trunk's carrier port) or one a SIPp just started is about to
     * bind; such a port is not handed out again while others are left.
     */
    private static final java.util.Set<Integer> HANDED_OUT = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** The first of {@code width} consecutive ports (even when width > 1) free on every transport given. */
    private static int freeRun(int width, SippTransport... transports) {
        for (int attempt = 0; attempt < 500; attempt++) {
            // Claim width + 1 ports for a run so that an even start still lies inside the claim.
            int step = width == 1 ? 1 : width + 1;
            int port = TEST_PORT_BASE + Math.floorMod(NEXT_PORT.getAndAdd(step), TEST_PORT_SPAN - step);
            if (width > 1) {
                port = (port + 1) & ~1;
            }
            boolean free = true;
            for (int p = port; p < port + width && free; p++) {
                if (attempt < 400 && HANDED_OUT.contains(p)) {
                    free = false;
                    break;
                }
                for (SippTransport t : transports) {
                    if (isBound(t, p)) {
                        free = false;
                        break;
                    }
                }
            }
            if (free) {
                for (int p = port; p < port + width; p++) {
                    HANDED_OUT.add(p);
                }
                return port;
            }
        }
        throw new IllegalStateException("no " + width + " free port(s) in " + TEST_PORT_BASE + ".."
                + (TEST_PORT_BASE + TEST_PORT_SPAN - 1));
    }

    /**
     * Waits (at most 5 s) until {@code port} is free again: a port a test reuses (a trunk's carrier
     * port) may still be held for a moment by the process of the test before. If it stays taken, what
     * holds it goes to the work directory's port-holder.txt and SIPp reports the failed bind.
     */
    private static void awaitFree(SippTransport transport, int port, Path workDir) {
        SippTransport t = transport == SippTransport.UDP ? SippTransport.UDP : SippTransport.TCP;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (isBound(t, port)) {
            if (System.nanoTime() > deadline) {
                try {
                    Process ss = new ProcessBuilder("ss", "-Hanp", "sport = :" + port).redirectErrorStream(true)
                            .redirectOutput(workDir.resolve("port-holder.txt").toFile()).start();
                    ss.waitFor(2, TimeUnit.SECONDS);
                } catch (IOException e) {
                    // ss is a diagnosis only
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
    }

    /**
     * Whether a socket on 127.0.0.1:{@code port} is bound (UDP) or listening (TCP, TLS), from /proc/net without
     * touching the port; where there is no /proc, by trying to bind it.
     */
    private static boolean isListening(SippTransport transport, int port) {
        boolean udp = transport == SippTransport.UDP;
        String local = String.format("0100007F:%04X", port);
        try {
            for (String line : Files.readAllLines(Path.of(udp ? "/proc/net/udp" : "/proc/net/tcp"))) {
                String[] f = line.trim().split("\\s+");
                if (f.length > 3 && f[1].equals(local) && (udp || f[3].equals("0A"))) {
                    return true;
                }
            }
            return false;
        } catch (IOException | UncheckedIOException e) {
            return isBound(transport, port);
        }
    }

    private static boolean isBound(SippTransport transport, int port) {
        try {
            if (transport == SippTransport.UDP) {
                new DatagramSocket(new InetSocketAddress(loopback(), port)).close();
            } else {
                new ServerSocket(port, 1, loopback()).close();
            }
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    private static InetAddress loopback() {
        try {
            return InetAddress.getByName(LOOPBACK);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.ISO_8859_1) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void sleepQuietly(long millis) {
        java.util.concurrent.locks.LockSupport.parkNanos(java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(millis));
    }

    /** Options of one SIPp run; each method maps to one SIPp option, named in its comment. */
    public static final class Builder {
        private final SippScenario scenario;
        private SippTransport transport = SippTransport.UDP;
        private int localPort;
        private int mediaPort;
        private String remote;
        private int calls = 1;
        private int concurrentCalls;
        private double rate;
        private String service;
        private Duration callDuration;
        private Duration timeout = Duration.ofSeconds(30);
        private boolean traceMessages;
        private boolean rtpEcho;
        private Path workDir;
        private final Map<String, String> variables = new LinkedHashMap<>();
        private String password;
        private final List<String> extraArguments = new ArrayList<>();

        private Builder(SippScenario scenario) {
            this.scenario = Objects.requireNonNull(scenario, "scenario");
        }

        /** {@code -t u1|t1}; UDP by default. */
        public Builder transport(SippTransport transport) {
            this.transport = Objects.requireNonNull(transport, "transport");
            return this;
        }

        /** {@code -p}: the SIP port; a free one by default. */
        public Builder localPort(int port) {
            this.localPort = checkPort(port);
            return this;
        }

        /** {@code -mp}: the media port; a free even one by default. */
        public Builder mediaPort(int port) {
            this.mediaPort = checkPort(port);
            return this;
        }

        /** The peer to call, on loopback: a client's gateway ({@code 127.0.0.1:5060}) or a self-check's UAS. */
        public Builder remote(int port) {
            this.remote = LOOPBACK + ":" + checkPort(port);
            return this;
        }

        /** {@code -m}: calls to place or answer before SIPp ends; 1 by default. */
        public Builder calls(int calls) {
            this.calls = checkPositive(calls, "calls");
            return this;
        }

        /** {@code -l}: at most this many calls at once. */
        public Builder concurrentCalls(int limit) {
            this.concurrentCalls = checkPositive(limit, "concurrent calls");
            return this;
        }

        /** {@code -r} with {@code -rp 1000}: new calls per second. */
        public Builder rate(double callsPerSecond) {
            if (!(callsPerSecond > 0)) {
                throw new IllegalArgumentException("rate must be positive: " + callsPerSecond);
            }
            this.rate = callsPerSecond;
            return this;
        }

        /** {@code -s}: [service], the Request-URI user, i.e. the dialled number. */
        public Builder service(String dialledNumber) {
            this.service = Objects.requireNonNull(dialledNumber, "dialledNumber");
            return this;
        }

        /** {@code -set name value}: a global [$name] the scenario declares, e.g. {@code set("account", "alice")}. */
        public Builder set(String name, String value) {
            variables.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** The password the client answers challenges with; by default the account's test password. */
        public Builder password(String secret) {
            this.password = Objects.requireNonNull(secret, "secret");
            return this;
        }

        /** {@code -d}: the length of the scenario's {@code <pause/>}, e.g. talk time or ringing time. */
        public Builder callDuration(Duration duration) {
            this.callDuration = Objects.requireNonNull(duration, "duration");
            return this;
        }

        /** {@code -timeout} with {@code -timeout_error}: SIPp ends and fails after this; 30 s by default. */
        public Builder timeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout must be positive: " + timeout);
            }
            this.timeout = timeout;
            return this;
        }

        /** {@code -trace_msg}: log every message, for {@link SippProcess#messages()}. */
        public Builder traceMessages() {
            this.traceMessages = true;
            return this;
        }

        /** {@code -rtp_echo}: send every RTP packet received on the media port back to its sender. */
        public Builder rtpEcho() {
            this.rtpEcho = true;
            return this;
        }

        /** Where SIPp runs and writes its files; by default a new directory under {@code target/sipp/}. */
        public Builder workDir(Path dir) {
            this.workDir = Objects.requireNonNull(dir, "dir");
            return this;
        }

        /** Any other SIPp options, added before the remote address. */
        public Builder arguments(String... arguments) {
            extraArguments.addAll(List.of(arguments));
            return this;
        }

        /** Starts SIPp; fails at once if it is not installed or the scenario is missing. */
        public SippProcess start() {
            SippAvailable.check();
            Path scenarioFile = scenario.path();
            try {
                if (workDir == null) {
                    Path runs = Path.of(System.getProperty("basedir", System.getProperty("user.dir")), "target", "sipp");
                    Files.createDirectories(runs);
                    String role = scenario.role().name().toLowerCase(Locale.ROOT);
                    workDir = Files.createTempDirectory(runs, scenario.flow() + "-" + role + "-");
                }
                Files.createDirectories(workDir);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            if (localPort == 0) {
                localPort = transport == SippTransport.UDP ? freeUdpPort() : freeTcpPort();
            }
            if (mediaPort == 0) {
                mediaPort = freeMediaPort();
            }
            awaitFree(transport, localPort, workDir);
            List<String> command = command(scenarioFile);
            ProcessBuilder processBuilder = new ProcessBuilder(command)
                    .directory(workDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(workDir.resolve("output.log").toFile());
            try {
                return new SippProcess(this, command, processBuilder.start());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start " + String.join(" ", command), e);
            }
        }

        private List<String> command(Path scenarioFile) {
            List<String> c = new ArrayList<>(List.of("sipp", "-sf", scenarioFile.toString(),
                    "-i", LOOPBACK, "-p", Integer.toString(localPort),
                    "-mi", LOOPBACK, "-mp", Integer.toString(mediaPort),
                    "-t", transport.mode(),
                    "-m", Integer.toString(calls)));
            if (concurrentCalls > 0) {
                c.addAll(List.of("-l", Integer.toString(concurrentCalls)));
            }
            if (rate > 0) {
                c.addAll(List.of("-r", stripZeros(rate), "-rp", "1000"));
            }
            if (service != null) {
                c.addAll(List.of("-s", service));
            }
            if (callDuration != null) {
                c.addAll(List.of("-d", callDuration.toMillis() + "ms"));
            }
            variables.forEach((name, value) -> c.addAll(List.of("-set", name, value)));
            if (variables.containsKey("account")) {
                // The client authenticates as its account with the account's test password (SIG-4).
                String account = variables.get("account");
                c.addAll(List.of("-au", account, "-ap", password != null ? password : TestAccounts.password(account)));
            }
            if (rtpEcho) {
                c.add("-rtp_echo");
            }
            c.addAll(List.of("-nostdin",
                    "-timeout", timeout.toMillis() + "ms", "-timeout_error",
                    "-trace_err", "-error_file", workDir.resolve("errors.log").toString(),
                    "-trace_logs", "-log_file", workDir.resolve("actions.log").toString()));
            if (traceMessages) {
                c.addAll(List.of("-trace_msg", "-message_file", workDir.resolve("messages.log").toString()));
            }
            c.addAll(extraArguments);
            if (remote != null) {
                c.add(remote);
            }
            return c;
        }

        private static String stripZeros(double value) {
            return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
        }

        private static int checkPort(int port) {
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port out of range: " + port);
            }
            return port;
        }

        private static int checkPositive(int value, String what) {
            if (value < 1) {
                throw new IllegalArgumentException(what + " must be positive: " + value);
            }
            return value;
        }
    }
}
