package dev.softswitch.gateway.b2bua;

import static org.assertj.core.api.Assertions.assertThat;

import dev.softswitch.gateway.metrics.GatewayMetrics;
import dev.softswitch.gateway.routing.NumberType;
import dev.softswitch.gateway.routing.PhoneNumberInfo;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class CallTallyTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final PhoneNumberInfo THAI = new PhoneNumberInfo("+66812345678", "66812345678", "TH", NumberType.MOBILE);

    @Test
    void aFailedOverAttemptCountsAgainstItsOwnTrunkAndOnlyTheLastOneIsAnswered() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        GatewayMetrics metrics = new GatewayMetrics(registry);
        metrics.callStarted();
        CallTally tally = new CallTally(metrics, T0);
        tally.carrierResponded(503, T0.plusMillis(100));  // no post-dial delay for a failure
        tally.attemptEnded("fo-first");
        tally.carrierResponded(183, T0.plusMillis(1_200));
        tally.carrierResponded(180, T0.plusMillis(2_000)); // only the first counts
        tally.attemptEnded("fo-second");
        tally.ended(THAI, T0.plusSeconds(3), T0.plusSeconds(63), "caller_bye");

        assertThat(count(registry, "calls.trunk.attempts", "fo-first")).isEqualTo(1);
        // Registered at 0, so the trunk's ASR is 0 rather than absent.
        assertThat(count(registry, "calls.trunk.answers", "fo-first")).isZero();
        assertThat(count(registry, "calls.trunk.attempts", "fo-second")).isEqualTo(1);
        assertThat(count(registry, "calls.trunk.answers", "fo-second")).isEqualTo(1);
        assertThat(count(registry, "calls.trunk.answered.seconds", "fo-second")).isEqualTo(60);
        assertThat(registry.get("calls.post.dial.delay").timer().count()).isEqualTo(1);
        assertThat(registry.get("calls.post.dial.delay").timer().totalTime(java.util.concurrent.TimeUnit.MILLISECONDS))
                .isEqualTo(1_200);
        assertThat(registry.get("calls.teardowns").tag("reason", "caller_bye").counter().count()).isEqualTo(1);
        assertThat(metrics.callsActive()).isZero();
    }

    @Test
    void aCallRefusedBeforeAnyTrunkCountsOneAttemptOnNone() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        GatewayMetrics metrics = new GatewayMetrics(registry);
        new CallTally(metrics, T0).ended(null, null, T0.plusSeconds(1), "unknown_account");

        assertThat(registry.get("calls.trunk.attempts").tags("trunk", "none", "country", "other").counter().count())
                .isEqualTo(1);
        assertThat(registry.find("calls.teardowns").counters()).isEmpty();
    }

    private static double count(SimpleMeterRegistry registry, String name, String trunk) {
        return registry.get(name).tags("trunk", trunk, "country", "TH").counter().count();
    }
}
