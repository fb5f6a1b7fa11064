package dev.softswitch.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.softswitch.gateway.e2e.PromExposition.Sample;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The scrape parser and the Grafana-to-PromQL steps the promtool test relies on (issue 13, OPS-1). */
class PromExpositionTest {

    private static final String SCRAPE = """
            # HELP calls_attempts_total Call attempts by outcome
            # TYPE calls_attempts counter
            calls_attempts_total{outcome="answered"} 3.0
            # TYPE calls_post_dial_delay_seconds histogram
            calls_post_dial_delay_seconds_bucket{le="1.0"} 2
            calls_post_dial_delay_seconds_bucket{le="+Inf"} 2
            calls_post_dial_delay_seconds_count 2
            calls_post_dial_delay_seconds_sum 0.25
            # TYPE calls_post_dial_delay_seconds_max gauge
            calls_post_dial_delay_seconds_max 0.125
            # TYPE odd gauge
            odd{a="x\\"y",b="back\\\\slash",c="two\\nlines"} NaN 1700000000000
            """;

    @Test
    void samplesKeepTheirLabelsUnescapedAndTheirValuesIncludingInfAndNan() {
        List<Sample> samples = PromExposition.parse(SCRAPE).samples();

        assertThat(samples).hasSize(7);
        assertThat(samples.get(0)).isEqualTo(new Sample("calls_attempts_total", Map.of("outcome", "answered"), 3));
        assertThat(samples.get(2).labels()).containsEntry("le", "+Inf");
        assertThat(samples.get(6).labels()).containsEntry("a", "x\"y").containsEntry("b", "back\\slash")
                .containsEntry("c", "two\nlines");
        assertThat(samples.get(6).value()).isNaN();
        assertThat(samples.get(6).series()).isEqualTo("odd{a=\"x\\\"y\",b=\"back\\\\slash\",c=\"two\\nlines\"}");
    }

    @Test
    void countersAndHistogramSeriesGrowWhileGaugesDoNot() {
        PromExposition scrape = PromExposition.parse(SCRAPE);

        assertThat(scrape.samples()).extracting(scrape::monotonic)
                .containsExactly(true, true, true, true, true, false, false);
    }

    @Test
    void valuesArePlainNumbersForPromtool() {
        assertThat(PromExposition.format(1.5e-7)).isEqualTo("0.00000015");
        assertThat(PromExposition.format(2.0)).isEqualTo("2");
        assertThat(PromExposition.format(Double.POSITIVE_INFINITY)).isEqualTo("Inf");
    }

    @Test
    void grafanaVariablesBecomeValuesPrometheusEvaluates() {
        assertThat(MonitoringConfig.substituteVariables(
                "sum by (trunk) (rate(calls_trunk_attempts_total{trunk=~\"$trunk\",country=~\"${country:regex}\"}[$__rate_interval]))"
                        + " / $__range_s"))
                .isEqualTo("sum by (trunk) (rate(calls_trunk_attempts_total{trunk=~\".*\",country=~\".*\"}[2m])) / 900");
        assertThat(MonitoringConfig.legendLabels("{{trunk}} {{ country }} ASR")).containsExactly("trunk", "country");
    }
}
