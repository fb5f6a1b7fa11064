package dev.softswitch.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.softswitch.gateway.Gateway;
import dev.softswitch.gateway.config.GatewayConfig;
import dev.softswitch.gateway.testing.PemFixtures;
import dev.softswitch.gateway.testing.TestAccounts;
import dev.softswitch.gateway.testing.TlsFixtures;
import dev.softswitch.gateway.transport.DemoCertificate;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RFC 3261 §18.2.2 through the real gateway (transport, transactions, B2BUA): a response goes back on the
 * connection its request came on while that connection is open, whatever the top Via's sent-by says and
 * whether or not the client asked for {@code rport}; server transactions and stateless answers alike.
 * And the {@code sip.tcp} bounds of the file reach the transport and its metrics.
 */
class StreamTransportEndToEndTest {

    private static final int TIMEOUT_MILLIS = 5_000;
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final int PER_ADDRESS = 20;
    private static final InetAddress IPV6_LOOPBACK = ipv6Loopback();

    @TempDir
    static Path dir;

    private static Gateway gateway;
    private static int sipPort;
    private static int tlsPort;
    private static SSLContext trustingTheGateway;

    @BeforeAll
    static void startGateway() throws Exception {
        DemoCertificate certificate = DemoCertificate.generate("127.0.0.1", Instant.now());
        PemFixtures.write(dir.resolve("gateway-cert.pem"), certificate.certificate());
        PemFixtures.write(dir.resolve("gateway-key.pem"), certificate.key());
        trustingTheGateway = TlsFixtures.clientTrusting(certificate.certificate());
        sipPort = SippProcess.freePort();
        tlsPort = SippProcess.freeTcpPort();
        int mediaBase = 20000 + 2 * (int) ((ProcessHandle.current().pid() + 2500) % 4000);
        Path file = dir.resolve("connection-e2e.yaml");
        Files.writeString(file, TestAccounts.withPasswords("""
                sip:
                  listen:
                    - { transport: udp, host: 127.0.0.1, port: %1$d }
                    - { transport: tcp, host: 127.0.0.1, port: %1$d }
                    - { transport: udp, host: "::1", port: %1$d }
                    - { transport: tcp, host: "::1", port: %1$d }
                    - { transport: tls, host: 127.0.0.1, port: %2$d, certificate: gateway-cert.pem, key: gateway-key.pem }
                  tcp: { maxConnections: 1000, maxPerAddress: %7$d, idleTimeout: 60s, messageTimeout: 10s }
                http: { host: 127.0.0.1, port: %3$d }
                media: { host: 127.0.0.1, portMin: %4$d, portMax: %5$d }
                trunks:
                  - { name: carrier, host: 127.0.0.1, port: 9, transport: udp, prefixes: ["44"], probe: false }
                charging:
                  currency: USD
                  rates:
                    - { prefix: "447", destination: UK mobile, perMinute: "0.60", increments: 2/2 }
                  accounts:
                    - { id: alice, balance: "10.00", number: "+447400000001" }
                cdr: { file: "%6$s" }
                """.formatted(sipPort, tlsPort, SippProcess.freeTcpPort(), mediaBase, mediaBase + 19,
                dir.resolve("calls.jsonl"), PER_ADDRESS)));
        gateway = Gateway.start(GatewayConfig.load(file), file);
    }

    @AfterAll
    static void stopGateway() {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void optionsOverTcpWithABogusSentByIsAnsweredOnItsOwnConnection() throws Exception {
        try (ServerSocket bogus = new ServerSocket(0, 1, LOOPBACK); Socket client = new Socket(LOOPBACK, sipPort)) {
            bogus.setSoTimeout(300);
            client.setSoTimeout(TIMEOUT_MILLIS);
            send(client, options("tcp-no-rport", "SIP/2.0/TCP 127.0.0.1:" + bogus.getLocalPort() + ";branch=z9hG4bK-tcp-a"));

            String answer = readMessage(client.getInputStream());

            assertThat(answer).startsWith("SIP/2.0 200 OK\r\n").contains("Call-ID: tcp-no-rport\r\n");
            assertNoConnectionTo(bogus);
        }
    }

    @Test
    void optionsOverTcpWithRportIsAnsweredOnItsOwnConnection() throws Exception {
        try (Socket client = new Socket(LOOPBACK, sipPort)) {
            client.setSoTimeout(TIMEOUT_MILLIS);
            send(client, options("tcp-rport", "SIP/2.0/TCP 127.0.0.1:5999;branch=z9hG4bK-tcp-b;rport"));

            assertThat(readMessage(client.getInputStream())).startsWith("SIP/2.0 200 OK\r\n")
                    .contains("Call-ID: tcp-rport\r\n").contains(";rport=" + client.getLocalPort());
        }
    }

    @Test
    void unknownMethodOverTcpGets501OnItsOwnConnection() throws Exception {
        try (ServerSocket bogus = new ServerSocket(0, 1, LOOPBACK); Socket client = new Socket(LOOPBACK, sipPort)) {
            bogus.setSoTimeout(300);
            client.setSoTimeout(TIMEOUT_MILLIS);
            send(client, options("tcp-501", "SIP/2.0/TCP 127.0.0.1:" + bogus.getLocalPort() + ";branch=z9hG4bK-tcp-c")
                    .replace("OPTIONS", "FROBNICATE"));

            assertThat(readMessage(client.getInputStream())).startsWith("SIP/2.0 501 ");
            assertNoConnectionTo(bogus);
        }
    }

    @Test
    void badRequestOverTcpGets400OnItsOwnConnection() throws Exception {
        try (ServerSocket bogus = new ServerSocket(0, 1, LOOPBACK); Socket client = new Socket(LOOPBACK, sipPort)) {
            bogus.setSoTimeout(300);
            client.setSoTimeout(TIMEOUT_MILLIS);
            send(client, options("tcp-400", "SIP/2.0/TCP 127.0.0.1:" + bogus.getLocalPort() + ";branch=z9hG4bK-tcp-d")
                    .replace("CSeq: 1 OPTIONS\r\n", ""));

            assertThat(readMessage(client.getInputStream())).startsWith("SIP/2.0 400 ");
            assertNoConnectionTo(bogus);
        }
    }

    @Test
    void optionsOverTlsWithABogusSentByIsAnsweredOnItsOwnConnection() throws Exception {
        try (SSLSocket client = (SSLSocket) trustingTheGateway.getSocketFactory().createSocket(LOOPBACK, tlsPort)) {
            client.setSoTimeout(TIMEOUT_MILLIS);
            client.startHandshake();
            send(client, options("tls-no-rport", "SIP/2.0/TLS 127.0.0.1:5999;branch=z9hG4bK-tls-a"));

            assertThat(readMessage(client.getInputStream())).startsWith("SIP/2.0 200 OK\r\n")
                    .contains("Call-ID: tls-no-rport\r\n");
        }
    }

    @Test
    void connectionsOverTheFilesPerAddressCapAreClosedAndCounted() throws Exception {
        InetAddress source = InetAddress.getByName("127.0.0.9");
        List<Socket> sockets = new ArrayList<>();
        int refusedEarly = 0;
        try {
            for (int i = 0; i < PER_ADDRESS + 3; i++) {
                Socket s = new Socket();
                sockets.add(s);
                s.bind(new InetSocketAddress(source, 0));
                try {
                    s.connect(new InetSocketAddress(LOOPBACK, sipPort), TIMEOUT_MILLIS);
                } catch (SocketException refusedWhileConnecting) {
                    // The gateway may close a refused connection before connect() has returned here.
                    sockets.remove(s);
                    s.close();
                    refusedEarly++;
                }
            }
            // Connections are admitted on several event loops, so which ones go is not their connect order.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (!gateway.registry().scrape().contains("sip_tcp_refused_total{reason=\"max_per_address\"} 3.0")
                    && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            List<Socket> open = new ArrayList<>();
            for (Socket s : sockets) {
                s.setSoTimeout(100);
                try {
                    if (s.getInputStream().read() >= 0) {
                        throw new AssertionError("unexpected bytes on an idle connection");
                    }
                } catch (SocketTimeoutException stillOpen) {
                    open.add(s);
                } catch (SocketException reset) {
                    // refused
                }
            }
            assertThat(open).hasSize(PER_ADDRESS);
            assertThat(sockets.size() - open.size() + refusedEarly).isEqualTo(3);
            Socket kept = open.get(PER_ADDRESS - 1);
            kept.setSoTimeout(TIMEOUT_MILLIS);
            send(kept, options("kept", "SIP/2.0/TCP 127.0.0.9:5999;branch=z9hG4bK-kept"));
            assertThat(readMessage(kept.getInputStream())).startsWith("SIP/2.0 200 OK\r\n");
            String scrape = gateway.registry().scrape();
            assertThat(scrape).contains("sip_tcp_refused_total{reason=\"max_per_address\"} 3.0")
                    .contains("sip_tcp_refused_total{reason=\"max_connections\"} 0.0")
                    .containsPattern("sip_tcp_connections (2[0-9])\\.0");
        } finally {
            for (Socket s : sockets) {
                s.close();
            }
        }
    }

    @Test
    void optionsOverIpv6TcpIsAnsweredOnItsOwnConnection() throws Exception {
        try (Socket client = new Socket(IPV6_LOOPBACK, sipPort)) {
            client.setSoTimeout(TIMEOUT_MILLIS);
            send(client, ipv6Options("tcp-v6", "SIP/2.0/TCP [::1]:5999;branch=z9hG4bK-tcp-v6"));

            assertThat(readMessage(client.getInputStream())).startsWith("SIP/2.0 200 OK\r\n")
                    .contains("Call-ID: tcp-v6\r\n").containsPattern("received=[0-9a-fA-F:]+[;\r]");
        }
    }

    @Test
    void optionsOverIpv6UdpIsAnsweredToItsSourceWithAndWithoutRport() throws Exception {
        try (DatagramSocket client = new DatagramSocket(new InetSocketAddress(IPV6_LOOPBACK, 0))) {
            client.setSoTimeout(TIMEOUT_MILLIS);
            int port = client.getLocalPort();
            for (String via : List.of("SIP/2.0/UDP [::1]:5999;branch=z9hG4bK-udp-v6a;rport",
                    "SIP/2.0/UDP [::1]:" + port + ";branch=z9hG4bK-udp-v6b")) {
                byte[] request = ipv6Options("udp-v6-" + via.hashCode(), via).getBytes(StandardCharsets.US_ASCII);
                client.send(new DatagramPacket(request, request.length, new InetSocketAddress(IPV6_LOOPBACK, sipPort)));

                DatagramPacket answer = new DatagramPacket(new byte[4096], 4096);
                client.receive(answer);
                assertThat(new String(answer.getData(), 0, answer.getLength(), StandardCharsets.US_ASCII))
                        .as(via).startsWith("SIP/2.0 200 OK\r\n").contains("Call-ID: udp-v6-" + via.hashCode());
            }
        }
    }

    /** An OPTIONS of RFC 5118 shape: IPv6 references in the Request-URI, From, To and Contact. */
    static String ipv6Options(String callId, String via) {
        return "OPTIONS sip:gw@[::1] SIP/2.0\r\n"
                + "Via: " + via + "\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <sip:probe@[::1]>;tag=p6\r\n"
                + "To: <sip:gw@[::1]>\r\n"
                + "Call-ID: " + callId + "\r\n"
                + "CSeq: 1 OPTIONS\r\n"
                + "Contact: <sip:probe@[::1]:5999>\r\n"
                + "Content-Length: 0\r\n\r\n";
    }

    static String options(String callId, String via) {
        return "OPTIONS sip:gw@127.0.0.1 SIP/2.0\r\n"
                + "Via: " + via + "\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <sip:probe@127.0.0.1>;tag=p1\r\n"
                + "To: <sip:gw@127.0.0.1>\r\n"
                + "Call-ID: " + callId + "\r\n"
                + "CSeq: 1 OPTIONS\r\n"
                + "Content-Length: 0\r\n\r\n";
    }

    private static InetAddress ipv6Loopback() {
        try {
            return InetAddress.getByName("::1");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static void send(Socket socket, String message) throws IOException {
        socket.getOutputStream().write(message.getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
    }

    /** The gateway never tried to reach the Via's sent-by while the request's connection was open. */
    private static void assertNoConnectionTo(ServerSocket bogus) throws IOException {
        try (Socket unexpected = bogus.accept()) {
            throw new AssertionError("the gateway connected to the Via's sent-by " + unexpected.getLocalSocketAddress());
        } catch (SocketTimeoutException expected) {
            // nobody came
        }
    }

    /** Reads one message with an empty body (up to CRLFCRLF). */
    static String readMessage(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed after: " + out);
            }
            out.write(b);
            String text = out.toString(StandardCharsets.US_ASCII);
            if (text.endsWith("\r\n\r\n")) {
                return text;
            }
        }
    }
}
