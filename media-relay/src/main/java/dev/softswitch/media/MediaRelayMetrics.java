package dev.softswitch.media;

import dev.softswitch.media.session.DirectionStats;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * Publishes the relays' figures to Micrometer (MED-4): packets, bytes, drops, RTCP, RTP expected and
 * lost as counters, sessions, ports in use, pooled ports and open sockets against their budget as gauges, and per closed call and direction the jitter (ms)
 * and the loss ratio as distribution summaries. {@code registry.config()} names them for Prometheus. With several
 * relays (one per media address) each figure is theirs together, and every relay's closed calls are recorded.
 */
public final class MediaRelayMetrics implements MeterBinder {

    private final List<MediaRelay> relays;

    public MediaRelayMetrics(MediaRelay relay) {
        this(List.of(relay));
    }

    /** The relays of one process, which share one socket budget. */
    public MediaRelayMetrics(List<MediaRelay> relays) {
        if (relays.isEmpty()) {
            throw new IllegalArgumentException("no relay");
        }
        this.relays = List.copyOf(relays);
    }

    private static double sum(List<MediaRelay> relays, ToDoubleFunction<MediaRelay> figure) {
        double total = 0;
        for (MediaRelay r : relays) {
            total += figure.applyAsDouble(r);
        }
        return total;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        FunctionCounter.builder("relay.packets", relays, rs -> sum(rs, MediaRelay::packetsRelayed))
                .description("RTP/RTCP packets relayed").register(registry);
        FunctionCounter.builder("relay.bytes", relays, rs -> sum(rs, MediaRelay::bytesRelayed))
                .description("RTP/RTCP bytes relayed").baseUnit("bytes").register(registry);
        FunctionCounter.builder("relay.packets.dropped", relays, rs -> sum(rs, MediaRelay::packetsDropped))
                .description("RTP/RTCP packets dropped").register(registry);
        FunctionCounter.builder("relay.packets.refused.source", relays, rs -> sum(rs, MediaRelay::packetsRefusedSource))
                .description("RTP/RTCP packets dropped because of their source (latching)").register(registry);
        FunctionCounter.builder("relay.rtcp.packets", relays, rs -> sum(rs, MediaRelay::rtcpPackets))
                .description("RTCP packets received from peers").register(registry);
        FunctionCounter.builder("relay.rtp.expected", relays, rs -> sum(rs, MediaRelay::rtpPacketsExpected))
                .description("RTP packets expected from sequence numbers (RFC 3550 A.3)").register(registry);
        FunctionCounter.builder("relay.rtp.lost", relays, rs -> sum(rs, MediaRelay::rtpPacketsLost))
                .description("RTP packets lost on the way to the relay (RFC 3550 A.3)").register(registry);
        Gauge.builder("relay.sessions", relays, rs -> sum(rs, MediaRelay::sessionsActive))
                .description("Relay sessions open").register(registry);
        Gauge.builder("relay.ports.in.use", relays, rs -> sum(rs, MediaRelay::portsInUse))
                .description("Relay UDP ports (sockets) bound by live sessions").register(registry);
        Gauge.builder("relay.ports.pooled", relays, rs -> sum(rs, MediaRelay::portsPooled))
                .description("Relay UDP ports (sockets) bound and idle in the socket pool").register(registry);
        Gauge.builder("relay.sockets.open", relays, rs -> rs.get(0).socketBudget().open())
                .description("UDP sockets the relays hold open, all media addresses together").register(registry);
        Gauge.builder("relay.sockets.budget", relays, rs -> rs.get(0).socketBudget().limit())
                .description("Most UDP sockets the relays may hold open: the open-file limit less the reserve")
                .register(registry);
        FunctionCounter.builder("relay.sessions.rtcp.mux", relays, rs -> sum(rs, MediaRelay::rtcpMuxSessions))
                .description("Calls whose client leg took RTCP on its RTP port (rtcp-mux, RFC 5761): 3 sockets, not 4")
                .register(registry);
        FunctionCounter.builder("relay.pool.lent.in.quarantine", relays, rs -> sum(rs, MediaRelay::pairsLentInQuarantine))
                .description("Relay port pairs lent before their quarantine was over (no other could be bound)")
                .register(registry);
        DistributionSummary jitter = DistributionSummary.builder("relay.call.jitter")
                .description("Interarrival jitter per closed call and direction (RFC 3550 A.8)")
                .baseUnit("milliseconds").register(registry);
        DistributionSummary loss = DistributionSummary.builder("relay.call.loss.ratio")
                .description("RTP loss ratio per closed call and direction").register(registry);
        for (MediaRelay relay : relays) {
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
}
