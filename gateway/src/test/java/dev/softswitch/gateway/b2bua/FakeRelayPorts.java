package dev.softswitch.gateway.b2bua;

import dev.softswitch.charging.cdr.MediaQuality;
import dev.softswitch.gateway.time.ManualTimerService;
import dev.softswitch.media.srtp.SrtpMasterKey;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * {@link RelayPorts} on the test's manual clock: ports are bound at once (or refused when
 * {@link #exhaust} was called), what the call tells the relay is recorded, and silence is reported
 * {@link #TIMEOUT} after watching starts ({@link #HOLD_TIMEOUT} while on hold), as the real relay does.
 */
final class FakeRelayPorts implements RelayPorts {

    static final Duration TIMEOUT = Duration.ofSeconds(30);
    static final Duration HOLD_TIMEOUT = Duration.ofHours(2);

    private final ManualTimerService timers;
    private final List<FakeHandle> handles = new ArrayList<>();
    private int nextPort = 41000;
    private boolean exhausted;

    FakeRelayPorts(ManualTimerService timers) {
        this.timers = timers;
    }

    private RuntimeException broken;

    private boolean mediaFlows;

    /** From now on media flows on every call: no silence is ever reported. */
    void mediaFlows() {
        mediaFlows = true;
    }

    /** From now on every allocation fails, as when the relay's port range is used up. */
    void exhaust() {
        exhausted = true;
    }

    /** From now on allocating throws {@code e} at once: a bug, not an answer. */
    void breakWith(RuntimeException e) {
        broken = e;
    }

    @Override
    public CompletableFuture<Handle> allocate(String callId) {
        return allocate(callId, false);
    }

    /** As the relay does: the client leg muxes RTCP on its RTP port when asked. */
    @Override
    public CompletableFuture<Handle> allocate(String callId, boolean clientRtcpMux) {
        if (broken != null) {
            throw broken;
        }
        if (exhausted) {
            return CompletableFuture.failedFuture(new IllegalStateException("no ports left"));
        }
        FakeHandle h = new FakeHandle(callId, nextPort);
        h.rtcpMux = clientRtcpMux;
        nextPort += 4;
        handles.add(h);
        return CompletableFuture.completedFuture(h);
    }

    /** Sessions allocated and not closed. */
    long inUse() {
        return handles.stream().filter(h -> !h.closed).count();
    }

    /** The only session allocated so far. */
    FakeHandle only() {
        if (handles.size() != 1) {
            throw new AssertionError("expected one relay session, got " + handles.size());
        }
        return handles.get(0);
    }

    final class FakeHandle implements Handle {
        final String callId;
        final InetSocketAddress clientSide;
        final InetSocketAddress carrierSide;
        InetSocketAddress clientRemote;
        InetSocketAddress carrierRemote;
        Set<InetAddress> carrierSources = Set.of();
        Set<InetAddress> clientSources = Set.of();
        SrtpMasterKey clientKey;
        SrtpMasterKey relayKey;
        int clockRate;
        boolean onHold;
        boolean closed;
        boolean rtcpMux;

        FakeHandle(String callId, int port) {
            this.callId = callId;
            this.clientSide = new InetSocketAddress("127.0.0.1", port);
            this.carrierSide = new InetSocketAddress("127.0.0.1", port + 2);
        }

        @Override
        public boolean clientRtcpMux() {
            return rtcpMux;
        }

        @Override
        public InetSocketAddress clientSideRtp() {
            return clientSide;
        }

        @Override
        public InetSocketAddress carrierSideRtp() {
            return carrierSide;
        }

        @Override
        public void clientRemote(InetSocketAddress rtp) {
            clientRemote = rtp;
        }

        @Override
        public void carrierRemote(InetSocketAddress rtp) {
            carrierRemote = rtp;
        }

        @Override
        public void carrierSources(Set<InetAddress> addresses) {
            carrierSources = Set.copyOf(addresses);
        }

        @Override
        public void clientSources(Set<InetAddress> addresses) {
            clientSources = Set.copyOf(addresses);
        }

        @Override
        public void clientSrtp(SrtpMasterKey clientKey, SrtpMasterKey relayKey) {
            this.clientKey = clientKey;
            this.relayKey = relayKey;
        }

        @Override
        public void clockRate(int hz) {
            clockRate = hz;
        }

        @Override
        public void hold(boolean hold) {
            onHold = hold;
        }

        @Override
        public void watch(Consumer<Duration> onSilence) {
            Instant since = timers.now();
            timers.schedule(TIMEOUT, () -> check(since, onSilence));
        }

        private void check(Instant since, Consumer<Duration> onSilence) {
            if (closed) {
                return;
            }
            if (mediaFlows) {
                timers.schedule(TIMEOUT, () -> check(timers.now(), onSilence));
                return;
            }
            Duration silence = Duration.between(since, timers.now());
            if (onHold && silence.compareTo(HOLD_TIMEOUT) < 0) {
                timers.schedule(HOLD_TIMEOUT.minus(silence), () -> check(since, onSilence));
                return;
            }
            onSilence.accept(silence);
        }

        @Override
        public CompletableFuture<MediaQuality> close() {
            closed = true;
            MediaQuality.Direction none = new MediaQuality.Direction(0, 0, 0, 0);
            return CompletableFuture.completedFuture(new MediaQuality(none, none));
        }
    }
}
