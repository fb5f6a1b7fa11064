package dev.softswitch.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.softswitch.media.session.DirectionStats;
import dev.softswitch.media.session.PortsExhaustedException;
import dev.softswitch.media.session.RelaySession;
import dev.softswitch.media.session.SessionStats;
import dev.softswitch.media.session.SocketPoolSettings;
import io.netty.channel.epoll.Epoll;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Real UDP on 127.0.0.1: plain sockets play the client and the carrier on either side of the relay. */
class MediaRelayLoopbackTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final int TIMEOUT_MS = 2000;

    private MediaRelay relay;
    private SocketPair client;
    private SocketPair carrier;

    @AfterEach
    void tearDown() {
        if (client != null) {
            client.close();
        }
        if (carrier != null) {
            carrier.close();
        }
        if (relay != null) {
            relay.close();
        }
    }

    @ParameterizedTest(name = "epoll={0}")
    @ValueSource(booleans = {false, true})
    void relaysRtpAndRtcpBothWaysAndCountsThem(boolean epoll) throws Exception {
        assumeTrue(!epoll || Epoll.isAvailable(), "native epoll not available");
        relay = MediaRelay.start(config(16), epoll);
        client = SocketPair.bind();
        carrier = SocketPair.bind();
        RelaySession session = relay.allocate("call-both-ways");
        session.clientLeg().setRemoteRtp(client.rtpAddress());
        session.carrierLeg().setRemoteRtp(carrier.rtpAddress());

        for (int i = 0; i < 3; i++) {
            byte[] rtp = payload("client-rtp-" + i);
            client.rtp().send(new DatagramPacket(rtp, rtp.length, session.clientLeg().localRtp()));
            DatagramPacket got = receive(carrier.rtp());
            assertThat(data(got)).isEqualTo(rtp);
            assertThat(got.getSocketAddress()).isEqualTo(session.carrierLeg().localRtp());
        }
        byte[] back = payload("carrier-rtp-reply-longer");
        carrier.rtp().send(new DatagramPacket(back, back.length, session.carrierLeg().localRtp()));
        DatagramPacket gotBack = receive(client.rtp());
        assertThat(data(gotBack)).isEqualTo(back);
        assertThat(gotBack.getSocketAddress()).isEqualTo(session.clientLeg().localRtp());

        byte[] rtcp = payload("client-rtcp-sr");
        client.rtcp().send(new DatagramPacket(rtcp, rtcp.length, session.clientLeg().localRtcp()));
        DatagramPacket gotRtcp = receive(carrier.rtcp());
        assertThat(data(gotRtcp)).isEqualTo(rtcp);
        assertThat(gotRtcp.getSocketAddress()).isEqualTo(session.carrierLeg().localRtcp());

        int upBytes = payload("client-rtp-0").length * 3 + rtcp.length;
        awaitValue(() -> session.stats().clientToCarrier().packets(), 4);
        SessionStats stats = session.stats();
        assertThat(stats.clientToCarrier()).extracting(DirectionStats::packets, DirectionStats::bytes)
                .containsExactly(4L, (long) upBytes);
        assertThat(stats.carrierToClient()).extracting(DirectionStats::packets, DirectionStats::bytes)
                .containsExactly(1L, (long) back.length);
        assertThat(relay.packetsRelayed()).isEqualTo(5);
        assertThat(relay.bytesRelayed()).isEqualTo(upBytes + back.length);
        assertThat(relay.packetsDropped()).isZero();
    }

    @Test
    void latchesTheClientLegToWhereItsPacketsReallyComeFrom() throws Exception {
        relay = MediaRelay.start(config(16));
        client = SocketPair.bind();
        carrier = SocketPair.bind();
        RelaySession session = relay.allocate("call-nat");
        // The client's SDP carries an address it cannot be reached at (behind NAT).
        InetSocketAddress signalled = new InetSocketAddress(LOOPBACK, 9);
        session.clientLeg().setRemoteRtp(signalled);
        session.carrierLeg().setRemoteRtp(carrier.rtpAddress());

        byte[] first = payload("from-behind-nat");
        client.rtp().send(new DatagramPacket(first, first.length, session.clientLeg().localRtp()));
        assertThat(data(receive(carrier.rtp()))).isEqualTo(first);
        assertThat(session.clientLeg().remoteRtp()).isEqualTo(client.rtpAddress());

        byte[] reply = payload("to-the-nat-binding");
        carrier.rtp().send(new DatagramPacket(reply, reply.length, session.carrierLeg().localRtp()));
        assertThat(data(receive(client.rtp()))).isEqualTo(reply);
    }

    @Test
    void dropsAndCountsPacketsWhileTheOppositeLegHasNoRemote() throws Exception {
        relay = MediaRelay.start(config(16));
        client = SocketPair.bind();
        RelaySession session = relay.allocate("call-early");
        session.clientLeg().setRemoteRtp(client.rtpAddress());

        byte[] early = payload("too-early");
        client.rtp().send(new DatagramPacket(early, early.length, session.clientLeg().localRtp()));

        awaitValue(relay::packetsDropped, 1);
        assertThat(relay.packetsRelayed()).isZero();
        SessionStats stats = session.stats();
        assertThat(stats.clientToCarrier()).extracting(DirectionStats::packets, DirectionStats::bytes)
                .containsExactly(0L, 0L);
        assertThat(stats.carrierToClient()).extracting(DirectionStats::packets, DirectionStats::bytes)
                .containsExactly(0L, 0L);
    }

    @Test
    void withoutPoolingClosingSessionsReturnsEveryPortAndUnbindsTheSockets() throws Exception {
        relay = MediaRelay.builder(config(16)).socketPool(SocketPoolSettings.OFF).start();
        RelaySession first = relay.allocate("call-1");
        RelaySession second = relay.allocate("call-2");
        assertThat(relay.portsInUse()).isEqualTo(8);
        assertThat(relay.sessionsActive()).isEqualTo(2);

        first.close();
        first.close();
        second.close();

        assertThat(relay.portsInUse()).isZero();
        assertThat(relay.sessionsActive()).isZero();
        try (DatagramSocket rebound = new DatagramSocket(first.clientLeg().localRtp())) {
            assertThat(rebound.getLocalPort()).isEqualTo(first.clientLeg().localRtp().getPort());
        }
    }

    @Test
    void refusesASessionWhenThePortsRunOutAndAcceptsOneAgainAfterAClose() throws Exception {
        relay = MediaRelay.start(config(4));
        RelaySession only = relay.allocate("call-1");

        assertThatThrownBy(() -> relay.allocate("call-2")).isInstanceOf(PortsExhaustedException.class);
        assertThat(relay.portsInUse()).isEqualTo(4);

        only.close();
        RelaySession again = relay.allocate("call-3");
        assertThat(relay.sessionsActive()).isEqualTo(1);
        again.close();
        assertThat(relay.portsInUse()).isZero();
    }

    @Test
    void skipsAPortPairThatAnotherProcessHolds() throws Exception {
        MediaRelayConfig cfg = config(16);
        try (DatagramSocket squatter = new DatagramSocket(new InetSocketAddress(LOOPBACK, cfg.portMin()))) {
            relay = MediaRelay.start(cfg);
            RelaySession session = relay.allocate("call-1");

            assertThat(session.clientLeg().localRtp().getPort()).isNotEqualTo(squatter.getLocalPort());
            assertThat(relay.portsInUse()).isEqualTo(4);
            session.close();
            assertThat(relay.portsInUse()).isZero();
        }
    }

    @Test
    void closingTheRelayClosesItsSessions() throws Exception {
        relay = MediaRelay.start(config(16));
        RelaySession session = relay.allocate("call-1");

        relay.close();

        assertThat(session.isClosed()).isTrue();
        assertThat(relay.portsInUse()).isZero();
        assertThatThrownBy(() -> relay.allocate("call-2")).isInstanceOf(IllegalStateException.class);
    }

    /** A random range so that test runs on the same host rarely meet; busy ports are skipped anyway. */
    private static MediaRelayConfig config(int ports) {
        int base = 20000 + 2 * ThreadLocalRandom.current().nextInt(15000);
        return new MediaRelayConfig("127.0.0.1", base, base + ports - 1, 1);
    }

    private static byte[] payload(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private static DatagramPacket receive(DatagramSocket socket) throws IOException {
        return SocketPair.receive(socket);
    }

    private static byte[] data(DatagramPacket packet) {
        return SocketPair.data(packet);
    }

    private static void awaitValue(LongSupplier value, long expected) {
        Await.until(() -> value.getAsLong() == expected, TIMEOUT_MS);
        assertThat(value.getAsLong()).isEqualTo(expected);
    }
}
