package dev.softswitch.gateway.e2e;

import static dev.softswitch.gateway.e2e.MediaEndToEndTest.await;
import static dev.softswitch.gateway.e2e.MediaEndToEndTest.baresipOffer;
import static dev.softswitch.gateway.e2e.MediaEndToEndTest.data;
import static dev.softswitch.gateway.e2e.MediaEndToEndTest.mediaAddress;
import static dev.softswitch.gateway.e2e.MediaEndToEndTest.plainOffer;
import static dev.softswitch.gateway.e2e.MediaEndToEndTest.receive;
import static dev.softswitch.gateway.e2e.MediaEndToEndTest.rtp;
import static dev.softswitch.gateway.e2e.MediaEndToEndTest.send;
import static dev.softswitch.media.TestPackets.rtcpReceiverReport;
import static dev.softswitch.media.TestPackets.rtcpSenderReport;
import static org.assertj.core.api.Assertions.assertThat;

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
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * RFC 5761 rtcp-mux on the client leg, through the real gateway: a client offering {@code a=rtcp-mux} is
 * answered with it, its call holds three relay sockets instead of four, its RTCP (plain or SRTCP) sent to the
 * relay's RTP port reaches the carrier's RTCP port, and the carrier's RTCP comes back to the client's RTP port
 * from the relay's RTP port. The carrier (SIPp) is never told of mux and keeps RTCP on RTP + 1.
 */
@ExtendWith(SippAvailable.class)
class RtcpMuxEndToEndTest {

    private static final Duration LIMIT = Duration.ofSeconds(20);
    private static final String UK_MOBILE = "+447400123456";
    private static final Pattern CRYPTO = Pattern.compile("(?m)^a=crypto:\\d+ AES_CM_128_HMAC_SHA1_80 inline:([^|\\s]+)");

    @TempDir
    static Path dir;

    private static Gateway gateway;
    private static int sipPort;
    private static int carrierPort;

    private final List<AutoCloseable> closeables = new ArrayList<>();

    @BeforeAll
    static void startGateway() throws Exception {
        sipPort = SippProcess.freePort();
        carrierPort = SippProcess.freeUdpPort();
        String yaml = MediaHijackEndToEndTest.oneTrunkGateway(sipPort, SippProcess.freeRelayRange(100), carrierPort,
                dir.resolve("calls.jsonl"));
        gateway = Gateway.start(GatewayConfig.parse(TestAccounts.withPasswords(yaml), "rtcp-mux-e2e.yaml"));
    }

    @AfterAll
    static void stopGateway() {
        if (gateway != null) {
            gateway.close();
        }
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
    void aPlainClientOfferingMuxSendsAndGetsRtcpOnItsRtpPortAndHoldsThreeSockets() throws Exception {
        Carrier carrier = startCarrier();
        DatagramSocket client = udp();
        SipUdpPeer peer = track(new SipUdpPeer(sipPort, "alice"));
        SipUdpPeer.Message ok = peer.invite(UK_MOBILE, plainOffer(client.getLocalPort()) + "a=rtcp-mux\r\n", LIMIT);
        assertThat(ok.status()).as(ok.raw()).isEqualTo(200);
        InetSocketAddress relayClientSide = mediaAddress(ok.body());
        String carrierOffer = carrier.sipp.receivedMessages().get(0).body();
        InetSocketAddress relayCarrierSide = mediaAddress(carrierOffer);
        assertThat(ok.body()).contains("a=rtcp-mux\r\n").doesNotContain("a=rtcp:");
        assertThat(carrierOffer).doesNotContain("rtcp-mux");
        assertThat(gateway.relay().portsInUse()).as("sockets of the call").isEqualTo(3);
        assertThat(gateway.registry().scrape()).contains("relay_sessions_rtcp_mux_total");
        long rtcpBefore = gateway.relay().rtcpPackets();

        byte[] up = rtp(1, 0x0A0B0C0D, (byte) 1);
        send(client, up, relayClientSide);
        assertThat(data(receive(carrier.rtp))).isEqualTo(up);
        byte[] rr = rtcpReceiverReport(0x0A0B0C0D);
        send(client, rr, relayClientSide); // RTCP on the RTP port: muxed
        assertThat(data(receive(carrier.rtcp))).as("the client's RTCP at the carrier's RTCP port").isEqualTo(rr);

        byte[] down = rtp(1, 0x01020304, (byte) 7);
        send(carrier.rtp, down, relayCarrierSide);
        assertThat(data(receive(client))).isEqualTo(down);
        byte[] sr = rtcpSenderReport(0x01020304);
        send(carrier.rtcp, sr, new InetSocketAddress(relayCarrierSide.getAddress(), relayCarrierSide.getPort() + 1));
        DatagramPacket back = receive(client);
        assertThat(data(back)).as("the carrier's RTCP at the client's RTP port").isEqualTo(sr);
        assertThat(back.getPort()).as("sent from the relay's RTP port").isEqualTo(relayClientSide.getPort());
        assertThat(gateway.relay().rtcpPackets() - rtcpBefore).isEqualTo(2);

        assertThat(peer.bye(LIMIT).status()).isEqualTo(200);
        assertThat(carrier.sipp.awaitExit(LIMIT)).as(carrier.sipp.describe()).isZero();
    }

    @Test
    void anSrtpClientOfferingMuxGetsSrtcpOnItsRtpPortDecryptedTowardTheCarrier() throws Exception {
        Carrier carrier = startCarrier();
        DatagramSocket client = udp();
        SrtpMasterKey clientKey = SrtpMasterKey.generate(SrtpSuite.AES_CM_128_HMAC_SHA1_80, new SecureRandom());
        SipUdpPeer peer = track(new SipUdpPeer(sipPort, "alice"));
        SipUdpPeer.Message ok = peer.invite(UK_MOBILE, baresipOffer(client.getLocalPort(), clientKey) + "a=rtcp-mux\r\n",
                LIMIT);
        assertThat(ok.status()).as(ok.raw()).isEqualTo(200);
        assertThat(ok.body()).contains("a=rtcp-mux\r\n", "RTP/SAVP");
        InetSocketAddress relayClientSide = mediaAddress(ok.body());
        InetSocketAddress relayCarrierSide = mediaAddress(carrier.sipp.receivedMessages().get(0).body());
        Matcher crypto = CRYPTO.matcher(ok.body());
        assertThat(crypto.find()).as(ok.body()).isTrue();
        SrtpMasterKey relayKey = SrtpMasterKey.fromInline(SrtpSuite.AES_CM_128_HMAC_SHA1_80, crypto.group(1));

        try (SrtpTestPeer srtp = new SrtpTestPeer(clientKey, relayKey, 0x11223344)) {
            byte[] up = rtp(1, 0x11223344, (byte) 1);
            send(client, srtp.protectRtp(up), relayClientSide);
            assertThat(data(receive(carrier.rtp))).isEqualTo(up);
            byte[] rr = rtcpReceiverReport(0x11223344);
            send(client, srtp.protectRtcp(rr), relayClientSide);
            assertThat(data(receive(carrier.rtcp))).as("the client's SRTCP, decrypted, at the carrier").isEqualTo(rr);

            byte[] sr = rtcpSenderReport(0x55667788);
            send(carrier.rtcp, sr, new InetSocketAddress(relayCarrierSide.getAddress(), relayCarrierSide.getPort() + 1));
            DatagramPacket back = receive(client);
            assertThat(back.getPort()).isEqualTo(relayClientSide.getPort());
            assertThat(srtp.unprotectRtcp(data(back))).as("the carrier's RTCP as SRTCP at the client").isEqualTo(sr);
        }
        assertThat(peer.bye(LIMIT).status()).isEqualTo(200);
        assertThat(carrier.sipp.awaitExit(LIMIT)).as(carrier.sipp.describe()).isZero();
    }

    /** The carrier: SIPp for the signalling, the test's own sockets on its RTP port and the one above for RTCP. */
    private record Carrier(SippProcess sipp, DatagramSocket rtp, DatagramSocket rtcp) {
    }

    private Carrier startCarrier() throws Exception {
        for (int attempt = 0; ; attempt++) {
            DatagramSocket rtp = udp();
            DatagramSocket rtcp;
            try {
                rtcp = track(new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(),
                        rtp.getLocalPort() + 1)));
            } catch (IOException taken) {
                if (attempt < 20) {
                    continue;
                }
                throw taken;
            }
            rtcp.setSoTimeout(3000);
            SippProcess sipp = track(SippProcess.builder(SippScenario.uas("fixed-media")).localPort(carrierPort)
                    .timeout(LIMIT).set("rtp", Integer.toString(rtp.getLocalPort())).traceMessages().start());
            sipp.awaitListening(Duration.ofSeconds(5));
            return new Carrier(sipp, rtp, rtcp);
        }
    }

    private DatagramSocket udp() throws IOException {
        DatagramSocket s = track(new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)));
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
