package dev.softswitch.media;

import dev.softswitch.media.session.DirectionStats;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Objects;

/**
 * Publishes the relay's figures to Micrometer (MED-4): packets, bytes, drops, RTCP, RTP expected and
 * lost as counters, sessions, ports in use, pooled ports and open sockets against their budget as gauges, and per closed call and direction the jitter (ms)
 * and the loss ratio as distribution summaries. {@code registry.config()} names them for Prometheus.
 */
public final class MediaRelayMetrics implements MeterBinder {

    private final MediaRelay relay;

    public MediaRelayMetrics(MediaRelay relay) {
        this.relay = Objects.requireNonNull(relay, "relay");
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        FunctionCounter.builder("relay.packets", relay, MediaRelay::packetsRelayed)
                .description("RTP/RTCP packets relayed").register(registry);
        FunctionCounter.builder("relay.bytes", relay, MediaRelay::bytesRelayed)
                .description("RTP/RTCP bytes relayed").baseUnit("bytes").register(registry);
        FunctionCounter.builder("relay.packets.dropped", relay, MediaRelay::packetsDropped)
                .description("RTP/RTCP packets dropped").register(registry);
        FunctionCounter.builder("relay.packets.refused.source", relay, MediaRelay::packetsRefusedSource)
                .description("RTP/RTCP packets dropped because of their source (latching)").register(registry);
        FunctionCounter.builder("relay.rtcp.packets", relay, MediaRelay::rtcpPackets)
                .description("RTCP packets received from peers").register(registry);
        FunctionCounter.builder("relay.rtp.expected", relay, MediaRelay::rtpPacketsExpected)
                .description("RTP packets expected from sequence numbers (RFC 3550 A.3)").register(registry);
        FunctionCounter.builder("relay.rtp.lost", relay, MediaRelay::rtpPacketsLost)
                .description("RTP packets lost on the way to the relay (RFC 3550 A.3)").register(registry);
        Gauge.builder("relay.sessions", relay, MediaRelay::sessionsActive)
                .description("Relay sessions open").register(registry);
        Gauge.builder("relay.ports.in.use", relay, MediaRelay::portsInUse)
                .description("Relay UDP ports (sockets) bound by live sessions").register(registry);
        Gauge.builder("relay.ports.pooled", relay, MediaRelay::portsPooled)
                .description("Relay UDP ports (sockets) bound and idle in the socket pool").register(registry);
        Gauge.builder("relay.sockets.open", relay, r -> r.socketBudget().open())
                .description("UDP sockets the relays hold open, all media addresses together").register(registry);
        Gauge.builder("relay.sockets.budget", relay, r -> r.socketBudget().limit())
                .description("Most UDP sockets the relays may hold open: the open-file limit less the reserve")
                .register(registry);
        FunctionCounter.builder("relay.sessions.rtcp.mux", relay, MediaRelay::rtcpMuxSessions)
                .description("Calls whose client leg took RTCP on its RTP port (rtcp-mux, RFC 5761): 3 sockets, not 4")
                .register(registry);
        FunctionCounter.builder("relay.pool.lent.in.quarantine", relay, MediaRelay::pairsLentInQuarantine)
                .description("Relay port pairs lent before their quarantine was over (no other could be bound)")
                .register(registry);
        DistributionSummary jitter = DistributionSummary.builder("relay.call.jitter")
                .description("Interarrival jitter per closed call and direction (RFC 3550 A.8)")
                .baseUnit("milliseconds").register(registry);
        DistributionSummary loss = DistributionSummary.builder("relay.call.loss.ratio")
                .description("RTP loss ratio per closed call and direction").register(registry);
        relay.onSessionClosed(stats -> {
            for (DirectionStats direction : new DirectionStats[] {stats.clientToCarrier(), stats.carrierToClient()}) {
                if (direction.rtpExpected() > 0) {
                    jitter.record(direction.jitterMillis());
                    loss.record(direction.lossRatio());
                }
            }
        });
    }
}
