package dev.softswitch.media;

import static org.assertj.core.api.Assertions.assertThat;

import dev.softswitch.media.session.RelaySession;
import dev.softswitch.media.srtp.SrtpMasterKey;
import dev.softswitch.media.srtp.SrtpSuite;
import dev.softswitch.media.srtp.SrtpTestPeer;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Symmetric latching with its rules against hijacking (MED-2) through a real relay on 127.0.0.1:
 * plain sockets play the client (behind NAT or not), a stranger, an attacker (on other loopback
 * addresses such as 127.0.0.2) and the carrier; the relay's clock is moved by hand across the
 * latching window.
 */
class MediaRelayLatchingTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final long SECOND = 1_000_000_000L;
    private static final Duration WINDOW = Duration.ofSeconds(5);
    private static final long AWAIT_MS = 2000;
    /** Where the client's SDP says it receives, unreachable as behind NAT: nothing listens on port 9. */
    private static final InetSocketAddress SIGNALLED_BEHIND_NAT = new InetSocketAddress(LOOPBACK, 9);

    private final AtomicLong clock = new AtomicLong(1_000 * SECOND);
    private MediaRelay relay;
    private RelaySession session;
    private SocketPair client;
    private SocketPair stranger;
    private SocketPair carrier;
    private SocketPair attacker;

    @BeforeEach
    void setUp() throws Exception {
        int base = 20000 + 2 * ThreadLocalRandom.current().nextInt(15000);
        relay = MediaRelay.builder(new MediaRelayConfig("127.0.0.1", base, base + 15, 1))
                .nanoTime(clock::get)
                .sweepInterval(Duration.ofHours(1))
                .latchWindow(WINDOW)
                .start();
        session = relay.allocate("call-latch");
        client = SocketPair.bind();
        stranger = SocketPair.bind();
        carrier = SocketPair.bind();
        session.carrierLeg().setRemoteRtp(carrier.rtpAddress());
    }

    @AfterEach
    void tearDown() {
        client.close();
        stranger.close();
        carrier.close();
        if (attacker != null) {
            attacker.close();
        }
        relay.close();
    }

    @Test
    void aClientBehindNatLatchesWithinTheWindow() throws Exception {
        session.clientLeg().setRemoteRtp(SIGNALLED_BEHIND_NAT);
        clock.addAndGet(WINDOW.toNanos() - SECOND);

        send(client.rtp(), "from-behind-nat", session.clientLeg().localRtp());

        assertThat(received(carrier.rtp())).isEqualTo("from-behind-nat");
        assertThat(session.clientLeg().remoteRtp()).isEqualTo(client.rtpAddress());
        send(carrier.rtp(), "to-the-nat-binding", session.carrierLeg().localRtp());
        assertThat(received(client.rtp())).isEqualTo("to-the-nat-binding");
        assertThat(relay.packetsRefusedSource()).isZero();
    }

    @Test
    void afterTheWindowAStrangerIsDroppedWhileTheSignalledAddressStillWorks() throws Exception {
        session.clientLeg().setRemoteRtp(client.rtpAddress());
        clock.addAndGet(WINDOW.toNanos());

        send(stranger.rtp(), "stranger", session.clientLeg().localRtp());
        assertThat(Await.until(() -> relay.packetsRefusedSource() == 1, AWAIT_MS)).isTrue();
        // Hours later the signalled address is still accepted and confirmed.
        clock.addAndGet(3_600 * SECOND);
        send(client.rtp(), "from-the-signalled-address", session.clientLeg().localRtp());

        assertThat(received(carrier.rtp())).isEqualTo("from-the-signalled-address");
        send(carrier.rtp(), "reply", session.carrierLeg().localRtp());
        assertThat(received(client.rtp())).isEqualTo("reply");
        assertThat(session.clientLeg().remoteRtp()).isEqualTo(client.rtpAddress());
        assertThat(relay.packetsDropped()).isEqualTo(1);
        assertThat(relay.packetsRelayed()).isEqualTo(2);
    }

    @Test
    void aReInviteReopensTheWindow() throws Exception {
        session.clientLeg().setRemoteRtp(SIGNALLED_BEHIND_NAT);
        clock.addAndGet(WINDOW.toNanos() + SECOND);
        send(client.rtp(), "too-late", session.clientLeg().localRtp());
        assertThat(Await.until(() -> relay.packetsRefusedSource() == 1, AWAIT_MS)).isTrue();
        assertThat(session.clientLeg().remoteRtp()).isEqualTo(SIGNALLED_BEHIND_NAT);

        session.clientLeg().setRemoteRtp(SIGNALLED_BEHIND_NAT);
        clock.addAndGet(SECOND);
        send(client.rtp(), "after-the-re-invite", session.clientLeg().localRtp());

        assertThat(received(carrier.rtp())).isEqualTo("after-the-re-invite");
        assertThat(session.clientLeg().remoteRtp()).isEqualTo(client.rtpAddress());
        send(carrier.rtp(), "reply", session.carrierLeg().localRtp());
        assertThat(received(client.rtp())).isEqualTo("reply");
    }

    @Test
    void aSecondSourceAfterLatchingIsDroppedEvenWithinTheWindow() throws Exception {
        session.clientLeg().setRemoteRtp(SIGNALLED_BEHIND_NAT);
        send(client.rtp(), "latches", session.clientLeg().localRtp());
        assertThat(received(carrier.rtp())).isEqualTo("latches");

        send(stranger.rtp(), "hijack", session.clientLeg().localRtp());
        assertThat(Await.until(() -> relay.packetsRefusedSource() == 1, AWAIT_MS)).isTrue();
        send(client.rtp(), "still-the-client", session.clientLeg().localRtp());

        assertThat(received(carrier.rtp())).isEqualTo("still-the-client");
        assertThat(session.clientLeg().remoteRtp()).isEqualTo(client.rtpAddress());
        send(carrier.rtp(), "reply", session.carrierLeg().localRtp());
        assertThat(received(client.rtp())).isEqualTo("reply");
        assertThat(relay.packetsDropped()).isEqualTo(1);
    }

    @Test
    void anAttackerFromAnotherAddressInsideTheWindowStealsNothingFromAPlainLeg() throws Exception {
        session.clientLeg().setRemoteRtp(client.rtpAddress());
        attacker = SocketPair.bind(InetAddress.getByName("127.0.0.2"));

        send(attacker.rtp(), "hijack", session.clientLeg().localRtp());
        send(attacker.rtcp(), "hijack-rtcp", session.clientLeg().localRtcp());
        assertThat(Await.until(() -> relay.packetsRefusedSource() == 2, AWAIT_MS)).isTrue();

        send(carrier.rtp(), "to-the-client", session.carrierLeg().localRtp());
        assertThat(received(client.rtp())).isEqualTo("to-the-client");
        send(client.rtp(), "from-the-client", session.clientLeg().localRtp());
        assertThat(received(carrier.rtp())).isEqualTo("from-the-client");
        assertThat(session.clientLeg().remoteRtp()).isEqualTo(client.rtpAddress());
        // Each relayed packet reached a real peer, so none went to the attacker.
        assertThat(relay.packetsRelayed()).isEqualTo(2);
    }

    @Test
    void aCarrierLegAcceptsItsTrunksAddressesOnAnyPortAndNoOtherAddress() throws Exception {
        InetAddress trunk = InetAddress.getByName("127.0.0.4");
        session.clientLeg().setRemoteRtp(client.rtpAddress());
        session.carrierLeg().allowSources(Set.of(trunk));
        attacker = SocketPair.bind(InetAddress.getByName("127.0.0.3"));
        // The trunk's media server sends from an address its SDP did not name.
        SocketPair trunkMedia = SocketPair.bind(trunk);
        try {
            send(attacker.rtp(), "hijack", session.carrierLeg().localRtp());
            assertThat(Await.until(() -> relay.packetsRefusedSource() == 1, AWAIT_MS)).isTrue();

            send(trunkMedia.rtp(), "from-the-trunk", session.carrierLeg().localRtp());
            assertThat(received(client.rtp())).isEqualTo("from-the-trunk");
            send(client.rtp(), "to-the-trunk", session.clientLeg().localRtp());
            assertThat(received(trunkMedia.rtp())).isEqualTo("to-the-trunk");
            assertThat(session.carrierLeg().remoteRtp()).isEqualTo(trunkMedia.rtpAddress());
            assertThat(relay.packetsRelayed()).isEqualTo(2);
        } finally {
            trunkMedia.close();
        }
    }

    @Test
    void unauthenticatedPacketsInsideTheWindowStealNothingFromAnSrtpLeg() throws Exception {
        SecureRandom random = new SecureRandom();
        SrtpMasterKey clientKey = SrtpMasterKey.generate(SrtpSuite.AES_CM_128_HMAC_SHA1_80, random);
        SrtpMasterKey relayKey = SrtpMasterKey.generate(SrtpSuite.AES_CM_128_HMAC_SHA1_80, random);
        // The client is behind NAT: its SDP names an address it does not send from.
        session.clientLeg().setRemoteRtp(SIGNALLED_BEHIND_NAT);
        session.clientLeg().enableSrtp(clientKey, relayKey);
        client.close();
        client = SocketPair.bind(InetAddress.getByName("127.0.0.2"));
        attacker = SocketPair.bind();

        // Junk from another port: more made-up streams than the relay keeps contexts for, and the client's own SSRC.
        for (int ssrc = 0x100; ssrc < 0x100 + 10; ssrc++) {
            sendBytes(attacker.rtp(), rtp(1, 0, ssrc, random), session.clientLeg().localRtp());
        }
        sendBytes(attacker.rtp(), rtp(1, 0, 0x11, random), session.clientLeg().localRtp());
        assertThat(Await.until(() -> session.stats().clientToCarrier().srtpRejected() == 11, AWAIT_MS)).isTrue();
        assertThat(session.clientLeg().remoteRtp()).isEqualTo(SIGNALLED_BEHIND_NAT);

        try (SrtpTestPeer peer = new SrtpTestPeer(clientKey, relayKey, 0x11)) {
            byte[] plain = rtp(1, 0, 0x11, random);
            sendBytes(client.rtp(), peer.protectRtp(plain), session.clientLeg().localRtp());
            assertThat(SocketPair.data(SocketPair.receive(carrier.rtp()))).isEqualTo(plain);
            assertThat(session.clientLeg().remoteRtp()).isEqualTo(client.rtpAddress());

            byte[] reply = rtp(1, 0, 0x22, random);
            sendBytes(carrier.rtp(), reply, session.carrierLeg().localRtp());
            assertThat(peer.unprotectRtp(SocketPair.data(SocketPair.receive(client.rtp())))).isEqualTo(reply);
        }
        sendBytes(attacker.rtp(), rtp(2, 160, 0x11, random), session.clientLeg().localRtp());
        assertThat(Await.until(() -> relay.packetsRefusedSource() == 1, AWAIT_MS)).isTrue();
        assertThat(relay.packetsRelayed()).isEqualTo(2);
    }

    private static void send(DatagramSocket from, String text, InetSocketAddress to) throws IOException {
        byte[] data = text.getBytes(StandardCharsets.US_ASCII);
        from.send(new DatagramPacket(data, data.length, to));
    }

    private static void sendBytes(DatagramSocket from, byte[] data, InetSocketAddress to) throws IOException {
        from.send(new DatagramPacket(data, data.length, to));
    }

    /** An RTP packet (RFC 3550 section 5.1) with 160 random payload bytes. */
    private static byte[] rtp(int seq, int timestamp, int ssrc, SecureRandom random) {
        byte[] payload = new byte[160];
        random.nextBytes(payload);
        return ByteBuffer.allocate(172).put((byte) 0x80).put((byte) 0).putShort((short) seq).putInt(timestamp)
                .putInt(ssrc).put(payload).array();
    }

    /** The next datagram on {@code socket}, waiting at most {@link SocketPair#RECEIVE_TIMEOUT_MS}. */
    private static String received(DatagramSocket socket) throws IOException {
        return new String(SocketPair.data(SocketPair.receive(socket)), StandardCharsets.US_ASCII);
    }
}
