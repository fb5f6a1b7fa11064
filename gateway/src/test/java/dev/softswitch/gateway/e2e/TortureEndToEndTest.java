package dev.softswitch.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.softswitch.gateway.Gateway;
import dev.softswitch.gateway.config.GatewayConfig;
import dev.softswitch.gateway.testing.TestAccounts;
import dev.softswitch.gateway.transport.TransportType;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 11: the project's own message for every RFC 4475 torture case (§3.1 to §3.4) and every RFC 5118
 * (IPv6) one, byte for byte from {@code torture/} (see its README), sent to the real gateway (started
 * here from YAML) over UDP and, where the message means something on a stream, over TCP; each gets
 * the answer {@code torture/expected.csv} gives (a 400 names what is wrong), and afterwards the gateway
 * still answers an OPTIONS and holds no call and no relay port.
 *
 * <p>The messages' Vias carry no {@code rport}, so over UDP the answer goes where RFC 3261 §18.2.2
 * sends it: the source address ({@code received}) and the Via's port, 5060 when none; the
 * {@link TortureCatcher} listens on those loopback ports.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TortureEndToEndTest {

    private static final Duration ANSWER_WAIT = Duration.ofSeconds(3);
    private static final Duration SILENCE_WAIT = Duration.ofMillis(1500);

    @org.junit.jupiter.api.io.TempDir
    static java.nio.file.Path dir;

    /** 64·T1 with T1 = 10 ms, and margin: how long a server transaction outlives its answer here. */
    private static final Duration TRANSACTION_LIFE = Duration.ofMillis(1200);

    /** The gateway answers a TCP request on its connection (RFC 3261 §18.2.2): every TCP case must pass. */
    private static final boolean ANSWERS_ON_CONNECTION = true;

    private final java.util.Map<String, Long> lastSent = new java.util.HashMap<>();
    private Gateway gateway;
    private int sipPort;
    private TortureCatcher catcher;
    private final List<String> table = new ArrayList<>();

    @BeforeAll
    void start() throws Exception {
        catcher = TortureCatcher.open(TortureCases.responsePorts());
        sipPort = SippProcess.freePort();
        int mediaBase = 30000 + 2 * (int) (ProcessHandle.current().pid() % 2000);
        String yaml = """
                sip:
                  listen:
                    - { transport: udp, host: 127.0.0.1, port: %1$d }
                    - { transport: tcp, host: 127.0.0.1, port: %1$d }
                  timers: { t1: 10ms, t2: 80ms, t4: 100ms }
                http: { host: 127.0.0.1, port: %4$d }
                media: { host: 127.0.0.1, portMin: %2$d, portMax: %3$d }
                trunks:
                  - { name: nowhere, host: 127.0.0.1, port: 9, transport: udp, prefixes: ["44"], probe: false }
                charging:
                  currency: USD
                  rates:
                    - { prefix: "44", destination: UK, perMinute: "0.03", increments: 60/60 }
                  accounts:
                    - { id: alice, balance: "10.00", number: "+447400000001" }
                cdr: { file: "%5$s" }
                """.formatted(sipPort, mediaBase, mediaBase + 19, SippProcess.freeTcpPort(), dir.resolve("calls.jsonl"));
        gateway = Gateway.start(GatewayConfig.parse(TestAccounts.withPasswords(yaml), "torture-e2e.yaml"));
    }

    @AfterAll
    void stop() {
        table.forEach(System.out::println);
        if (gateway != null) {
            gateway.close();
        }
        if (catcher != null) {
            catcher.close();
        }
    }

    Stream<Arguments> udpCases() {
        return TortureCases.all().stream().map(c -> Arguments.of(c.file(), c));
    }

    Stream<Arguments> tcpCases() {
        return TortureCases.all().stream().filter(TortureCases.Case::overTcp).map(c -> Arguments.of(c.file(), c));
    }

    @ParameterizedTest(name = "{0} over UDP")
    @MethodSource("udpCases")
    void answersEachTortureMessageOverUdpAsTheRfcSays(String file, TortureCases.Case c) throws Exception {
        awaitTransactionGone(c);
        catcher.drain();
        catcher.send(c.bytes(), sipPort);
        String statusLine = catcher.finalAnswer(c.callIds(), c.expectsOnlySilence() ? SILENCE_WAIT : ANSWER_WAIT);
        table.add("UDP | " + c.file() + " | " + c.section() + " | " + c.expected() + " | "
                + (statusLine == null ? "drop" : statusLine));
        // The one message whose Via names TLS: its answer goes over TLS to the Via's sent-by, which
        // this test cannot accept; the TCP variant checks the same answer on the request's connection.
        assumeTrue(statusLine != null || !c.viaTransport().equals("TLS"),
                () -> c.file() + ": answered over TLS to the Via's sent-by, not observable here");
        c.assertAnswer(statusLine);
        assertStillServing();
    }

    @ParameterizedTest(name = "{0} over TCP")
    @MethodSource("tcpCases")
    void answersEachTortureMessageOverTcpOnItsConnection(String file, TortureCases.Case c) throws Exception {
        awaitTransactionGone(c);
        catcher.drain();
        String statusLine = null;
        String elsewhere = null;
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), sipPort), 2000);
            socket.setSoTimeout(100);
            OutputStream out = socket.getOutputStream();
            out.write(c.bytes());
            out.flush();
            StringBuilder text = new StringBuilder();
            long deadline = System.nanoTime() + (c.expectsOnlySilence() ? SILENCE_WAIT : ANSWER_WAIT).toNanos();
            while (statusLine == null && elsewhere == null && System.nanoTime() < deadline) {
                statusLine = readFinal(socket.getInputStream(), text);
                elsewhere = statusLine == null ? catcher.finalAnswer(c.callIds(), Duration.ofMillis(20)) : null;
            }
        }
        table.add("TCP | " + c.file() + " | " + c.section() + " | " + c.expected() + " | "
                + (statusLine == null ? "drop" : statusLine) + (elsewhere == null ? "" : " (sent elsewhere: " + elsewhere + ")"));
        // RFC 3261 §18.2.2: the answer goes back on the request's connection. Until the TCP transport
        // does that (issue 11, TCP part), today's answers go to a new connection to the Via's sent-by
        // (or, for a UDP or TLS Via, over that transport): a known gap, skipped here, never passed.
        String gap = c.file() + ": not answered on the request's connection"
                + (elsewhere == null ? "" : " but sent to the Via's sent-by (" + elsewhere + ")")
                + ": pending the TCP transport fix";
        assumeTrue(ANSWERS_ON_CONNECTION || statusLine != null || c.expectsOnlySilence(), gap);
        assertThat(elsewhere).as(c.file() + ": answered away from the request's connection").isNull();
        c.assertAnswer(statusLine);
        assertStillServing();
    }

    /**
     * Several torture messages share a top Via (sent-by and branch), so the gateway rightly takes a
     * later one for a retransmission of an earlier one while that transaction lives (RFC 3261
     * §17.2.3): wait out Timer J / H (64·T1 = 640 ms here) before sending such a one again.
     */
    private void awaitTransactionGone(TortureCases.Case c) throws InterruptedException {
        Long last = lastSent.put(c.transactionKey(), System.nanoTime());
        if (last != null) {
            long waitNanos = TRANSACTION_LIFE.toNanos() - (System.nanoTime() - last);
            if (waitNanos > 0) {
                Thread.sleep(waitNanos / 1_000_000 + 1);
            }
        }
        lastSent.put(c.transactionKey(), System.nanoTime());
    }

    /** Reads what the stream has (up to its 100 ms timeout) and returns the first final status line so far. */
    private static String readFinal(InputStream in, StringBuilder text) throws IOException {
        byte[] buffer = new byte[8192];
        try {
            int n = in.read(buffer);
            if (n > 0) {
                text.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
            }
        } catch (SocketTimeoutException | java.net.SocketException e) {
            // nothing (more) came yet, or the gateway closed the connection
        }
        return TortureCatcher.firstFinal(text.toString(), null);
    }

    private void assertStillServing() throws Exception {
        try (SipOptionsProbe probe = new SipOptionsProbe(sipPort)) {
            assertThat(probe.options(Duration.ofSeconds(3))).as("the gateway still answers OPTIONS")
                    .startsWith("SIP/2.0 200");
        }
        assertThat(gateway.activeCalls()).as("calls_active").isZero();
        assertThat(gateway.relay().sessionsActive()).as("relay sessions").isZero();
        assertThat(gateway.relay().portsInUse()).as("relay ports in use").isZero();
    }

    /** Sends one OPTIONS with rport from its own socket and reads the answer's status line. */
    static final class SipOptionsProbe implements AutoCloseable {
        private final java.net.DatagramSocket socket;
        private final int gatewayPort;

        SipOptionsProbe(int gatewayPort) {
            try {
                socket = new java.net.DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            } catch (java.net.SocketException e) {
                throw new UncheckedIOException(e);
            }
            this.gatewayPort = gatewayPort;
        }

        String options(Duration limit) throws IOException {
            String local = "127.0.0.1:" + socket.getLocalPort();
            String text = dev.softswitch.gateway.testing.SipMessageFixtures.request("OPTIONS",
                            "sip:127.0.0.1:" + gatewayPort)
                    .via(TransportType.UDP, local, "z9hG4bK" + System.nanoTime()).rport()
                    .from("<sip:probe@127.0.0.1>", "p" + System.nanoTime())
                    .to("<sip:127.0.0.1:" + gatewayPort + ">")
                    .callId("probe-" + System.nanoTime())
                    .cseq(1)
                    .text();
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            socket.send(new java.net.DatagramPacket(bytes, bytes.length,
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), gatewayPort)));
            socket.setSoTimeout((int) limit.toMillis());
            byte[] buffer = new byte[65535];
            java.net.DatagramPacket p = new java.net.DatagramPacket(buffer, buffer.length);
            socket.receive(p);
            String answer = new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8);
            return answer.substring(0, answer.indexOf("\r\n"));
        }

        @Override
        public void close() {
            socket.close();
        }
    }
}
