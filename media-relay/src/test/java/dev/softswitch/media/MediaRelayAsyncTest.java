package dev.softswitch.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.softswitch.media.session.PortsExhaustedException;
import dev.softswitch.media.session.RelaySession;
import dev.softswitch.media.session.SessionStats;
import dev.softswitch.media.session.SocketPoolSettings;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link MediaRelay#allocateAsync} and {@link RelaySession#closeAsync} on real UDP sockets on
 * 127.0.0.1: the same sessions as the blocking calls give, without the caller waiting on the relay's
 * event loop. Every wait is bounded by a future timeout.
 */
class MediaRelayAsyncTest {

    private static final long WAIT_SECONDS = 5;

    private MediaRelay relay;
    private final List<SocketPair> peers = new ArrayList<>();
    private final List<DatagramSocket> squatters = new ArrayList<>();

    @AfterEach
    void tearDown() {
        peers.forEach(SocketPair::close);
        squatters.forEach(DatagramSocket::close);
        if (relay != null) {
            relay.close();
        }
    }

    @Test
    void anAsyncSessionRelaysRtpAndRtcpBothWays() throws Exception {
        relay = MediaRelay.start(config(16, 1));
        SocketPair client = peer();
        SocketPair carrier = peer();

        RelaySession session = relay.allocateAsync("call-async").get(WAIT_SECONDS, TimeUnit.SECONDS);
        session.clientLeg().setRemoteRtp(client.rtpAddress());
        session.carrierLeg().setRemoteRtp(carrier.rtpAddress());

        byte[] up = payload("client-rtp");
        client.rtp().send(new DatagramPacket(up, up.length, session.clientLeg().localRtp()));
        DatagramPacket gotUp = SocketPair.receive(carrier.rtp());
        assertThat(SocketPair.data(gotUp)).isEqualTo(up);
        assertThat(gotUp.getSocketAddress()).isEqualTo(session.carrierLeg().localRtp());

        byte[] down = payload("carrier-rtp-reply");
        carrier.rtp().send(new DatagramPacket(down, down.length, session.carrierLeg().localRtp()));
        assertThat(SocketPair.data(SocketPair.receive(client.rtp()))).isEqualTo(down);

        byte[] rtcp = payload("carrier-rtcp-rr");
        carrier.rtcp().send(new DatagramPacket(rtcp, rtcp.length, session.carrierLeg().localRtcp()));
        DatagramPacket gotRtcp = SocketPair.receive(client.rtcp());
        assertThat(SocketPair.data(gotRtcp)).isEqualTo(rtcp);
        assertThat(gotRtcp.getSocketAddress()).isEqualTo(session.clientLeg().localRtcp());

        assertThat(relay.sessionsActive()).isEqualTo(1);
        assertThat(relay.portsInUse()).isEqualTo(4);
    }

    @Test
    void failsWithPortsExhaustedWhenTheRangeIsUsedUpAndLeaksNoPort() throws Exception {
        relay = MediaRelay.start(config(4, 1));
        RelaySession only = relay.allocateAsync("call-1").get(WAIT_SECONDS, TimeUnit.SECONDS);

        CompletableFuture<RelaySession> refused = relay.allocateAsync("call-2");

        assertThatThrownBy(() -> refused.get(WAIT_SECONDS, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(PortsExhaustedException.class);
        assertThat(relay.portsInUse()).isEqualTo(4);
        only.closeAsync().get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertThat(relay.portsInUse()).isZero();
    }

    @Test
    void givesUpAfterTheBindAttemptsAndReturnsTheClientPairBoundOnTheWay() throws Exception {
        MediaRelayConfig cfg = config(4, 1);
        // The first pair is held by another process: the client leg gets the second pair, the
        // carrier leg then finds only the held one and runs out of attempts.
        squatters.add(new DatagramSocket(new InetSocketAddress("127.0.0.1", cfg.portMin())));
        relay = MediaRelay.start(cfg);

        CompletableFuture<RelaySession> refused = relay.allocateAsync("call-squatted");

        assertThatThrownBy(() -> refused.get(WAIT_SECONDS, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOf(PortsExhaustedException.class)
                .hasMessageContaining("after 8 attempts");
        assertThat(relay.portsInUse()).isZero();
        assertThat(relay.sessionsActive()).isZero();
        try (DatagramSocket rebound = new DatagramSocket(new InetSocketAddress("127.0.0.1", cfg.portMin() + 2))) {
            assertThat(rebound.getLocalPort()).isEqualTo(cfg.portMin() + 2);
        }
    }

    @Test
    void theBlockingAllocateThrowsTheSameCheckedException() throws Exception {
        relay = MediaRelay.start(config(4, 1));
        relay.allocate("call-1");

        assertThatThrownBy(() -> relay.allocate("call-2")).isInstanceOf(PortsExhaustedException.class);
        assertThat(relay.portsInUse()).isEqualTo(4);
    }

    @Test
    void withoutPoolingCloseAsyncUnbindsThePortsAndIsIdempotent() throws Exception {
        relay = MediaRelay.builder(config(16, 1)).socketPool(SocketPoolSettings.OFF).start();
        RelaySession first = relay.allocateAsync("call-1").get(WAIT_SECONDS, TimeUnit.SECONDS);
        RelaySession second = relay.allocateAsync("call-2").get(WAIT_SECONDS, TimeUnit.SECONDS);
        List<SessionStats> closedStats = new ArrayList<>();
        relay.onSessionClosed(closedStats::add);

        CompletableFuture<Void> closing = first.closeAsync();
        CompletableFuture<Void> again = first.closeAsync();
        CompletableFuture.allOf(closing, again).get(WAIT_SECONDS, TimeUnit.SECONDS);

        assertThat(first.isClosed()).isTrue();
        assertThat(relay.portsInUse()).isEqualTo(4);
        assertThat(closedStats).extracting(SessionStats::callId).containsExactly("call-1");
        assertThat(first.closeAsync()).isCompleted();
        first.close();
        try (DatagramSocket rebound = new DatagramSocket(first.clientLeg().localRtp())) {
            assertThat(rebound.getLocalPort()).isEqualTo(first.clientLeg().localRtp().getPort());
        }

        second.closeAsync().get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertThat(relay.portsInUse()).isZero();
        assertThat(relay.sessionsActive()).isZero();
        assertThat(closedStats).hasSize(2);
    }

    @Test
    void manyConcurrentAllocationsGetDistinctPortsAndGiveThemAllBack() throws Exception {
        int perThread = 100;
        relay = MediaRelay.start(config(4 * 2 * perThread + 64, 2));
        List<CompletableFuture<RelaySession>> allocations = new ArrayList<>();
        CountDownLatch go = new CountDownLatch(1);
        List<CompletableFuture<List<CompletableFuture<RelaySession>>>> callers = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            String prefix = "caller-" + t + "-call-";
            callers.add(CompletableFuture.supplyAsync(() -> {
                awaitQuietly(go);
                List<CompletableFuture<RelaySession>> mine = new ArrayList<>();
                for (int i = 0; i < perThread; i++) {
                    mine.add(relay.allocateAsync(prefix + i));
                }
                return mine;
            }));
        }
        go.countDown();
        for (CompletableFuture<List<CompletableFuture<RelaySession>>> caller : callers) {
            allocations.addAll(caller.get(WAIT_SECONDS, TimeUnit.SECONDS));
        }
        CompletableFuture.allOf(allocations.toArray(CompletableFuture[]::new)).get(WAIT_SECONDS, TimeUnit.SECONDS);

        Set<Integer> rtpPorts = new HashSet<>();
        List<RelaySession> sessions = new ArrayList<>();
        for (CompletableFuture<RelaySession> allocation : allocations) {
            RelaySession session = allocation.join();
            sessions.add(session);
            rtpPorts.add(session.clientLeg().localRtp().getPort());
            rtpPorts.add(session.carrierLeg().localRtp().getPort());
        }
        assertThat(rtpPorts).hasSize(4 * perThread);
        assertThat(relay.sessionsActive()).isEqualTo(2 * perThread);
        assertThat(relay.portsInUse()).isEqualTo(8 * perThread);

        CompletableFuture.allOf(sessions.stream().map(RelaySession::closeAsync).toArray(CompletableFuture[]::new))
                .get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertThat(relay.portsInUse()).isZero();
        assertThat(relay.sessionsActive()).isZero();
    }

    @Test
    void allocatesAndClosesFromInsideTheRelaysOwnEventLoop() throws Exception {
        relay = MediaRelay.start(config(16, 1));
        RelaySession outer = relay.allocateAsync("call-outer").get(WAIT_SECONDS, TimeUnit.SECONDS);

        // With one io thread the new session's loop is the very loop the call is made on.
        CompletableFuture<RelaySession> inner = outer.eventLoop()
                .submit(() -> relay.allocateAsync("call-inner"))
                .get(WAIT_SECONDS, TimeUnit.SECONDS);
        RelaySession session = inner.get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertThat(session.eventLoop()).isSameAs(outer.eventLoop());
        assertThat(relay.portsInUse()).isEqualTo(8);

        CompletableFuture<Void> closing = outer.eventLoop()
                .submit(() -> {
                    session.close();
                    return session.closeAsync();
                })
                .get(WAIT_SECONDS, TimeUnit.SECONDS);
        closing.get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertThat(relay.portsInUse()).isEqualTo(4);
    }

    @Test
    void theBlockingAllocateRefusesToRunOnTheRelaysEventLoop() throws Exception {
        relay = MediaRelay.start(config(16, 1));
        RelaySession outer = relay.allocate("call-outer");

        Throwable thrown = outer.eventLoop()
                .submit(() -> catchThrowable(() -> relay.allocate("call-deadlock")))
                .get(WAIT_SECONDS, TimeUnit.SECONDS);

        assertThat(thrown).isInstanceOf(IllegalStateException.class).hasMessageContaining("allocateAsync");
        assertThat(relay.portsInUse()).isEqualTo(4);
    }

    @Test
    void aSessionReadyAfterItsFutureWasCancelledIsClosedAgain() throws Exception {
        relay = MediaRelay.start(config(16, 1));
        RelaySession outer = relay.allocate("call-outer");
        CountDownLatch release = new CountDownLatch(1);
        outer.eventLoop().execute(() -> awaitQuietly(release));

        CompletableFuture<String> abandonedClosed = new CompletableFuture<>();
        relay.onSessionClosed(stats -> abandonedClosed.complete(stats.callId()));

        CompletableFuture<RelaySession> abandoned = relay.allocateAsync("call-abandoned");
        assertThat(abandoned.cancel(false)).isTrue();
        release.countDown();

        assertThat(abandonedClosed.get(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo("call-abandoned");
        assertThat(relay.portsInUse()).isEqualTo(4);
        assertThat(relay.sessionsActive()).isEqualTo(1);
    }

    @Test
    void failsOnAClosedRelay() {
        relay = MediaRelay.start(config(16, 1));
        relay.close();

        assertThat(relay.allocateAsync("call-late"))
                .failsWithin(WAIT_SECONDS, TimeUnit.SECONDS)
                .withThrowableOfType(ExecutionException.class)
                .withCauseInstanceOf(IllegalStateException.class);
    }

    /** A random range so that test runs on the same host rarely meet; busy ports are skipped anyway. */
    private static MediaRelayConfig config(int ports, int ioThreads) {
        int base = 20000 + 2 * ThreadLocalRandom.current().nextInt(12000);
        return new MediaRelayConfig("127.0.0.1", base, base + ports - 1, ioThreads);
    }

    private SocketPair peer() throws Exception {
        SocketPair pair = SocketPair.bind();
        peers.add(pair);
        return pair;
    }

    private static byte[] payload(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            if (!latch.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
                throw new IllegalStateException("latch not released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
