package dev.softswitch.gateway.e2e;

import static dev.softswitch.gateway.e2e.MediaEndToEndTest.await;
import static dev.softswitch.gateway.e2e.MediaEndToEndTest.baresipOffer;
import static dev.softswitch.gateway.e2e.MediaEndToEndTest.data;
import static dev.softswitch.gateway.e2e.MediaEndToEndTest.mediaAddress;
import static dev.softswitch.gateway.e2e.MediaEndToEndTest.plainOffer;
import static dev.softswitch.gateway.e2e.MediaEndToEndTest.receive;
import static dev.softswitch.gateway.e2e.MediaEndToEndTest.rtp;
import static dev.softswitch.gateway.e2e.MediaEndToEndTest.send;
import static dev.softswitch.gateway.e2e.MediaEndToEndTest.tryReceive;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.softswitch.gateway.Gateway;
import dev.softswitch.gateway.config.GatewayConfig;
import dev.softswitch.gateway.testing.TestAccounts;
import dev.softswitch.media.srtp.SrtpMasterKey;
import dev.softswitch.media.srtp.SrtpSuite;
import dev.softswitch.media.srtp.SrtpTestPeer;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
 * Issue 10's media hijack, tried through the real gateway (MED-2): a call is set up by a Java SIP
 * client (authenticating with its account's digest credentials) and a SIPp carrier, then, inside the latching window and before either peer has sent
 * anything, an attacker sends packets into both relay ports of the call (the client side as
 * answered to the client, the carrier side as offered to the carrier). On plain RTP the attacker
 * sends from another address (127.0.0.2); on SRTP from the client's own address, another port,
 * with packets that do not authenticate. Either way the real media flows both ways and the
 * attacker receives nothing.
 */
@ExtendWith(SippAvailable.class)
class MediaHijackEndToEndTest {

    private static final Duration LIMIT = Duration.ofSeconds(20);
    private static final String UK_MOBILE = "+447400123456";
    private static final int PACKETS = 10;
    private static final Pattern CRYPTO = Pattern.compile("(?m)^a=crypto:\\d+ AES_CM_128_HMAC_SHA1_80 inline:([^|\\s]+)");

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
        int mediaBase = 20000 + 2 * (int) ((ProcessHandle.current().pid() + 2000) % 4000);
        callRecords = dir.resolve("calls.jsonl");
        String yaml = oneTrunkGateway(sipPort, mediaBase, carrierPort, callRecords);
        gateway = Gateway.start(GatewayConfig.parse(TestAccounts.withPasswords(yaml), "media-hijack-e2e.yaml"));
    }

    /**
     * A gateway on UDP {@code sipPort} relaying on 100 ports from {@code mediaBase} (SDES allowed over UDP), one
     * carrier trunk on {@code carrierPort} for +44, alice with 10 USD at 0.60 a minute to UK mobiles, and its
     * call records in {@code callRecords}.
     */
    static String oneTrunkGateway(int sipPort, int mediaBase, int carrierPort, Path callRecords) {
        return """
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
                cdr: { file: "%5$s" }
                """.formatted(sipPort, mediaBase, mediaBase + 99, carrierPort, callRecords, SippProcess.freeTcpPort());
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
    void anAttackerFromAnotherAddressInTheLatchWindowDoesNotStealPlainRtp() throws Exception {
        DatagramSocket carrierRtp = udp(InetAddress.getLoopbackAddress());
        SippProcess carrier = startCarrier(carrierRtp);
        DatagramSocket clientRtp = udp(InetAddress.getLoopbackAddress());
        SipUdpPeer peer = track(new SipUdpPeer(sipPort, "alice"));
        SipUdpPeer.Message ok = peer.invite(UK_MOBILE, plainOffer(clientRtp.getLocalPort()), LIMIT);
        assertThat(ok.status()).as(ok.raw()).isEqualTo(200);
        InetSocketAddress relayClientSide = mediaAddress(ok.body());
        InetSocketAddress relayCarrierSide = mediaAddress(carrier.receivedMessages().get(0).body());
        long refusedBefore = gateway.relay().packetsRefusedSource();
        long relayedBefore = gateway.relay().packetsRelayed();

        DatagramSocket attacker = udp(InetAddress.getByName("127.0.0.2"));
        attack(attacker, relayClientSide, rtp(1, 0x66666666, (byte) 0x66));
        attack(attacker, relayCarrierSide, rtp(1, 0x66666666, (byte) 0x66));
        await(() -> gateway.relay().packetsRefusedSource() - refusedBefore == 4, Duration.ofSeconds(5));

        for (int seq = 1; seq <= PACKETS; seq++) {
            byte[] up = rtp(seq, 0x0A0B0C0D, (byte) seq);
            send(clientRtp, up, relayClientSide);
            assertThat(data(receive(carrierRtp))).as("packet %d at the carrier", seq).isEqualTo(up);
            byte[] down = rtp(seq, 0x01020304, (byte) (50 + seq));
            send(carrierRtp, down, relayCarrierSide);
            assertThat(data(receive(clientRtp))).as("packet %d at the client", seq).isEqualTo(down);
        }

        assertThat(gateway.relay().packetsRelayed() - relayedBefore).isEqualTo(2 * PACKETS);
        attacker.setSoTimeout(200);
        assertThat(tryReceive(attacker)).as("anything relayed to the attacker").isFalse();
        hangUp(peer, carrier);
    }

    @Test
    void unauthenticatedPacketsInTheLatchWindowDoNotStealSrtp() throws Exception {
        DatagramSocket carrierRtp = udp(InetAddress.getLoopbackAddress());
        SippProcess carrier = startCarrier(carrierRtp);
        DatagramSocket clientRtp = udp(InetAddress.getLoopbackAddress());
        SrtpMasterKey clientKey = SrtpMasterKey.generate(SrtpSuite.AES_CM_128_HMAC_SHA1_80, new SecureRandom());
        SipUdpPeer peer = track(new SipUdpPeer(sipPort, "alice"));
        SipUdpPeer.Message ok = peer.invite(UK_MOBILE, baresipOffer(clientRtp.getLocalPort(), clientKey), LIMIT);
        assertThat(ok.status()).as(ok.raw()).isEqualTo(200);
        InetSocketAddress relayClientSide = mediaAddress(ok.body());
        InetSocketAddress relayCarrierSide = mediaAddress(carrier.receivedMessages().get(0).body());
        SrtpMasterKey relayKey = relayKey(ok.body());
        long droppedBefore = gateway.relay().packetsDropped();
        long relayedBefore = gateway.relay().packetsRelayed();

        // From the client's own address: only SRTP authentication tells the attacker apart.
        DatagramSocket attacker = udp(InetAddress.getLoopbackAddress());
        byte[] junk = Arrays.copyOf(rtp(1, 0x11223344, (byte) 0x66), 12 + 160 + 10);
        attack(attacker, relayClientSide, junk);
        DatagramSocket elsewhere = udp(InetAddress.getByName("127.0.0.2"));
        attack(elsewhere, relayCarrierSide, rtp(1, 0x66666666, (byte) 0x66));
        await(() -> gateway.relay().packetsDropped() - droppedBefore == 4, Duration.ofSeconds(5));

        try (SrtpTestPeer srtp = new SrtpTestPeer(clientKey, relayKey, 0x11223344)) {
            for (int seq = 1; seq <= PACKETS; seq++) {
                byte[] up = rtp(seq, 0x11223344, (byte) seq);
                send(clientRtp, srtp.protectRtp(up), relayClientSide);
                assertThat(data(receive(carrierRtp))).as("packet %d at the carrier", seq).isEqualTo(up);
                byte[] down = rtp(seq, 0x55667788, (byte) (100 + seq));
                send(carrierRtp, down, relayCarrierSide);
                assertThat(srtp.unprotectRtp(data(receive(clientRtp)))).as("packet %d at the client", seq)
                        .isEqualTo(down);
            }
        }

        assertThat(gateway.relay().packetsRelayed() - relayedBefore).isEqualTo(2 * PACKETS);
        attacker.setSoTimeout(200);
        elsewhere.setSoTimeout(200);
        assertThat(tryReceive(attacker)).as("anything relayed to the attacker").isFalse();
        assertThat(tryReceive(elsewhere)).as("anything relayed to the attacker").isFalse();
        hangUp(peer, carrier);
    }

    /** One RTP and one RTCP packet into the relay's port pair at {@code rtp}. */
    private static void attack(DatagramSocket from, InetSocketAddress rtp, byte[] packet) throws IOException {
        send(from, packet, rtp);
        send(from, packet, new InetSocketAddress(rtp.getAddress(), rtp.getPort() + 1));
    }

    private SippProcess startCarrier(DatagramSocket carrierRtp) throws Exception {
        SippProcess carrier = track(SippProcess.builder(SippScenario.uas("fixed-media")).localPort(carrierPort)
                .timeout(LIMIT).set("rtp", Integer.toString(carrierRtp.getLocalPort())).traceMessages().start());
        carrier.awaitListening(Duration.ofSeconds(5));
        return carrier;
    }

    private void hangUp(SipUdpPeer peer, SippProcess carrier) throws Exception {
        assertThat(peer.bye(LIMIT).status()).isEqualTo(200);
        assertThat(carrier.awaitExit(LIMIT)).as(carrier.describe()).isZero();
        JsonNode media = CallRecords.lastWhere(callRecords, recordsBefore, "alice", r -> r.has("media")).get("media");
        assertThat(media.get("clientToCarrier").get("packets").asLong()).isEqualTo(PACKETS);
        assertThat(media.get("carrierToClient").get("packets").asLong()).isEqualTo(PACKETS);
    }

    private static SrtpMasterKey relayKey(String answer) {
        Matcher crypto = CRYPTO.matcher(answer);
        assertThat(crypto.find()).as(answer).isTrue();
        return SrtpMasterKey.fromInline(SrtpSuite.AES_CM_128_HMAC_SHA1_80, crypto.group(1));
    }

    private DatagramSocket udp(InetAddress address) throws IOException {
        DatagramSocket s = track(new DatagramSocket(new InetSocketAddress(address, 0)));
        s.setSoTimeout(3000);
        return s;
    }

    private static int activeCalls() {
        try {
            return gateway.activeCalls();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private <T extends AutoCloseable> T track(T closeable) {
        closeables.add(closeable);
        return closeable;
    }
}
