package dev.softswitch.media;

import static dev.softswitch.media.TestPackets.rtcpReceiverReport;
import static dev.softswitch.media.TestPackets.rtp;
import static org.assertj.core.api.Assertions.assertThat;

import dev.softswitch.media.session.DirectionStats;
import dev.softswitch.media.session.MediaEvent;
import dev.softswitch.media.session.MediaTimeouts;
import dev.softswitch.media.session.RelaySession;
import dev.softswitch.media.session.SessionStats;
import dev.softswitch.media.srtp.SrtpMasterKey;
import dev.softswitch.media.srtp.SrtpSuite;
import dev.softswitch.media.srtp.SrtpTestPeer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Quality figures (MED-4), media timeout (MED-5), SRTP on the client leg (MED-3) and re-INVITE
 * (MED-6) through a real relay on 127.0.0.1, with a hand-advanced clock for arrival times and
 * timeouts.
 */
class MediaRelaySessionTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final int TIMEOUT_MS = 2000;
    private static final long SECOND = 1_000_000_000L;
    private static final MediaTimeouts TIMEOUTS = new MediaTimeouts(Duration.ofSeconds(30), Duration.ofSeconds(120));

    private final AtomicLong clock = new AtomicLong(1_000 * SECOND);
    private final List<MediaEvent> events = new CopyOnWriteArrayList<>();
    private final List<DatagramSocket> sockets = new CopyOnWriteArrayList<>();
    private MediaRelay relay;
    private RelaySession session;

    @BeforeEach
    void setUp() throws Exception {
        int base = 20000 + 2 * ThreadLocalRandom.current().nextInt(15000);
        relay = MediaRelay.builder(new MediaRelayConfig("127.0.0.1", base, base + 15, 1))
                .nanoTime(clock::get)
                .sweepInterval(Duration.ofHours(1))
                .start();
        session = relay.allocate("call-media");
    }

    @AfterEach
    void tearDown() {
        sockets.forEach(DatagramSocket::close);
        relay.close();
        assertThat(relay.portsInUse()).isZero();
    }

    @Test
    void theMetricsCountEveryRelayOfTheProcessTogether() throws Exception {
        int base = 20000 + 2 * ThreadLocalRandom.current().nextInt(15000);
        MediaRelay other = MediaRelay.builder(new MediaRelayConfig("127.0.0.2", base, base + 15, 1))
                .nanoTime(clock::get).sweepInterval(Duration.ofHours(1)).start();
        try {
            RelaySession elsewhere = other.allocate("call-elsewhere");
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            new MediaRelayMetrics(List.of(relay, other)).bindTo(registry);
            assertThat(registry.get("relay.sessions").gauge().value()).as("one session on each").isEqualTo(2.0);
            assertThat(registry.get("relay.ports.in.use").gauge().value()).isEqualTo(8.0);

            DatagramSocket client = bindPair();
            DatagramSocket carrier = bindPair();
            elsewhere.clientLeg().setRemoteRtp(address(client));
            elsewhere.carrierLeg().setRemoteRtp(address(carrier));
            send(client, rtp(1, 160, 0x33), elsewhere.clientLeg().localRtp());
            receive(carrier);
            assertThat(registry.get("relay.packets").functionCounter().count()).as("relayed by the second relay")
                    .isEqualTo(1.0);

            elsewhere.close();
            assertThat(registry.get("relay.call.jitter").summary().count()).as("its closed call recorded")
                    .isEqualTo(1);
        } finally {
            other.close();
        }
    }

    @Test
    void countsLossRtcpAndJitterPerDirectionAndRelayWide() throws Exception {
        DatagramSocket client = bindPair();
        DatagramSocket carrier = bindPair();
        session.clientLeg().setRemoteRtp(address(client));
        session.carrierLeg().setRemoteRtp(address(carrier));
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        new MediaRelayMetrics(relay).bindTo(registry);

        for (int seq : new int[] {1, 2, 3, 5, 6}) {
            send(client, rtp(seq, 160 * seq, 0x11), session.clientLeg().localRtp());
            receive(carrier);
        }
        byte[] rtcp = rtcpReceiverReport(0x11);
        DatagramSocket clientRtcp = sockets.get(1);
        DatagramSocket carrierRtcp = sockets.get(3);
        send(clientRtcp, rtcp, session.clientLeg().localRtcp());
        assertThat(receive(carrierRtcp)).isEqualTo(rtcp);
        for (int seq = 100; seq < 103; seq++) {
            // Arrival times 20 ms apart for 20 ms frames, except the last one 10 ms late.
            clock.addAndGet(seq == 102 ? 30_000_000L : 20_000_000L);
            send(carrier, rtp(seq, 160 * seq, 0x22), session.carrierLeg().localRtp());
            receive(client);
        }

        SessionStats stats = session.stats();
        assertThat(stats.clientToCarrier()).isEqualTo(new DirectionStats(6, 5 * 172 + rtcp.length, 1, 6, 1,
                stats.clientToCarrier().jitter(), stats.clientToCarrier().jitterMillis(), 0));
        assertThat(stats.carrierToClient().packets()).isEqualTo(3);
        assertThat(stats.carrierToClient().rtpExpected()).isEqualTo(3);
        assertThat(stats.carrierToClient().rtpLost()).isZero();
        // D = 80 units on the last packet only: J = 80/16 = 5 units = 0.625 ms (RFC 3550 A.8).
        assertThat(stats.carrierToClient().jitter()).isEqualTo(5);
        assertThat(stats.carrierToClient().jitterMillis()).isEqualTo(0.625);
        assertThat(relay.rtpPacketsLost()).isEqualTo(1);
        assertThat(relay.rtpPacketsExpected()).isEqualTo(9);
        assertThat(relay.rtcpPackets()).isEqualTo(1);
        assertThat(registry.get("relay.rtp.lost").functionCounter().count()).isEqualTo(1.0);
        assertThat(registry.get("relay.sockets.open").gauge().value()).as("the session's four sockets").isEqualTo(4.0);
        assertThat(registry.get("relay.sockets.budget").gauge().value()).isEqualTo(Integer.MAX_VALUE);

        session.close();

        assertThat(relay.rtpPacketsLost()).isEqualTo(1);
        assertThat(registry.get("relay.call.jitter").summary().count()).isEqualTo(2);
        assertThat(registry.get("relay.call.jitter").summary().totalAmount())
                .isEqualTo(stats.clientToCarrier().jitterMillis() + 0.625);
        assertThat(registry.get("relay.call.loss.ratio").summary().max()).isEqualTo(1.0 / 6);
    }

    @Test
    void reportsOneMediaTimeoutAfterTheConfiguredSilence() throws Exception {
        session.watchMedia(TIMEOUTS, events::add);

        clock.addAndGet(29 * SECOND);
        relay.sweepNow();
        assertThat(events).isEmpty();

        clock.addAndGet(2 * SECOND);
        relay.sweepNow();
        relay.sweepNow();
        clock.addAndGet(60 * SECOND);
        relay.sweepNow();

        assertThat(events).hasSize(1);
        MediaEvent event = events.get(0);
        assertThat(event.type()).isEqualTo(MediaEvent.Type.MEDIA_TIMEOUT);
        assertThat(event.callId()).isEqualTo("call-media");
        assertThat(event.silence()).isEqualTo(Duration.ofSeconds(31));
    }

    @Test
    void rtpInEitherDirectionRestartsTheSilence() throws Exception {
        DatagramSocket client = bindPair();
        DatagramSocket carrier = bindPair();
        session.clientLeg().setRemoteRtp(address(client));
        session.carrierLeg().setRemoteRtp(address(carrier));
        session.watchMedia(TIMEOUTS, events::add);

        clock.addAndGet(20 * SECOND);
        send(carrier, rtp(1, 0, 0x22), session.carrierLeg().localRtp());
        receive(client);
        clock.addAndGet(25 * SECOND);
        relay.sweepNow();
        assertThat(events).isEmpty();

        clock.addAndGet(6 * SECOND);
        relay.sweepNow();
        assertThat(events).hasSize(1);
        assertThat(events.get(0).silence()).isEqualTo(Duration.ofSeconds(31));
    }

    @Test
    void holdExtendsTheTimeoutAndResumeRestartsIt() throws Exception {
        session.watchMedia(TIMEOUTS, events::add);
        session.setHold(true);

        clock.addAndGet(100 * SECOND);
        relay.sweepNow();
        assertThat(events).isEmpty();

        session.setHold(false);
        clock.addAndGet(29 * SECOND);
        relay.sweepNow();
        assertThat(events).isEmpty();

        session.setHold(true);
        clock.addAndGet(121 * SECOND);
        relay.sweepNow();
        assertThat(events).hasSize(1);
    }

    @Test
    void srtpClientTalksToAPlainRtpCarrierThroughTheRelay() throws Exception {
        SecureRandom random = new SecureRandom();
        SrtpMasterKey clientKey = SrtpMasterKey.generate(SrtpSuite.AES_CM_128_HMAC_SHA1_80, random);
        SrtpMasterKey relayKey = SrtpMasterKey.generate(SrtpSuite.AES_CM_128_HMAC_SHA1_80, random);
        DatagramSocket client = bindPair();
        DatagramSocket clientRtcp = sockets.get(1);
        DatagramSocket carrier = bindPair();
        DatagramSocket carrierRtcp = sockets.get(3);
        session.clientLeg().setRemoteRtp(address(client));
        session.carrierLeg().setRemoteRtp(address(carrier));
        session.clientLeg().enableSrtp(clientKey, relayKey);

        try (SrtpTestPeer peer = new SrtpTestPeer(clientKey, relayKey, 0x11)) {
            // Client to carrier across the 16-bit wrap: the relay's rollover counter must follow.
            for (int seq : new int[] {65534, 65535, 0, 1}) {
                byte[] plain = rtp(seq, seq * 160, 0x11);
                send(client, peer.protectRtp(plain), session.clientLeg().localRtp());
                assertThat(receive(carrier)).as("seq %d", seq).isEqualTo(plain);
            }
            // Carrier to client: plain in, SRTP out under the relay's own key.
            for (int seq = 65535, i = 0; i < 3; i++, seq = (seq + 1) & 0xFFFF) {
                byte[] plain = rtp(seq, seq * 160, 0x22);
                send(carrier, plain, session.carrierLeg().localRtp());
                byte[] srtp = receive(client);
                assertThat(srtp).hasSize(plain.length + 10);
                assertThat(peer.unprotectRtp(srtp)).isEqualTo(plain);
            }
            // SRTCP both ways.
            byte[] rr = rtcpReceiverReport(0x11);
            send(clientRtcp, peer.protectRtcp(rr), session.clientLeg().localRtcp());
            assertThat(receive(carrierRtcp)).isEqualTo(rr);
            byte[] carrierRr = rtcpReceiverReport(0x22);
            send(carrierRtcp, carrierRr, session.carrierLeg().localRtcp());
            assertThat(peer.unprotectRtcp(receive(clientRtcp))).isEqualTo(carrierRr);

            // A forged packet and a replayed one are refused, not relayed.
            byte[] forged = peer.protectRtp(rtp(2, 320, 0x11));
            forged[20] ^= 1;
            send(client, forged, session.clientLeg().localRtp());
            byte[] replayed = peer.protectRtp(rtp(3, 480, 0x11));
            send(client, replayed, session.clientLeg().localRtp());
            assertThat(receive(carrier)).isEqualTo(rtp(3, 480, 0x11));
            send(client, replayed, session.clientLeg().localRtp());
            assertThat(Await.until(() -> session.stats().clientToCarrier().srtpRejected() == 2, TIMEOUT_MS))
                    .isTrue();
            assertThat(session.stats().clientToCarrier().rtpLost()).isEqualTo(1);
        }
    }

    @Test
    void reInviteWithANewAddressRelatchesAndKeepsTheSession() throws Exception {
        DatagramSocket client = bindPair();
        DatagramSocket carrier = bindPair();
        session.clientLeg().setRemoteRtp(address(client));
        session.carrierLeg().setRemoteRtp(address(carrier));
        send(client, rtp(1, 0, 0x11), session.clientLeg().localRtp());
        receive(carrier);
        InetSocketAddress localBefore = session.clientLeg().localRtp();

        DatagramSocket moved = bindPair();
        session.clientLeg().setRemoteRtp(address(moved));
        send(moved, rtp(2, 160, 0x11), session.clientLeg().localRtp());
        assertThat(receive(carrier)).isEqualTo(rtp(2, 160, 0x11));
        send(carrier, rtp(7, 0, 0x22), session.carrierLeg().localRtp());
        assertThat(receive(moved)).isEqualTo(rtp(7, 0, 0x22));

        // The old address is locked out now, and nothing was re-allocated.
        send(client, rtp(3, 320, 0x11), session.clientLeg().localRtp());
        assertThat(Await.until(() -> relay.packetsDropped() == 1, TIMEOUT_MS)).isTrue();
        assertThat(session.clientLeg().localRtp()).isEqualTo(localBefore);
        assertThat(relay.portsInUse()).isEqualTo(4);
        assertThat(relay.sessionsActive()).isEqualTo(1);
        assertThat(session.stats().clientToCarrier().rtpExpected()).isEqualTo(2);
    }


    private static InetSocketAddress address(DatagramSocket socket) {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    private static void send(DatagramSocket socket, byte[] data, InetSocketAddress to) throws IOException {
        socket.send(new DatagramPacket(data, data.length, to));
    }

    private static byte[] receive(DatagramSocket socket) throws IOException {
        DatagramPacket packet = new DatagramPacket(new byte[2048], 2048);
        try {
            socket.receive(packet);
        } catch (SocketTimeoutException e) {
            throw new AssertionError("nothing arrived at " + socket.getLocalSocketAddress(), e);
        }
        return Arrays.copyOfRange(packet.getData(), packet.getOffset(), packet.getOffset() + packet.getLength());
    }

    /** Binds an even RTP port and the odd RTCP port after it; returns the RTP socket. */
    private DatagramSocket bindPair() throws SocketException {
        for (int attempt = 0; attempt < 50; attempt++) {
            int port = 20000 + 2 * ThreadLocalRandom.current().nextInt(20000);
            try {
                DatagramSocket rtp = new DatagramSocket(new InetSocketAddress(LOOPBACK, port));
                try {
                    DatagramSocket rtcp = new DatagramSocket(new InetSocketAddress(LOOPBACK, port + 1));
                    rtp.setSoTimeout(TIMEOUT_MS);
                    rtcp.setSoTimeout(TIMEOUT_MS);
                    sockets.add(rtp);
                    sockets.add(rtcp);
                    return rtp;
                } catch (SocketException busy) {
                    rtp.close();
                }
            } catch (SocketException busy) {
                // try another pair
            }
        }
        throw new SocketException("no free even/odd port pair on loopback");
    }
}
