package dev.softswitch.gateway.transaction;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The derived timers computed without BigDecimal are the same durations {@code Duration}'s own arithmetic gives. */
class TimerSettingsTest {

    @Test
    void sixtyFourT1AndTheDoubledIntervalsAreExactlyWhatDurationArithmeticGives() {
        long seed = new Random().nextLong();
        Random random = new Random(seed);
        for (int run = 0; run < 20_000; run++) {
            Duration t1 = switch (run % 4) {
                case 0 -> Duration.ofMillis(1 + random.nextInt(10_000));
                case 1 -> Duration.ofNanos(1 + (random.nextLong() & 0xFF_FFFF_FFFFL));
                case 2 -> Duration.ofSeconds(1 + random.nextInt(1_000_000), random.nextInt(1_000_000_000));
                default -> Duration.ofNanos(1 + random.nextInt(1_000));
            };
            Duration t2 = t1.plus(Duration.ofNanos(random.nextInt(Integer.MAX_VALUE))).multipliedBy(1 + random.nextInt(16));
            TimerSettings settings = new TimerSettings(t1, t2, Duration.ofSeconds(5));
            assertThat(settings.transactionTimeout()).as("seed %d, T1 %s", seed, t1).isEqualTo(t1.multipliedBy(64));
            Duration doubled = t1.multipliedBy(2);
            assertThat(settings.doubledCapped(t1)).as("seed %d, T1 %s T2 %s", seed, t1, t2)
                    .isEqualTo(doubled.compareTo(t2) > 0 ? t2 : doubled);
        }
    }
}
