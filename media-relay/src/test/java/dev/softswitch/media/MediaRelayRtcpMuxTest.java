package dev.softswitch.media;

import static dev.softswitch.media.TestPackets.rtcpReceiverReport;
import static dev.softswitch.media.TestPackets.rtcpSenderReport;
import static dev.softswitch.media.TestPackets.rtp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.softswitch.media.session.RelaySession;
import dev.softswitch.media.session.SocketBudget;
import dev.softswitch.media.session.SocketPoolSettings;
import dev.softswitch.media.srtp.SrtpMasterKey;
import dev.softswitch.media.srtp.SrtpSuite;
import dev.softswitch.media.srtp.SrtpTestPeer;
import io.netty.channel.epoll.Epoll;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * RFC 5761 rtcp-mux on the client leg, over real UDP on 127.0.0.1: the client sends RTP and RTCP from
 * one socket to the relay's client RTP port and receives both there; the carrier leg keeps its RTCP
 * port. A muxed session holds three sockets, not four.
 */
class MediaRelayRtcpMuxTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final int TIMEOUT_MS = 2000;

    private final List<DatagramSocket> sockets = new ArrayList<>();
    private MediaRelay relay;
    private SocketBudget budget;
    private DatagramSocket client;
    private SocketPair carrier;

    @AfterEach
    void tearDown() {
        sockets.forEach(DatagramSocket::close);
        if (carrier != null) {
            carrier.close();
        }
        if (relay != null) {
            relay.close();
        }
    }

    @ParameterizedTest(name = "epoll={0}")
    @ValueSource(booleans = {false, true})
    void aMuxedClientLegHoldsThreeSocketsAndRelaysRtpAndRtcpOnItsRtpPort(boolean epoll) throws Exception {
        assumeTrue(!epoll || Epoll.isAvailable(), "native epoll not available");
        start(epoll);
        RelaySession session = relay.allocate("call-mux", true);

        assertThat(session.clientLeg().isRtcpMux()).isTrue();
        assertThat(session.clientLeg().localRtcp()).isEqualTo(session.clientLeg().localRtp());
        assertThat(session.carrierLeg().isRtcpMux()).isFalse();
        assertThat(session.carrierLeg().localRtcp().getPort()).isEqualTo(session.carrierLeg().localRtp().getPort() + 1);
        assertThat(budget.open()).as("client RTP, carrier RTP and RTCP").isEqualTo(3);
        assertThat(relay.portsInUse()).isEqualTo(3);
        assertThat(relay.rtcpMuxSessions()).isEqualTo(1);
        try (DatagramSocket unbound = new DatagramSocket(new InetSocketAddress(LOOPBACK,
                session.clientLeg().localRtp().getPort() + 1))) {
            assertThat(unbound.isBound()).as("RTP + 1 of a muxed leg is not bound by the relay").isTrue();
        }

        session.clientLeg().setRemoteRtp(address(client));
        session.carrierLeg().setRemoteRtp(carrier.rtpAddress());
        assertThat(session.clientLeg().remoteRtcp()).isEqualTo(address(client));

        byte[] rtp = rtp(1, 0, 0x11);
        send(client, rtp, session.clientLeg().localRtp());
        DatagramPacket gotRtp = SocketPair.receive(carrier.rtp());
        assertThat(SocketPair.data(gotRtp)).isEqualTo(rtp);
        assertThat(gotRtp.getSocketAddress()).isEqualTo(session.carrierLeg().localRtp());

        byte[] rr = rtcpReceiverReport(0x11);
        send(client, rr, session.clientLeg().localRtp());
        DatagramPacket gotRr = SocketPair.receive(carrier.rtcp());
        assertThat(SocketPair.data(gotRr)).isEqualTo(rr);
        assertThat(gotRr.getSocketAddress()).isEqualTo(session.carrierLeg().localRtcp());

        byte[] sr = rtcpSenderReport(0x22);
        send(carrier.rtcp(), sr, session.carrierLeg().localRtcp());
        DatagramPacket gotSr = SocketPair.receive(client);
        assertThat(SocketPair.data(gotSr)).isEqualTo(sr);
        assertThat(gotSr.getSocketAddress()).as("RTCP to a muxed client leaves from the relay's client RTP port")
                .isEqualTo(session.clientLeg().localRtp());

        byte[] back = rtp(7, 0, 0x22);
        send(carrier.rtp(), back, session.carrierLeg().localRtp());
        DatagramPacket gotBack = SocketPair.receive(client);
        assertThat(SocketPair.data(gotBack)).isEqualTo(back);
        assertThat(gotBack.getSocketAddress()).isEqualTo(session.clientLeg().localRtp());

        assertThat(Await.until(() -> session.stats().clientToCarrier().packets() == 2, TIMEOUT_MS)).isTrue();
        assertThat(session.stats().clientToCarrier().rtcpPackets()).as("the RR counted as RTCP").isEqualTo(1);
        assertThat(session.stats().clientToCarrier().rtpExpected()).as("the RR is not RTP").isEqualTo(1);
        assertThat(session.stats().carrierToClient().rtcpPackets()).isEqualTo(1);
        assertThat(relay.rtcpPackets()).isEqualTo(2);
        assertThat(relay.packetsDropped()).isZero();

        session.close();
        assertThat(relay.portsInUse()).isZero();
        assertThat(relay.portsPooled()).as("the single and the pair kept for later calls").isEqualTo(3);
        assertThat(budget.open()).isEqualTo(3);
        relay.close();
        assertThat(budget.open()).as("every socket closed with the relay").isZero();
    }

    @Test
    void oneLatchServesRtpAndRtcpOfAMuxedLegBehindNat() throws Exception {
        start(Epoll.isAvailable());
        RelaySession session = relay.allocate("call-nat", true);
        session.clientLeg().setRemoteRtp(new InetSocketAddress(LOOPBACK, 9));
        session.carrierLeg().setRemoteRtp(carrier.rtpAddress());

        // The client's first packet is RTCP; it latches RTP too.
        byte[] rr = rtcpReceiverReport(0x11);
        send(client, rr, session.clientLeg().localRtp());
        assertThat(SocketPair.data(SocketPair.receive(carrier.rtcp()))).isEqualTo(rr);
        assertThat(session.clientLeg().remoteRtp()).isEqualTo(address(client));
        assertThat(session.clientLeg().remoteRtcp()).isEqualTo(address(client));

        byte[] back = rtp(7, 0, 0x22);
        send(carrier.rtp(), back, session.carrierLeg().localRtp());
        assertThat(SocketPair.data(SocketPair.receive(client))).isEqualTo(back);
        byte[] sr = rtcpSenderReport(0x22);
        send(carrier.rtcp(), sr, session.carrierLeg().localRtcp());
        assertThat(SocketPair.data(SocketPair.receive(client))).isEqualTo(sr);

        // Once latched, another source's RTCP-shaped packet on the RTP port is refused like RTP.
        DatagramSocket stranger = socket();
        long refusedBefore = relay.packetsRefusedSource();
        send(stranger, rtcpReceiverReport(0x66), session.clientLeg().localRtp());
        send(stranger, rtp(2, 160, 0x66), session.clientLeg().localRtp());
        assertThat(Await.until(() -> relay.packetsRefusedSource() == refusedBefore + 2, TIMEOUT_MS)).isTrue();
        assertThat(session.stats().clientToCarrier().rtcpPackets()).isEqualTo(1);
        assertThat(session.clientLeg().remoteRtp()).isEqualTo(address(client));
    }

    @Test
    void srtcpOfAMuxedSrtpClientIsDecryptedAndEncryptedOnTheRtpPort() throws Exception {
        start(Epoll.isAvailable());
        RelaySession session = relay.allocate("call-srtp-mux", true);
        SecureRandom random = new SecureRandom();
        SrtpMasterKey clientKey = SrtpMasterKey.generate(SrtpSuite.AES_CM_128_HMAC_SHA1_80, random);
        SrtpMasterKey relayKey = SrtpMasterKey.generate(SrtpSuite.AES_CM_128_HMAC_SHA1_80, random);
        session.clientLeg().setRemoteRtp(address(client));
        session.carrierLeg().setRemoteRtp(carrier.rtpAddress());
        session.clientLeg().enableSrtp(clientKey, relayKey);

        try (SrtpTestPeer peer = new SrtpTestPeer(clientKey, relayKey, 0x11)) {
            byte[] plain = rtp(1, 0, 0x11);
            send(client, peer.protectRtp(plain), session.clientLeg().localRtp());
            assertThat(SocketPair.data(SocketPair.receive(carrier.rtp()))).isEqualTo(plain);

            byte[] rr = rtcpReceiverReport(0x11);
            send(client, peer.protectRtcp(rr), session.clientLeg().localRtp());
            assertThat(SocketPair.data(SocketPair.receive(carrier.rtcp()))).as("SRTCP decrypted").isEqualTo(rr);

            byte[] sr = rtcpSenderReport(0x22);
            send(carrier.rtcp(), sr, session.carrierLeg().localRtcp());
            DatagramPacket srtcp = SocketPair.receive(client);
            assertThat(srtcp.getSocketAddress()).isEqualTo(session.clientLeg().localRtp());
            assertThat(peer.unprotectRtcp(SocketPair.data(srtcp))).isEqualTo(sr);

            byte[] back = rtp(9, 0, 0x22);
            send(carrier.rtp(), back, session.carrierLeg().localRtp());
            assertThat(peer.unprotectRtp(SocketPair.data(SocketPair.receive(client)))).isEqualTo(back);
        }
        assertThat(session.stats().clientToCarrier().srtpRejected()).isZero();
        assertThat(session.stats().clientToCarrier().rtcpPackets()).isEqualTo(1);
        assertThat(session.stats().clientToCarrier().rtpExpected()).isEqualTo(1);
    }

    @Test
    void aNonMuxedCallNeverGetsAMuxedCallsSingleAndCountsFourSockets() throws Exception {
        start(Epoll.isAvailable(), SocketPoolSettings.DEFAULT.withMaxPairs(16).withMinChoice(1));
        RelaySession muxed = relay.allocate("call-mux", true);
        int single = muxed.clientLeg().localRtp().getPort();
        muxed.close();
        assertThat(relay.portsPooled()).isEqualTo(3);

        RelaySession plain = relay.allocate("call-plain");
        assertThat(plain.clientLeg().isRtcpMux()).isFalse();
        assertThat(plain.clientLeg().localRtp().getPort()).isNotEqualTo(single);
        assertThat(plain.carrierLeg().localRtp().getPort()).isNotEqualTo(single);
        assertThat(relay.portsInUse()).isEqualTo(4);
        assertThat(relay.portsPooled()).as("the single and the quarantined carrier pair stay pooled").isEqualTo(3);
        assertThat(budget.open()).isEqualTo(relay.portsInUse() + relay.portsPooled());
        plain.close();
        assertThat(relay.portsInUse()).isZero();
        assertThat(relay.portsPooled()).isEqualTo(budget.open());
    }

    private void start(boolean epoll) throws SocketException {
        start(epoll, SocketPoolSettings.DEFAULT);
    }

    private void start(boolean epoll, SocketPoolSettings pooling) throws SocketException {
        int base = 20000 + 2 * ThreadLocalRandom.current().nextInt(15000);
        budget = SocketBudget.of(64);
        relay = MediaRelay.builder(new MediaRelayConfig("127.0.0.1", base, base + 31, 1)).epoll(epoll)
                .socketBudget(budget).socketPool(pooling).start();
        client = socket();
        carrier = SocketPair.bind();
    }

    private DatagramSocket socket() throws SocketException {
        DatagramSocket socket = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
        socket.setSoTimeout(TIMEOUT_MS);
        sockets.add(socket);
        return socket;
    }

    private static InetSocketAddress address(DatagramSocket socket) {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    private static void send(DatagramSocket from, byte[] data, InetSocketAddress to) throws IOException {
        from.send(new DatagramPacket(data, data.length, to));
    }
}
