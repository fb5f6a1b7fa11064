package dev.softswitch.gateway.store;

import dev.softswitch.gateway.auth.Throttle;
import dev.softswitch.gateway.config.ThrottleConfig;
import dev.softswitch.gateway.metrics.GatewayMetrics;
import dev.softswitch.gateway.testing.RedisServer;
import dev.softswitch.gateway.transport.Endpoint;
import dev.softswitch.gateway.transport.TransportType;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Issue 15: a password guessed at through two nodes is banned on both once one node bans it. */
class SharedBansTest {

    @TempDir
    Path dir;

    @Test
    void anAccountBannedOnOneNodeIsBannedOnTheOtherAtItsNextBeat() throws Exception {
        try (RedisServer redis = RedisServer.start(dir)) {
            ThrottleConfig config = new ThrottleConfig(100, 3, 30, Duration.ofMinutes(10), 1000);
            Throttle a = new Throttle(config, Instant::now, new GatewayMetrics(new SimpleMeterRegistry()));
            Throttle b = new Throttle(config, Instant::now, new GatewayMetrics(new SimpleMeterRegistry()));
            RedisSharedJournal ja = journal(redis, "a");
            RedisSharedJournal jb = journal(redis, "b");
            try {
                SharedBans bansA = new SharedBans(ja, Runnable::run, x -> a.adopt(x.kind(), x.key(), x.until()));
                SharedBans bansB = new SharedBans(jb, Runnable::run, x -> b.adopt(x.kind(), x.key(), x.until()));
                a.onBan(bansA::banned);
                b.onBan(bansB::banned);
                Endpoint guesser = Endpoint.of("203.0.113.7", 5060, TransportType.UDP);
                for (int i = 0; i < 4; i++) { // three failures a minute are allowed; the fourth bans
                    a.failed(guesser, "alice");
                }
                assertThat(a.accountBanned("alice")).isTrue();
                assertThat(b.accountBanned("alice")).as("not before b's next beat").isFalse();
                bansB.poll();
                assertThat(b.accountBanned("alice")).isTrue();
                assertThat(b.accountBanned("bob")).isFalse();
                bansA.poll(); // a's own ban comes back as known: nothing more happens
                assertThat(a.accountBanned("alice")).isTrue();
            } finally {
                ja.close();
                jb.close();
            }
        }
    }

    private static RedisSharedJournal journal(RedisServer redis, String node) {
        return RedisSharedJournal.connect(new RedisSharedJournal.Settings(List.of(redis.uri()), false, node, "t:",
                Duration.ofMillis(500), RedisSharedJournal.Durability.FSYNC, 0, Duration.ofSeconds(5)),
                new SimpleMeterRegistry());
    }
}
