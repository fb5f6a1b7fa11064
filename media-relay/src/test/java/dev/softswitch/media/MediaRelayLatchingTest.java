package dev.softswitch.media;

import static org.assertj.core.api.Assertions.assertThat;

import dev.softswitch.media.session.RelaySession;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Symmetric latching with its rule against hijacking (MED-2) through a real relay on 127.0.0.1:
 * plain sockets play the client (behind NAT or not), a stranger and the carrier; the relay's clock
 * is moved by hand across the latching window.
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

    private static void send(DatagramSocket from, String text, InetSocketAddress to) throws IOException {
        byte[] data = text.getBytes(StandardCharsets.US_ASCII);
        from.send(new DatagramPacket(data, data.length, to));
    }

    /** The next datagram on {@code socket}, waiting at most {@link SocketPair#RECEIVE_TIMEOUT_MS}. */
    private static String received(DatagramSocket socket) throws IOException {
        return new String(SocketPair.data(SocketPair.receive(socket)), StandardCharsets.US_ASCII);
    }
}
