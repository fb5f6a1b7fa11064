package dev.softswitch.gateway.e2e;

import static dev.softswitch.gateway.e2e.MediaEndToEndTest.audioProfile;
import static dev.softswitch.gateway.e2e.MediaEndToEndTest.await;
import static dev.softswitch.gateway.e2e.MediaEndToEndTest.baresipOffer;
import static dev.softswitch.gateway.e2e.MediaEndToEndTest.mediaAddress;
import static dev.softswitch.gateway.e2e.MediaEndToEndTest.plainOffer;
import static dev.softswitch.gateway.e2e.MediaEndToEndTest.receive;
import static dev.softswitch.gateway.e2e.MediaEndToEndTest.rtp;
import static dev.softswitch.gateway.e2e.MediaEndToEndTest.send;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.softswitch.gateway.Gateway;
import dev.softswitch.gateway.config.GatewayConfig;
import dev.softswitch.gateway.testing.PemFixtures;
import dev.softswitch.gateway.testing.TestAccounts;
import dev.softswitch.gateway.testing.TlsFixtures;
import dev.softswitch.gateway.transport.DemoCertificate;
import dev.softswitch.gateway.transport.TransportType;
import dev.softswitch.media.srtp.SrtpMasterKey;
import dev.softswitch.media.srtp.SrtpSuite;
import dev.softswitch.media.srtp.SrtpTestPeer;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #10's TLS proof through the real gateway, started from a YAML file whose tls listen point
 * names PEM files beside it: a Java app client over SIP over TLS (SIPp here is built without TLS)
 * places a call with SRTP to a SIPp carrier over UDP, audio both ways; the carrier's hang-up reaches
 * the client on its TLS connection; and SDES keys over UDP are refused while the file does not allow them.
 */
@ExtendWith(SippAvailable.class)
class TlsEndToEndTest {

    private static final Duration LIMIT = Duration.ofSeconds(20);
    private static final String UK_MOBILE = "+447400123456";
    private static final Pattern CRYPTO = Pattern.compile("(?m)^a=crypto:(\\d+) (\\S+) inline:([^|\\s]+)");

    @TempDir
    static Path dir;

    private static Gateway gateway;
    private static int udpPort;
    private static int tlsPort;
    private static int carrierPort;
    private static Path callRecords;
    private static SSLContext trustingTheGateway;

    private final List<AutoCloseable> closeables = new ArrayList<>();
    private int recordsBefore;

    @BeforeAll
    static void startGateway() throws Exception {
        DemoCertificate certificate = DemoCertificate.generate("127.0.0.1", Instant.now());
        PemFixtures.write(dir.resolve("gateway-cert.pem"), certificate.certificate());
        PemFixtures.write(dir.resolve("gateway-key.pem"), certificate.key());
        trustingTheGateway = TlsFixtures.clientTrusting(certificate.certificate());
        udpPort = SippProcess.freePort();
        tlsPort = SippProcess.freeTcpPort();
        carrierPort = SippProcess.freeUdpPort();
        int mediaBase = 20000 + 2 * (int) ((ProcessHandle.current().pid() + 1500) % 4000);
        callRecords = dir.resolve("calls.jsonl");
        Path file = dir.resolve("tls-e2e.yaml");
        Files.writeString(file, TestAccounts.withPasswords("""
                sip:
                  listen:
                    - { transport: udp, host: 127.0.0.1, port: %1$d }
                    - { transport: tls, host: 127.0.0.1, port: %2$d, certificate: gateway-cert.pem, key: gateway-key.pem }
                http: { host: 127.0.0.1, port: %3$d }
                media: { host: 127.0.0.1, portMin: %4$d, portMax: %5$d }
                trunks:
                  - { name: sipp-carrier, host: 127.0.0.1, port: %6$d, transport: udp, prefixes: ["44"], probe: false }
                charging:
                  currency: USD
                  rates:
                    - { prefix: "447", destination: UK mobile, perMinute: "0.60", increments: 2/2 }
                  accounts:
                    - { id: alice, balance: "10.00", number: "+447400000001" }
                cdr: { file: "%7$s" }
                auth: { algorithms: [SHA-256, MD5] }
                """.formatted(udpPort, tlsPort, SippProcess.freeTcpPort(), mediaBase, mediaBase + 39, carrierPort,
                callRecords)));
        gateway = Gateway.start(GatewayConfig.load(file), file);
    }

    @AfterAll
    static void stopGateway() {
        if (gateway != null) {
            gateway.close();
        }
    }

    @BeforeEach
    void countRecords() throws Exception {
        recordsBefore = Files.exists(callRecords) ? Files.readAllLines(callRecords).size() : 0;
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
        await(() -> activeCalls() == 0, Duration.ofSeconds(10));
        await(() -> gateway.relay().portsInUse() == 0, Duration.ofSeconds(5));
    }

    @Test
    void tlsCallWithSrtpCarriesAudioBothWays() throws Exception {
        DatagramSocket carrierRtp = udp();
        SippProcess carrier = track(SippProcess.builder(SippScenario.uas("fixed-media")).localPort(carrierPort)
                .timeout(LIMIT).set("rtp", Integer.toString(carrierRtp.getLocalPort())).traceMessages().start());
        carrier.awaitListening(Duration.ofSeconds(5));
        DatagramSocket clientRtp = udp();
        SrtpMasterKey clientKey = SrtpMasterKey.generate(SrtpSuite.AES_CM_128_HMAC_SHA1_80, new SecureRandom());
        SipTlsPeer peer = track(new SipTlsPeer(trustingTheGateway, tlsPort, "alice"));
        assertThat(peer.protocol()).isIn("TLSv1.3", "TLSv1.2");

        SipUdpPeer.Message ok = peer.invite(UK_MOBILE, baresipOffer(clientRtp.getLocalPort(), clientKey), LIMIT);

        assertThat(ok.status()).as(ok.raw()).isEqualTo(200);
        assertThat(peer.challenge()).as("alice proved herself with SHA-256 first").contains("algorithm=SHA-256");
        assertThat(ok.header("Via").orElseThrow()).startsWith("SIP/2.0/TLS ");
        assertThat(ok.header("Contact").orElseThrow()).contains(":" + tlsPort).contains("transport=tls");
        assertThat(audioProfile(ok.body())).isEqualTo("RTP/SAVP");
        Matcher crypto = CRYPTO.matcher(ok.body());
        assertThat(crypto.find()).as(ok.body()).isTrue();
        SrtpMasterKey relayKey = SrtpMasterKey.fromInline(SrtpSuite.AES_CM_128_HMAC_SHA1_80, crypto.group(3));
        String carrierOffer = carrier.receivedMessages().get(0).body();
        assertThat(audioProfile(carrierOffer)).isEqualTo("RTP/AVP");
        assertThat(carrierOffer).doesNotContain("a=crypto");
        InetSocketAddress relayClientSide = mediaAddress(ok.body());

        try (SrtpTestPeer srtp = new SrtpTestPeer(clientKey, relayKey, 0x7A7A7A7A)) {
            SocketAddress relayCarrierSide = null;
            for (int seq = 1; seq <= 20; seq++) {
                byte[] plain = rtp(seq, 0x7A7A7A7A, (byte) seq);
                send(clientRtp, srtp.protectRtp(plain), relayClientSide);
                DatagramPacket got = receive(carrierRtp);
                assertThat(Arrays.copyOf(got.getData(), got.getLength())).as("packet %d at the carrier", seq)
                        .isEqualTo(plain);
                relayCarrierSide = got.getSocketAddress();
            }
            for (int seq = 1; seq <= 20; seq++) {
                byte[] plain = rtp(seq, 0x0B0B0B0B, (byte) (100 + seq));
                send(carrierRtp, plain, relayCarrierSide);
                DatagramPacket got = receive(clientRtp);
                assertThat(srtp.unprotectRtp(Arrays.copyOf(got.getData(), got.getLength())))
                        .as("packet %d at the client", seq).isEqualTo(plain);
            }
        }

        assertThat(peer.bye(LIMIT).status()).isEqualTo(200);
        assertThat(carrier.awaitExit(LIMIT)).as(carrier.describe()).isZero();
        JsonNode media = CallRecords.lastWhere(callRecords, recordsBefore, "alice", r -> r.has("media")).get("media");
        assertThat(media.get("clientToCarrier").get("packets").asLong()).isEqualTo(20);
        assertThat(media.get("carrierToClient").get("packets").asLong()).isEqualTo(20);
    }

    @Test
    void theCarriersHangUpReachesTheClientOnItsTlsConnection() throws Exception {
        SippProcess carrier = track(SippProcess.builder(SippScenario.uas("callee-hangup")).localPort(carrierPort)
                .timeout(LIMIT).callDuration(Duration.ofMillis(300)).start());
        carrier.awaitListening(Duration.ofSeconds(5));
        DatagramSocket clientRtp = udp();
        SipTlsPeer peer = track(new SipTlsPeer(trustingTheGateway, tlsPort, "alice"));

        SipUdpPeer.Message ok = peer.invite(UK_MOBILE, plainOffer(clientRtp.getLocalPort()), LIMIT);
        assertThat(ok.status()).as(ok.raw()).isEqualTo(200);

        // An in-dialog request toward a TLS client goes back over its connection (RFC 3261 §18.1.1, §26.2.1).
        SipUdpPeer.Message bye = peer.awaitBye(LIMIT);
        assertThat(bye.header("Via").orElseThrow()).startsWith("SIP/2.0/TLS 127.0.0.1:" + tlsPort);
        assertThat(carrier.awaitExit(LIMIT)).as(carrier.describe()).isZero();
        assertThat(CallRecords.lastOf(callRecords, recordsBefore, "alice").get("disconnectCause").asText())
                .isEqualTo("callee_bye");
    }

    @Test
    void sdesKeysOverUdpAreRefusedWith488() throws Exception {
        DatagramSocket clientRtp = udp();
        SrtpMasterKey clientKey = SrtpMasterKey.generate(SrtpSuite.AES_CM_128_HMAC_SHA1_80, new SecureRandom());
        SipUdpPeer peer = track(new SipUdpPeer(udpPort, "alice"));

        SipUdpPeer.Message refused = peer.invite(UK_MOBILE, baresipOffer(clientRtp.getLocalPort(), clientKey), LIMIT);

        assertThat(refused.status()).isEqualTo(488);
        assertThat(refused.startLine()).isEqualTo("SIP/2.0 488 Not Acceptable Here: SDES keys need TLS");
        // Counted by its reason once the call is settled (off the SIP core thread).
        await(() -> !gateway.registry().find("calls.attempts").tag("outcome", "sdes_without_tls").counters().isEmpty(),
                Duration.ofSeconds(5));
    }

    /**
     * A gateway whose tls trunks are probed with OPTIONS over TLS: the carrier whose certificate the
     * trunk's {@code ca} vouches for gets the probe; the one the JDK's trust store does not know is
     * refused at the handshake, which is counted. Its own tls listen point has no files: the demo
     * certificate is made at start.
     */
    @Test
    void tlsTrunksAreVerifiedAgainstTheirCaOrTheJdkTrustStore() throws Exception {
        DemoCertificate carrierCertificate = DemoCertificate.generate("127.0.0.1", Instant.now());
        Path trunkDir = Files.createDirectories(dir.resolve("tls-trunks"));
        PemFixtures.write(trunkDir.resolve("carrier-ca.pem"), carrierCertificate.certificate());
        SSLContext carrierTls = TlsFixtures.server(carrierCertificate.key(), carrierCertificate.certificate());
        try (SSLServerSocket trusted = listen(carrierTls); SSLServerSocket untrusted = listen(carrierTls)) {
            int mediaBase = 20000 + 2 * (int) ((ProcessHandle.current().pid() + 1700) % 4000);
            Path file = trunkDir.resolve("tls-trunks.yaml");
            Files.writeString(file, TestAccounts.withPasswords("""
                    sip:
                      listen:
                        - { transport: tls, host: 127.0.0.1, port: %1$d }
                    http: { host: 127.0.0.1, port: %2$d }
                    media: { host: 127.0.0.1, portMin: %3$d, portMax: %4$d }
                    trunks:
                      - { name: with-ca, host: 127.0.0.1, port: %5$d, transport: tls, prefixes: ["44"], ca: carrier-ca.pem }
                      - { name: jdk-trust-only, host: 127.0.0.1, port: %6$d, transport: tls, prefixes: ["49"] }
                    charging:
                      currency: USD
                      rates:
                        - { prefix: "447", destination: UK mobile, perMinute: "0.60", increments: 2/2 }
                      accounts:
                        - { id: alice, balance: "10.00", number: "+447400000001" }
                    cdr: { file: "%7$s" }
                    """.formatted(SippProcess.freeTcpPort(), SippProcess.freeTcpPort(), mediaBase, mediaBase + 9,
                    trusted.getLocalPort(), untrusted.getLocalPort(), trunkDir.resolve("calls.jsonl"))));
            Gateway probing = track(Gateway.start(GatewayConfig.load(file), file));
            int tlsListen = probing.sipAddress(TransportType.TLS).getPort();

            try (SSLSocket carrier = (SSLSocket) trusted.accept()) {
                carrier.setSoTimeout(5000);
                String options = readHead(carrier.getInputStream());
                assertThat(options).startsWith("OPTIONS sip:").contains("Via: SIP/2.0/TLS 127.0.0.1:" + tlsListen + ";");
            }
            try (SSLSocket refused = (SSLSocket) untrusted.accept()) {
                refused.setSoTimeout(5000);
                assertThat(refused.getInputStream().read()).as("the gateway hangs up at the handshake").isEqualTo(-1);
            } catch (IOException expected) {
                // the gateway's certificate_unknown alert
            }
            await(() -> probing.registry().get("sip.tls.handshake.failures").functionCounter().count() >= 1,
                    Duration.ofSeconds(5));
        }
    }

    private static SSLServerSocket listen(SSLContext tls) throws IOException {
        SSLServerSocket socket = (SSLServerSocket) tls.getServerSocketFactory()
                .createServerSocket(SippProcess.freeTcpPort(), 1, InetAddress.getLoopbackAddress());
        socket.setSoTimeout(10_000);
        return socket;
    }

    /** One message head (up to the empty line). */
    private static String readHead(java.io.InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed after: " + head);
            }
            head.append((char) b);
        }
        return head.toString();
    }

    private DatagramSocket udp() throws IOException {
        DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        s.setSoTimeout(3000);
        closeables.add(s);
        return s;
    }

    private <T extends AutoCloseable> T track(T closeable) {
        closeables.add(closeable);
        return closeable;
    }

    private static int activeCalls() {
        try {
            return gateway.activeCalls();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
