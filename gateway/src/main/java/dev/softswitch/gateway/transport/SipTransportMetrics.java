package dev.softswitch.gateway.transport;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * The transport's meters: open TCP/TLS connections ({@code sip_tcp_connections}), connections refused at
 * accept over a cap ({@code sip_tcp_refused_total{reason}}) or closed on a timeout
 * ({@code sip_tcp_timeouts_total{reason}}), both with the closed label set of {@link StreamCloseReason},
 * and failed TLS handshakes.
 */
public final class SipTransportMetrics implements MeterBinder {

    private final TransportCounters counters;

    public SipTransportMetrics(TransportCounters counters) {
        this.counters = counters;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        FunctionCounter.builder("sip.tls.handshake.failures", counters, TransportCounters::tlsHandshakeFailures)
                .description("TLS connections, inbound or outbound, whose handshake failed")
                .register(registry);
        Gauge.builder("sip.tcp.connections", counters, TransportCounters::openConnections)
                .description("TCP and TLS connections open now, inbound and outbound")
                .register(registry);
        for (StreamCloseReason reason : StreamCloseReason.values()) {
            FunctionCounter.builder(reason.atAccept() ? "sip.tcp.refused" : "sip.tcp.timeouts", counters,
                            c -> c.closed(reason))
                    .description(reason.atAccept() ? "TCP and TLS connections closed at accept over a cap"
                            : "TCP and TLS connections closed on a timeout")
                    .tag("reason", reason.label())
                    .register(registry);
        }
    }
}
