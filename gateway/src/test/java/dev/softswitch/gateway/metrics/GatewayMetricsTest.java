package dev.softswitch.gateway.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
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

    @Test
    void carrierAttemptsAnswersAndSecondsAreCountedPerTrunkAndCountrySoAsrAndAcdAreRatios() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        GatewayMetrics metrics = new GatewayMetrics(registry);
        metrics.trunkAttempt("jp-one", "JP", Duration.ofSeconds(30));
        metrics.trunkAttempt("jp-one", "JP", Duration.ofMillis(10_500));
        metrics.trunkAttempt("jp-one", "JP", null);
        metrics.trunkAttempt("jp-one", "JP", null);
        metrics.trunkAttempt(null, "JP", null);

        assertThat(registry.get("calls.trunk.attempts").tags("trunk", "jp-one", "country", "JP").counter().count()).isEqualTo(4);
        assertThat(registry.get("calls.trunk.answers").tags("trunk", "jp-one", "country", "JP").counter().count()).isEqualTo(2);
        assertThat(registry.get("calls.trunk.answered.seconds").tags("trunk", "jp-one", "country", "JP").counter().count())
                .isEqualTo(40.5);
        assertThat(registry.get("calls.trunk.attempts").tags("trunk", "none", "country", "JP").counter().count()).isEqualTo(1);
    }

    @Test
    void countryLabelIsAnIsoCodeOrOtherSoDialledDigitsCannotGrowTheSeries() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        GatewayMetrics metrics = new GatewayMetrics(registry);
        for (int i = 0; i < 1_000; i++) {
            metrics.trunkAttempt("t", "X" + i, null);
        }
        metrics.trunkAttempt("t", "001", null); // non-geographic numbers
        metrics.trunkAttempt("t", null, null);  // refused before the number was read
        metrics.trunkAttempt("t", "jp", null);

        assertThat(registry.find("calls.trunk.attempts").counters()).hasSize(2);
        assertThat(registry.get("calls.trunk.attempts").tags("trunk", "t", "country", "other").counter().count())
                .isEqualTo(1_002);
        assertThat(registry.get("calls.trunk.attempts").tags("trunk", "t", "country", "JP").counter().count()).isEqualTo(1);
    }

    @Test
    void postDialDelayIsAHistogramWithServiceLevelBuckets() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        GatewayMetrics metrics = new GatewayMetrics(registry);
        metrics.postDialDelay(Duration.ofMillis(1_500));
        metrics.postDialDelay(Duration.ofSeconds(4));

        var timer = registry.get("calls.post.dial.delay").timer();
        assertThat(timer.count()).isEqualTo(2);
        assertThat(timer.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(5_500);
        assertThat(timer.takeSnapshot().histogramCounts()).extracting(c -> c.bucket(TimeUnit.SECONDS))
                .contains(1.0, 2.0, 3.0, 5.0, 8.0, 13.0);
    }
}
