package dev.softswitch.gateway.b2bua;

import dev.softswitch.charging.cdr.MediaQuality;
import dev.softswitch.media.MediaRelay;
import dev.softswitch.media.session.DirectionStats;
import dev.softswitch.media.session.MediaTimeouts;
import dev.softswitch.media.session.PortsExhaustedException;
import dev.softswitch.media.session.RelaySession;
import dev.softswitch.media.session.SessionStats;
import dev.softswitch.media.srtp.SrtpMasterKey;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link RelayPorts} on the gateway's own media relays (the media-relay module), one per relay address:
 * calls take them in turn, and a call whose relay has no ports left tries the next ones.
 */
public final class MediaRelayPorts implements RelayPorts {

    private static final Logger log = LoggerFactory.getLogger(MediaRelayPorts.class);

    private final List<MediaRelay> relays;
    private final MediaTimeouts timeouts;
    private final boolean clientRtcpMux;
    private final AtomicInteger next = new AtomicInteger();

    public MediaRelayPorts(MediaRelay relay, MediaTimeouts timeouts) {
        this(List.of(relay), timeouts, true);
    }

    /**
     * @param clientRtcpMux whether a client leg may mux RTCP on its RTP port when its client asks
     *                      ({@code media.clientRtcpMux}); false keeps every client on RTP + 1
     */
    public MediaRelayPorts(List<MediaRelay> relays, MediaTimeouts timeouts, boolean clientRtcpMux) {
        if (relays.isEmpty()) {
            throw new IllegalArgumentException("no media relay");
        }
        this.relays = List.copyOf(relays);
        this.timeouts = timeouts;
        this.clientRtcpMux = clientRtcpMux;
    }

    @Override
    public CompletableFuture<Handle> allocate(String callId) {
        return allocate(callId, false);
    }

    @Override
    public CompletableFuture<Handle> allocate(String callId, boolean clientRtcpMux) {
        int first = Math.floorMod(next.getAndIncrement(), relays.size());
        return allocate(callId, clientRtcpMux && this.clientRtcpMux, first, relays.size()).whenComplete((session, error) -> {
            Throwable cause = unwrap(error);
            if (cause != null && !(cause instanceof PortsExhaustedException)) {
                log.warn("call {}: media relay failed", callId, cause);
            }
        }).thenApply(SessionHandle::new);
    }

    /** From relay {@code index} on, {@code left} relays in all, while the ones tried have no ports. */
    private CompletableFuture<RelaySession> allocate(String callId, boolean clientRtcpMux, int index, int left) {
        CompletableFuture<RelaySession> session = relays.get(index).allocateAsync(callId, clientRtcpMux);
        if (left <= 1) {
            return session;
        }
        return session.exceptionallyCompose(error -> unwrap(error) instanceof PortsExhaustedException
                ? allocate(callId, clientRtcpMux, (index + 1) % relays.size(), left - 1)
                : CompletableFuture.failedFuture(error));
    }

    private static Throwable unwrap(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }

    private final class SessionHandle implements Handle {
        private final RelaySession session;

        SessionHandle(RelaySession session) {
            this.session = session;
        }

        @Override
        public InetSocketAddress clientSideRtp() {
            return session.clientLeg().localRtp();
        }

        @Override
        public boolean clientRtcpMux() {
            return session.clientLeg().isRtcpMux();
        }

        @Override
        public InetSocketAddress carrierSideRtp() {
            return session.carrierLeg().localRtp();
        }

        @Override
        public void clientRemote(InetSocketAddress rtp) {
            session.clientLeg().setRemoteRtp(rtp);
        }

        @Override
        public void carrierRemote(InetSocketAddress rtp) {
            session.carrierLeg().setRemoteRtp(rtp);
        }

        @Override
        public void carrierSources(Set<InetAddress> addresses) {
            session.carrierLeg().allowSources(addresses);
        }

        @Override
        public void clientSources(Set<InetAddress> addresses) {
            session.clientLeg().allowSources(addresses);
        }

        @Override
        public void clientSrtp(SrtpMasterKey clientKey, SrtpMasterKey relayKey) {
            session.clientLeg().enableSrtp(clientKey, relayKey);
        }

        @Override
        public void clockRate(int hz) {
            session.setClockRate(hz);
        }

        @Override
        public void hold(boolean onHold) {
            session.setHold(onHold);
        }

        @Override
        public void watch(Consumer<Duration> onSilence) {
            session.watchMedia(timeouts, event -> onSilence.accept(event.silence()));
        }

        @Override
        public CompletableFuture<MediaQuality> close() {
            // Read once the sockets are closed, so that a packet still in flight counts in both the
            // relay's totals and the call's record.
            return session.closeAsync().thenApply(closed -> {
                SessionStats stats = session.stats();
                return new MediaQuality(direction(stats.clientToCarrier()), direction(stats.carrierToClient()));
            });
        }

        private static MediaQuality.Direction direction(DirectionStats d) {
            return new MediaQuality.Direction(d.packets(), d.bytes(), d.rtpLost(), Math.round(d.jitterMillis() * 1000));
        }
    }
}
