package dev.softswitch.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.softswitch.charging.money.Money;
import dev.softswitch.gateway.Gateway;
import dev.softswitch.gateway.config.GatewayConfig;
import dev.softswitch.gateway.testing.TestAccounts;
import dev.softswitch.media.session.MediaTimeouts;
import dev.softswitch.media.srtp.SrtpMasterKey;
import dev.softswitch.media.srtp.SrtpSuite;
import dev.softswitch.media.srtp.SrtpTestPeer;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #5's end-to-end proof: RTP, SRTP, latching and hold/resume through the real gateway (started
 * in this JVM from YAML on loopback ports), between SIPp or a Java SIP/RTP peer on the client side and
 * a SIPp carrier (with SIPp's echo or the test's own UDP socket as its media) on the other.
 */
@ExtendWith(SippAvailable.class)
class MediaEndToEndTest {

    private static final Duration LIMIT = Duration.ofSeconds(20);
    private static final String UK_MOBILE = "+447400123456";
    private static final Pattern M_AUDIO = Pattern.compile("(?m)^m=audio (\\d+) (\\S+)");
    private static final Pattern C_LINE = Pattern.compile("(?m)^c=IN IP4 (\\S+)");
    private static final Pattern CRYPTO = Pattern.compile("(?m)^a=crypto:(\\d+) (\\S+) inline:([^|\\s]+)");

    @TempDir
    static Path dir;

    private static Gateway gateway;
    private static int sipPort;
    private static int carrierPort;
    private static Path callRecords;

    private final List<AutoCloseable> closeables = new ArrayList<>();
    private int recordsBefore;

    @BeforeAll
    static void startGateway() throws Exception {
        sipPort = SippProcess.freePort();
        carrierPort = SippProcess.freeUdpPort();
        int mediaBase = 20000 + 2 * (int) ((ProcessHandle.current().pid() + 1000) % 4000);
        callRecords = dir.resolve("calls.jsonl");
        String yaml = """
                sip:
                  listen:
                    - { transport: udp, host: 127.0.0.1, port: %1$d }
                  sdesWithoutTls: true    # the SRTP case's SDES keys travel over UDP on loopback
                http: { host: 127.0.0.1, port: %6$d }
                media: { host: 127.0.0.1, portMin: %2$d, portMax: %3$d }
                trunks:
                  - { name: sipp-carrier, host: 127.0.0.1, port: %4$d, transport: udp, prefixes: ["44"], probe: false }
                charging:
                  currency: USD
                  rates:
                    - { prefix: "447", destination: UK mobile, perMinute: "0.60", increments: 2/2 }
                  accounts:
                    - { id: alice, balance: "10.00", number: "+447400000001" }
                    - { id: erin, balance: "10.00", number: "+447400000004" }
                cdr: { file: "%5$s" }
                """.formatted(sipPort, mediaBase, mediaBase + 99, carrierPort, callRecords, SippProcess.freeTcpPort());
        gateway = Gateway.start(GatewayConfig.parse(TestAccounts.withPasswords(yaml), "media-e2e.yaml"));
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

    // ---- (a) SIPp both ways ------------------------------------------------------------------

    @Test
    void sippClientAndCarrierExchangeRtpBothWaysWithMatchingCounters() throws Exception {
        long relayedBefore = gateway.relay().packetsRelayed();
        SippProcess carrier = track(carrier("rtp").rtpEcho().start());
        carrier.awaitListening(Duration.ofSeconds(5));
        SippProcess client = track(client("rtp", "erin").callDuration(Duration.ofMillis(2000)).traceMessages().start());

        assertThat(client.awaitExit(LIMIT)).as(client.describe()).isZero();
        assertThat(carrier.awaitExit(LIMIT)).as(carrier.describe()).isZero();

        JsonNode media = lastRecordOf("erin").get("media");
        long up = media.get("clientToCarrier").get("packets").asLong();
        long down = media.get("carrierToClient").get("packets").asLong();
        // Up to 2 s of g711a.pcap: 30 ms A-law frames (240 bytes of payload, 252-byte RTP packets, 236 in 7 s),
        // every one echoed back but for the last ones in flight at the BYE.
        assertThat(up).as("client->carrier packets").isBetween(30L, 75L);
        // Echoes still in flight when the BYE closes the session are the only difference (a few under load).
        assertThat(down).as("carrier->client packets, client->carrier %d", up).isBetween(up - 5, up);
        assertThat(media.get("clientToCarrier").get("bytes").asLong()).isEqualTo(up * 252);
        assertThat(media.get("carrierToClient").get("bytes").asLong()).isEqualTo(down * 252);
        assertThat(media.get("clientToCarrier").get("lost").asLong()).isZero();
        assertThat(gateway.relay().packetsRelayed() - relayedBefore).isEqualTo(up + down);
    }

    // ---- (b) SRTP client leg, plain carrier ----------------------------------------------------

    @Test
    void srtpClientTalksToPlainRtpCarrierThroughTheRelay() throws Exception {
        DatagramSocket carrierRtp = udp();
        SippProcess carrier = track(carrier("fixed-media").set("rtp", Integer.toString(carrierRtp.getLocalPort()))
                .traceMessages().start());
        carrier.awaitListening(Duration.ofSeconds(5));
        DatagramSocket clientRtp = udp();
        SrtpMasterKey clientKey = SrtpMasterKey.generate(SrtpSuite.AES_CM_128_HMAC_SHA1_80, new SecureRandom());
        SipUdpPeer peer = track(new SipUdpPeer(sipPort, "alice"));

        SipUdpPeer.Message ok = peer.invite(UK_MOBILE, baresipOffer(clientRtp.getLocalPort(), clientKey), LIMIT);

        assertThat(ok.status()).as(ok.raw()).isEqualTo(200);
        InetSocketAddress relayClientSide = mediaAddress(ok.body());
        assertThat(audioProfile(ok.body())).isEqualTo("RTP/SAVP");
        Matcher crypto = CRYPTO.matcher(ok.body());
        assertThat(crypto.find()).as(ok.body()).isTrue();
        assertThat(crypto.group(2)).isEqualTo("AES_CM_128_HMAC_SHA1_80");
        SrtpMasterKey relayKey = SrtpMasterKey.fromInline(SrtpSuite.AES_CM_128_HMAC_SHA1_80, crypto.group(3));
        assertThat(relayKey).isNotEqualTo(clientKey);
        String carrierOffer = carrier.receivedMessages().get(0).body();
        assertThat(audioProfile(carrierOffer)).isEqualTo("RTP/AVP");
        assertThat(carrierOffer).doesNotContain("a=crypto").doesNotContain(clientKey.toInline())
                .doesNotContain(relayKey.toInline());

        try (SrtpTestPeer srtp = new SrtpTestPeer(clientKey, relayKey, 0x11223344)) {
            // client -> carrier: SRTP in, plain RTP out, same header and payload.
            SocketAddress relayCarrierSide = null;
            for (int seq = 1; seq <= 20; seq++) {
                byte[] plain = rtp(seq, 0x11223344, (byte) seq);
                byte[] protectedPacket = srtp.protectRtp(plain);
                assertThat(protectedPacket.length).isEqualTo(plain.length + 10);
                send(clientRtp, protectedPacket, relayClientSide);
                DatagramPacket got = receive(carrierRtp);
                assertThat(Arrays.copyOf(got.getData(), got.getLength())).as("packet %d at the carrier", seq)
                        .isEqualTo(plain);
                relayCarrierSide = got.getSocketAddress();
            }
            // carrier -> client: plain in, SRTP out that the client decrypts with the relay's key.
            for (int seq = 1; seq <= 20; seq++) {
                byte[] plain = rtp(seq, 0x55667788, (byte) (100 + seq));
                send(carrierRtp, plain, relayCarrierSide);
                DatagramPacket got = receive(clientRtp);
                byte[] srtpPacket = Arrays.copyOf(got.getData(), got.getLength());
                assertThat(srtpPacket.length).isEqualTo(plain.length + 10);
                assertThat(Arrays.copyOfRange(srtpPacket, 12, plain.length))
                        .isNotEqualTo(Arrays.copyOfRange(plain, 12, plain.length));
                assertThat(srtp.unprotectRtp(srtpPacket)).as("packet %d at the client", seq).isEqualTo(plain);
                assertThat(got.getSocketAddress()).isEqualTo(relayClientSide);
            }
        }

        assertThat(peer.bye(LIMIT).status()).isEqualTo(200);
        assertThat(carrier.awaitExit(LIMIT)).as(carrier.describe()).isZero();
        JsonNode media = lastRecordOf("alice").get("media");
        assertThat(media.get("clientToCarrier").get("packets").asLong()).isEqualTo(20);
        assertThat(media.get("carrierToClient").get("packets").asLong()).isEqualTo(20);
    }

    // ---- (c) latching ------------------------------------------------------------------------

    @Test
    void clientSendingFromAnotherPortThanSignalledIsLatched() throws Exception {
        DatagramSocket carrierRtp = udp();
        SippProcess carrier = track(carrier("fixed-media").set("rtp", Integer.toString(carrierRtp.getLocalPort()))
                .start());
        carrier.awaitListening(Duration.ofSeconds(5));
        DatagramSocket signalled = udp();
        DatagramSocket actual = udp(); // what a NAT would show: another port than the SDP says
        SipUdpPeer peer = track(new SipUdpPeer(sipPort, "alice"));

        SipUdpPeer.Message ok = peer.invite(UK_MOBILE, plainOffer(signalled.getLocalPort()), LIMIT);
        assertThat(ok.status()).as(ok.raw()).isEqualTo(200);
        InetSocketAddress relayClientSide = mediaAddress(ok.body());

        SocketAddress relayCarrierSide = null;
        for (int seq = 1; seq <= 10; seq++) {
            byte[] packet = rtp(seq, 0x0A0B0C0D, (byte) seq);
            send(actual, packet, relayClientSide);
            DatagramPacket got = receive(carrierRtp);
            assertThat(Arrays.copyOf(got.getData(), got.getLength())).isEqualTo(packet);
            relayCarrierSide = got.getSocketAddress();
        }
        for (int seq = 1; seq <= 10; seq++) {
            byte[] packet = rtp(seq, 0x01020304, (byte) (50 + seq));
            send(carrierRtp, packet, relayCarrierSide);
            DatagramPacket got = receive(actual);
            assertThat(Arrays.copyOf(got.getData(), got.getLength())).isEqualTo(packet);
        }
        // Nothing went to the signalled port once the real source was learnt.
        signalled.setSoTimeout(200);
        assertThat(tryReceive(signalled)).isFalse();

        assertThat(peer.bye(LIMIT).status()).isEqualTo(200);
        assertThat(carrier.awaitExit(LIMIT)).as(carrier.describe()).isZero();
    }

    // ---- (d) hold and resume -----------------------------------------------------------------

    @Test
    void holdAndResumeKeepTheCall() throws Exception {
        SippProcess carrier = track(carrier("hold-resume").traceMessages().start());
        carrier.awaitListening(Duration.ofSeconds(5));
        SippProcess client = track(client("hold-resume", "alice").callDuration(Duration.ofMillis(400))
                .traceMessages().start());

        assertThat(client.awaitExit(LIMIT)).as(client.describe()).isZero();
        assertThat(carrier.awaitExit(LIMIT)).as(carrier.describe()).isZero();

        List<SippMessage> invites = carrier.receivedMessages().stream()
                .filter(m -> m.startLine().startsWith("INVITE ")).toList();
        assertThat(invites).hasSize(3);
        assertThat(invites.get(1).body()).contains("a=sendonly").doesNotContain("m=audio " + client.mediaPort());
        assertThat(invites.get(2).body()).contains("a=sendrecv");
        // The carrier's answers reach the client rewritten to the relay, directions intact.
        List<SippMessage> oks = client.receivedMessages().stream()
                .filter(m -> m.startLine().startsWith("SIP/2.0 200") && m.body().contains("m=audio")).toList();
        assertThat(oks).hasSize(3);
        assertThat(oks.get(1).body()).contains("a=recvonly").doesNotContain("m=audio " + carrier.mediaPort());
        assertThat(oks.get(2).body()).contains("a=sendrecv");
        assertThat(mediaAddress(oks.get(1).body())).isEqualTo(mediaAddress(oks.get(0).body()));

        JsonNode record = lastRecordOf("alice");
        assertThat(record.get("disconnectCause").asText()).isEqualTo("caller_bye");
        assertThat(record.get("durationMillis").asLong()).isGreaterThanOrEqualTo(1_100);
        await(() -> gateway.relay().portsInUse() == 0, Duration.ofSeconds(5));
    }

    // ---- (e) media timeout -------------------------------------------------------------------

    @Test
    void mediaTimeoutEndsBothLegsAndTheCharging() throws Exception {
        // A gateway whose media timeout is 1.5 s (media.timeout); neither side sends any RTP.
        int port = SippProcess.freePort();
        int carrierSip = SippProcess.freeUdpPort();
        int mediaBase = 20000 + 2 * (int) ((ProcessHandle.current().pid() + 3000) % 4000);
        Path records = dir.resolve("timeout-calls.jsonl");
        String yaml = """
                sip:
                  listen:
                    - { transport: udp, host: 127.0.0.1, port: %1$d }
                http: { host: 127.0.0.1, port: %5$d }
                media: { host: 127.0.0.1, portMin: %2$d, portMax: %3$d, timeout: 1500ms, holdTimeout: 60s }
                trunks:
                  - { name: sipp-carrier, host: 127.0.0.1, port: %4$d, transport: udp, prefixes: ["44"], probe: false }
                charging:
                  currency: USD
                  rates:
                    - { prefix: "447", destination: UK mobile, perMinute: "0.60", increments: 2/2 }
                  accounts:
                    - { id: alice, balance: "1.00", number: "+447400000001" }
                cdr: { file: "%6$s" }
                """.formatted(port, mediaBase, mediaBase + 19, carrierSip, SippProcess.freeTcpPort(), records);
        Gateway small = track(Gateway.start(GatewayConfig.parse(TestAccounts.withPasswords(yaml), "timeout.yaml")));
        DatagramSocket carrierRtp = udp();
        SippProcess carrier = track(SippProcess.builder(SippScenario.uas("fixed-media")).localPort(carrierSip)
                .timeout(LIMIT).set("rtp", Integer.toString(carrierRtp.getLocalPort())).traceMessages().start());
        carrier.awaitListening(Duration.ofSeconds(5));
        DatagramSocket clientRtp = udp();
        SipUdpPeer peer = track(new SipUdpPeer(port, "alice"));

        SipUdpPeer.Message ok = peer.invite(UK_MOBILE, plainOffer(clientRtp.getLocalPort()), LIMIT);
        assertThat(ok.status()).as(ok.raw()).isEqualTo(200);
        long answered = System.nanoTime();

        // The gateway hangs up both legs: the client peer gets a BYE, the carrier's scenario ends on its BYE.
        peer.awaitBye(Duration.ofSeconds(6));
        long silence = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - answered);
        assertThat(silence).isBetween(1_400L, 3_000L);
        assertThat(carrier.awaitExit(LIMIT)).as(carrier.describe()).isZero();
        assertThat(carrier.receivedMessages()).extracting(m -> m.startLine().split(" ")[0])
                .containsExactly("INVITE", "ACK", "BYE");

        JsonNode record = CallRecords.lastOf(records, 0, "alice");
        assertThat(record.get("disconnectCause").asText()).isEqualTo("media_timeout");
        assertThat(record.get("hungUpBy").asText()).isEqualTo("gateway");
        long amount = record.get("amount").get("micros").asLong();
        assertThat(amount).isBetween(20_000L, 40_000L); // one or two started 2-second increments
        Money balance = small.accounts().balance("alice").orElseThrow();
        assertThat(balance).isEqualTo(Money.parse("1.00", "USD").minus(Money.ofMicros(amount, "USD")));
        // Charging stopped: nothing stays reserved and the balance does not move any more.
        assertThat(small.accounts().available("alice")).isEqualTo(balance);
        assertThat(small.activeCalls()).isZero();
        await(() -> small.relay().portsInUse() == 0, Duration.ofSeconds(5));
    }

    // ---- helpers -----------------------------------------------------------------------------

    static String baresipOffer(int rtpPort, SrtpMasterKey key) throws IOException {
        String fixture;
        try (InputStream in = MediaEndToEndTest.class.getResourceAsStream("/fixtures/sip/baresip-1.0.0-invite-srtp-sdes.sip")) {
            fixture = new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("\r\n", "\n");
        }
        String body = fixture.substring(fixture.indexOf("\n\n") + 2);
        return body.replace("m=audio 20074 ", "m=audio " + rtpPort + " ")
                .replaceAll("inline:\\S+", "inline:" + key.toInline())
                .replace("\n", "\r\n");
    }

    static String plainOffer(int rtpPort) {
        return "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                + "m=audio " + rtpPort + " RTP/AVP 0 8\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\n"
                + "a=ptime:20\r\na=sendrecv\r\n";
    }

    static InetSocketAddress mediaAddress(String sdp) {
        Matcher c = C_LINE.matcher(sdp);
        Matcher m = M_AUDIO.matcher(sdp);
        assertThat(c.find() && m.find()).as(sdp).isTrue();
        return new InetSocketAddress(c.group(1), Integer.parseInt(m.group(1)));
    }

    static String audioProfile(String sdp) {
        Matcher m = M_AUDIO.matcher(sdp);
        assertThat(m.find()).as(sdp).isTrue();
        return m.group(2);
    }

    /** An RTP packet: PCMU, 20 ms timestamps, 160 bytes of {@code fill}. */
    static byte[] rtp(int seq, int ssrc, byte fill) {
        byte[] p = new byte[12 + 160];
        p[0] = (byte) 0x80;
        p[1] = 0;
        p[2] = (byte) (seq >> 8);
        p[3] = (byte) seq;
        int ts = seq * 160;
        p[4] = (byte) (ts >> 24);
        p[5] = (byte) (ts >> 16);
        p[6] = (byte) (ts >> 8);
        p[7] = (byte) ts;
        p[8] = (byte) (ssrc >> 24);
        p[9] = (byte) (ssrc >> 16);
        p[10] = (byte) (ssrc >> 8);
        p[11] = (byte) ssrc;
        Arrays.fill(p, 12, p.length, fill);
        p[12] = (byte) seq;
        return p;
    }

    DatagramSocket udp() throws IOException {
        DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        s.setSoTimeout(3000);
        closeables.add(s);
        return s;
    }

    static void send(DatagramSocket s, byte[] data, SocketAddress to) throws IOException {
        s.send(new DatagramPacket(data, data.length, to));
    }

    /** The bytes {@code packet} holds. */
    static byte[] data(DatagramPacket packet) {
        return Arrays.copyOf(packet.getData(), packet.getLength());
    }

    static DatagramPacket receive(DatagramSocket s) throws IOException {
        DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
        s.receive(p);
        return p;
    }

    static boolean tryReceive(DatagramSocket s) throws IOException {
        try {
            receive(s);
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        }
    }

    private SippProcess.Builder carrier(String flow) {
        return SippProcess.builder(SippScenario.uas(flow)).localPort(carrierPort).timeout(LIMIT);
    }

    private SippProcess.Builder client(String flow, String account) {
        return SippProcess.builder(SippScenario.uac(flow)).remote(sipPort).service(UK_MOBILE)
                .set("account", account).timeout(LIMIT);
    }

    private <T extends AutoCloseable> T track(T closeable) {
        closeables.add(closeable);
        return closeable;
    }

    private JsonNode lastRecordOf(String account) throws Exception {
        return CallRecords.lastOf(callRecords, recordsBefore, account);
    }

    private static int activeCalls() {
        try {
            return gateway.activeCalls();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static void await(BooleanSupplier condition, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + limit);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }
}
