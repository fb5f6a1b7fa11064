package dev.softswitch.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The socket pool against the process's open-file limit: a load run ran out of descriptors with 6,144 pairs of
 * 20,000, and at 3,000 calls a second with a log line per failed socket; the relays now stay within a budget.
 */
class RelayPoolConfigTest {

    private static RelayPoolConfig pairs(int maxPairs) {
        return new RelayPoolConfig(maxPairs, 0, Duration.ofMillis(500));
    }

    @Test
    void thePoolsAreWarnedAboutWhenTheyMayHoldMoreThanTheBudgetWithTheFix() {
        assertThat(pairs(10_000).descriptorWarning(20_000, 1)).hasValueSatisfying(w -> assertThat(w)
                .contains("maxPairs 10000 on 1 media address(es)").contains("20000 file descriptors")
                .contains("budget of 18976").contains("limit of 20000").contains("at most 9488"));
        assertThat(pairs(6144).descriptorWarning(20_000, 2)).hasValueSatisfying(w -> assertThat(w)
                .contains("24576 file descriptors").contains("at most 4744"));
    }

    @Test
    void poolsWithinTheBudgetOrAnUnknownLimitAreNot() {
        assertThat(pairs(6144).descriptorWarning(20_000, 1)).isEmpty();
        assertThat(pairs(4096).descriptorWarning(1_048_576, 4)).isEmpty();
        assertThat(pairs(60_000).descriptorWarning(-1, 1)).isEmpty();
        assertThat(pairs(0).descriptorWarning(1024, 1)).isEmpty();
    }

    @Test
    void theRelaysGetTheLimitLessTheReserveButAlwaysHalfOfIt() {
        assertThat(pairs(4096).relaySocketBudget(20_000)).isEqualTo(18_976);
        assertThat(new RelayPoolConfig(4096, 0, Duration.ZERO, 15_000).relaySocketBudget(20_000)).isEqualTo(10_000);
        assertThat(pairs(4096).relaySocketBudget(1024)).isEqualTo(512);
        assertThat(pairs(4096).relaySocketBudget(-1)).isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void theProcessLimitIsReadOnLinux() {
        assertThat(RelayPoolConfig.processDescriptorLimit()).isGreaterThan(0);
    }
}
