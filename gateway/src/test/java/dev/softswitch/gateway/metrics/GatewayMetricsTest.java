package dev.softswitch.gateway.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class GatewayMetricsTest {

    @Test
    void inventedMethodNamesShareOneSeriesSoTheyCannotGrowTheMetrics() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        GatewayMetrics metrics = new GatewayMetrics(registry);
        for (int i = 0; i < 20_000; i++) {
            metrics.requestReceived("X" + i);
        }
        metrics.requestReceived("INVITE");
        metrics.requestReceived("invite");

        assertThat(registry.find("sip.requests.received").counters()).hasSize(2);
        assertThat(registry.get("sip.requests.received").tag("method", "OTHER").counter().count()).isEqualTo(20_000);
        assertThat(registry.get("sip.requests.received").tag("method", "INVITE").counter().count()).isEqualTo(2);
    }
}
