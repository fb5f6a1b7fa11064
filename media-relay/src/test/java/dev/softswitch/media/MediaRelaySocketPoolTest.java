package dev.softswitch.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.softswitch.media.session.RelaySession;
import dev.softswitch.media.session.SocketPoolSettings;
import dev.softswitch.media.srtp.SrtpMasterKey;
import dev.softswitch.media.srtp.SrtpSuite;
import java.net.BindException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The relay's socket pool (issue 14) on real UDP sockets on 127.0.0.1: a closed session's sockets
 * stay bound and go to a later call once they have been quiet for the quarantine, nothing the old
 * call's peers send reaches the new call, the pool keeps no more than its cap, and closing the
 * relay closes every pooled socket. The quarantine runs on a clock the tests move by hand.
 */
class MediaRelaySocketPoolTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final long AWAIT_MS = 2000;
    private static final Duration QUARANTINE = Duration.ofMillis(500);
    private static final long MS = 1_000_000L;

    private final AtomicLong clock = new AtomicLong(1_000_000 * MS);
    private final List<SocketPair> peers = new ArrayList<>();
    private MediaRelay relay;

    @AfterEach
    void tearDown() {
        peers.forEach(SocketPair::close);
        if (relay != null) {
            relay.close();
        }
    }

    @Test
    void aClosedSessionsPortsStayBoundAndGoToALaterCallOnceQuarantined() throws Exception {
        MediaRelayConfig cfg = config(32);
        relay = start(cfg, pool(16, 1));
        RelaySession first = relay.allocate("call-1");
        Set<Integer> firstPorts = ports(first);

        first.close();

        assertThat(relay.portsInUse()).isZero();
        assertThat(relay.portsPooled()).isEqualTo(4);
        for (int port : firstPorts) {
            assertThatThrownBy(() -> new DatagramSocket(new InetSocketAddress(LOOPBACK, port)).close())
                    .as("port %d stays bound by the pool", port).isInstanceOf(BindException.class);
        }
        RelaySession during = relay.allocate("call-2");
        assertThat(ports(during)).as("in quarantine, a new call binds other ports").doesNotContainAnyElementsOf(firstPorts);
        during.close();

        clock.addAndGet(QUARANTINE.toNanos());
        RelaySession after = relay.allocate("call-3");

        Set<Integer> pooled = new HashSet<>(firstPorts);
        pooled.addAll(ports(during));
        assertThat(pooled).as("after the quarantine, a new call gets pooled ports").containsAll(ports(after));
        assertThat(relay.portsInUse()).isEqualTo(4);
        assertThat(relay.portsPooled()).isEqualTo(4);
    }

    @Test
    void nothingTheOldCallsPeerSendsReachesTheCallThatGetsItsPortsNext() throws Exception {
        // One call's worth of ports: the second call can only get the first call's.
        relay = start(config(4), pool(2, 1));
        SocketPair oldClient = peer();
        SocketPair oldCarrier = peer();
        RelaySession oldCall = relay.allocate("call-old");
        SecureRandom random = new SecureRandom();
        oldCall.clientLeg().setRemoteRtp(oldClient.rtpAddress());
        oldCall.carrierLeg().setRemoteRtp(oldCarrier.rtpAddress());
        send(oldCarrier.rtp(), "old-carrier-before-bye", oldCall.carrierLeg().localRtp());
        assertThat(received(oldClient.rtp())).isEqualTo("old-carrier-before-bye");
        oldCall.clientLeg().enableSrtp(SrtpMasterKey.generate(SrtpSuite.AES_CM_128_HMAC_SHA1_80, random),
                SrtpMasterKey.generate(SrtpSuite.AES_CM_128_HMAC_SHA1_80, random));
        InetSocketAddress clientPort = oldCall.clientLeg().localRtp();
        InetSocketAddress carrierPort = oldCall.carrierLeg().localRtp();

        oldCall.close();
        long droppedBefore = relay.packetsDropped();
        for (int i = 0; i < 5; i++) {
            send(oldClient.rtp(), "old-client-late-" + i, clientPort);
            send(oldCarrier.rtp(), "old-carrier-late-" + i, carrierPort);
        }
        assertThat(Await.until(() -> relay.packetsDropped() == droppedBefore + 10, AWAIT_MS)).isTrue();
        clock.addAndGet(QUARANTINE.toNanos() + MS);

        RelaySession newCall = relay.allocate("call-new");
        assertThat(newCall.clientLeg().localRtp().getPort()).isIn(clientPort.getPort(), carrierPort.getPort());
        assertThat(newCall.clientLeg().isSrtp()).isFalse();
        assertThat(newCall.clientLeg().remoteRtp()).isNull();
        SocketPair newClient = peer();
        SocketPair newCarrier = peer();
        newCall.clientLeg().setRemoteRtp(newClient.rtpAddress());
        newCall.carrierLeg().setRemoteRtp(newCarrier.rtpAddress());
        send(newClient.rtp(), "new-client", newCall.clientLeg().localRtp());
        send(newCarrier.rtp(), "new-carrier", newCall.carrierLeg().localRtp());

        assertThat(received(newCarrier.rtp())).isEqualTo("new-client");
        assertThat(received(newClient.rtp())).isEqualTo("new-carrier");
        assertThat(newCall.stats().clientToCarrier().packets()).isEqualTo(1);
        assertThat(newCall.stats().carrierToClient().packets()).isEqualTo(1);
    }

    @Test
    void aPairThatStillReceivesStaysInQuarantineUntilItHasBeenQuietLongEnough() throws Exception {
        relay = start(config(32), pool(16, 1));
        SocketPair oldClient = peer();
        RelaySession oldCall = relay.allocate("call-old");
        Set<Integer> oldPorts = ports(oldCall);
        InetSocketAddress clientPort = oldCall.clientLeg().localRtp();
        oldCall.close();

        clock.addAndGet(300 * MS);
        long droppedBefore = relay.packetsDropped();
        send(oldClient.rtp(), "old-client-still-sending", clientPort);
        assertThat(Await.until(() -> relay.packetsDropped() == droppedBefore + 1, AWAIT_MS)).isTrue();
        clock.addAndGet(300 * MS);
        RelaySession soon = relay.allocate("call-soon");
        assertThat(ports(soon)).as("500 ms after the close but 300 ms after the last packet")
                .doesNotContain(clientPort.getPort(), clientPort.getPort() + 1);
        soon.close();

        clock.addAndGet(QUARANTINE.toNanos());
        Set<Integer> later = new HashSet<>();
        List<RelaySession> laterCalls = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            RelaySession call = relay.allocate("call-later-" + i);
            laterCalls.add(call);
            later.addAll(ports(call));
        }
        assertThat(later).as("both pooled calls' pairs are lent again").containsAll(oldPorts);
        laterCalls.forEach(RelaySession::close);
    }

    @Test
    void aMuxedCallsSingleGoesToALaterMuxedCallOnlyAfterQuarantineAndTheOldClientsLateRtcpNeverReachesIt()
            throws Exception {
        // One muxed call's worth of ports: a single and a pair.
        relay = start(config(4), pool(2, 1));
        SocketPair oldClient = peer();
        RelaySession oldCall = relay.allocate("call-old", true);
        oldCall.clientLeg().setRemoteRtp(oldClient.rtpAddress());
        InetSocketAddress clientPort = oldCall.clientLeg().localRtp();
        assertThat(relay.portsInUse()).isEqualTo(3);

        oldCall.close();
        assertThat(relay.portsPooled()).isEqualTo(3);
        long droppedBefore = relay.packetsDropped();
        byte[] lateRr = {(byte) 0x80, (byte) 201, 0, 1, 0, 0, 0, 0x11};
        for (int i = 0; i < 3; i++) {
            oldClient.rtp().send(new DatagramPacket(lateRr, lateRr.length, clientPort));
        }
        assertThat(Await.until(() -> relay.packetsDropped() == droppedBefore + 3, AWAIT_MS)).isTrue();
        clock.addAndGet(QUARANTINE.toNanos() + MS);

        RelaySession newCall = relay.allocate("call-new", true);
        assertThat(newCall.clientLeg().localRtp()).as("the single, lent again after its quarantine").isEqualTo(clientPort);
        assertThat(newCall.clientLeg().isRtcpMux()).isTrue();
        assertThat(newCall.clientLeg().remoteRtp()).isNull();
        SocketPair newClient = peer();
        SocketPair newCarrier = peer();
        newCall.clientLeg().setRemoteRtp(newClient.rtpAddress());
        newCall.carrierLeg().setRemoteRtp(newCarrier.rtpAddress());
        send(newClient.rtp(), "new-client", newCall.clientLeg().localRtp());
        assertThat(received(newCarrier.rtp())).isEqualTo("new-client");

        long refusedBefore = relay.packetsRefusedSource();
        oldClient.rtp().send(new DatagramPacket(lateRr, lateRr.length, clientPort));
        assertThat(Await.until(() -> relay.packetsRefusedSource() == refusedBefore + 1, AWAIT_MS)).isTrue();
        assertThat(newCall.stats().clientToCarrier().rtcpPackets()).isZero();
        assertThat(relay.portsInUse()).isEqualTo(3);
    }

    @Test
    void thePoolKeepsNoMorePairsThanItsCapAndClosesTheRest() throws Exception {
        relay = start(config(32), pool(2, 1));
        RelaySession first = relay.allocate("call-1");
        RelaySession second = relay.allocate("call-2");

        first.close();
        assertThat(relay.portsPooled()).as("4 pairs bound, the cap is 2").isZero();
        for (int port : ports(first)) {
            bindAndClose(port);
        }
        second.close();

        assertThat(relay.portsPooled()).isEqualTo(4);
        assertThat(relay.portsInUse()).isZero();
    }

    @Test
    void closingASessionTwiceReturnsItsPairsOnce() throws Exception {
        relay = start(config(32), pool(16, 1));
        RelaySession session = relay.allocate("call-1");

        session.close();
        session.close();
        session.closeAsync().join();

        assertThat(relay.portsPooled()).isEqualTo(4);
        assertThat(relay.portsInUse()).isZero();
        clock.addAndGet(QUARANTINE.toNanos());
        RelaySession first = relay.allocate("call-2");
        RelaySession second = relay.allocate("call-3");
        Set<Integer> lent = new HashSet<>(ports(first));
        assertThat(lent).doesNotContainAnyElementsOf(ports(second));
        assertThat(relay.portsPooled()).isZero();
    }

    @Test
    void closingTheRelayClosesEveryPooledSocket() throws Exception {
        MediaRelayConfig cfg = config(16);
        relay = start(cfg, pool(16, 1));
        RelaySession pooled = relay.allocate("call-pooled");
        RelaySession live = relay.allocate("call-live");
        pooled.close();
        assertThat(relay.portsPooled()).isEqualTo(4);

        relay.close();

        assertThat(live.isClosed()).isTrue();
        assertThat(relay.portsPooled()).isZero();
        assertThat(relay.portsInUse()).isZero();
        for (int port = cfg.portMin(); port <= cfg.portMax(); port++) {
            bindAndClose(port);
        }
    }

    @Test
    void pairsBoundAtStartAreLentWithoutBindingMore() throws Exception {
        relay = start(config(64), pool(16, 1).withPrebindPairs(8));
        assertThat(relay.portsPooled()).isEqualTo(16);

        RelaySession session = relay.allocate("call-1");

        assertThat(relay.portsPooled()).isEqualTo(12);
        assertThat(relay.portsInUse()).isEqualTo(4);
        session.close();
        assertThat(relay.portsPooled()).isEqualTo(16);
    }

    @Test
    void whenTheRangeRunsOutAQuarantinedPairIsLentRatherThanRefusingTheCall() throws Exception {
        relay = start(config(4), pool(2, 1));
        RelaySession first = relay.allocate("call-1");
        Set<Integer> firstPorts = ports(first);
        first.close();

        RelaySession second = relay.allocate("call-2");

        assertThat(ports(second)).isEqualTo(firstPorts);
    }

    private MediaRelay start(MediaRelayConfig cfg, SocketPoolSettings pooling) {
        return MediaRelay.builder(cfg).nanoTime(clock::get).socketPool(pooling).start();
    }

    private static SocketPoolSettings pool(int maxPairs, int minChoice) {
        return SocketPoolSettings.DEFAULT.withMaxPairs(maxPairs).withMinChoice(minChoice).withQuarantine(QUARANTINE);
    }

    /** A random range so that test runs on the same host rarely meet; busy ports are skipped anyway. */
    private static MediaRelayConfig config(int ports) {
        int base = 20000 + 2 * ThreadLocalRandom.current().nextInt(15000);
        return new MediaRelayConfig("127.0.0.1", base, base + ports - 1, 1);
    }

    private static Set<Integer> ports(RelaySession session) {
        int client = session.clientLeg().localRtp().getPort();
        int carrier = session.carrierLeg().localRtp().getPort();
        return Set.of(client, client + 1, carrier, carrier + 1);
    }

    private static void bindAndClose(int port) throws Exception {
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(LOOPBACK, port))) {
            assertThat(socket.getLocalPort()).isEqualTo(port);
        }
    }

    private SocketPair peer() throws Exception {
        SocketPair pair = SocketPair.bind();
        peers.add(pair);
        return pair;
    }

    private static void send(DatagramSocket from, String text, InetSocketAddress to) throws Exception {
        byte[] data = text.getBytes(StandardCharsets.US_ASCII);
        from.send(new DatagramPacket(data, data.length, to));
    }

    private static String received(DatagramSocket socket) throws Exception {
        return new String(SocketPair.data(SocketPair.receive(socket)), StandardCharsets.US_ASCII);
    }
}
