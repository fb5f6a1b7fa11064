package dev.softswitch.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The socket pool against the process's open-file limit (a load run ran out of descriptors with 6,144 pairs of 20,000). */
class RelayPoolConfigTest {

    private static RelayPoolConfig pairs(int maxPairs) {
        return new RelayPoolConfig(maxPairs, 0, Duration.ofMillis(500));
    }

    @Test
    void aPoolThatMayHoldMoreThanHalfTheDescriptorsIsWarnedAboutWithTheFix() {
        assertThat(pairs(6144).descriptorWarning(20_000)).hasValueSatisfying(w -> assertThat(w)
                .contains("maxPairs 6144").contains("12288 file descriptors").contains("limit of 20000")
                .contains("at most 5000"));
    }

    @Test
    void aPoolWithinHalfTheLimitOrAnUnknownLimitIsNot() {
        assertThat(pairs(5000).descriptorWarning(20_000)).isEmpty();
        assertThat(pairs(4096).descriptorWarning(1_048_576)).isEmpty();
        assertThat(pairs(6144).descriptorWarning(-1)).isEmpty();
        assertThat(pairs(0).descriptorWarning(1024)).isEmpty();
    }

    @Test
    void theProcessLimitIsReadOnLinux() {
        assertThat(RelayPoolConfig.processDescriptorLimit()).isGreaterThan(0);
    }
}
