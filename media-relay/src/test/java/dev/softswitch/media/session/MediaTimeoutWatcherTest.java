package dev.softswitch.media.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.DefaultEventLoop;
import io.netty.util.concurrent.EventExecutor;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The media timeout sweep (MED-5) on a hand-advanced clock; the periodic run is an hour away. */
class MediaTimeoutWatcherTest {

    private static final long SECOND = 1_000_000_000L;
    private static final MediaTimeouts TIMEOUTS = new MediaTimeouts(Duration.ofSeconds(30), Duration.ofSeconds(120));

    private final AtomicLong clock = new AtomicLong(1_000 * SECOND);
    private final DefaultEventLoop watched = new DefaultEventLoop();
    private final DefaultEventLoop other = new DefaultEventLoop();
    private final SessionRegistry registry = new SessionRegistry();
    private final List<MediaEvent> events = new CopyOnWriteArrayList<>();
    private final MediaTimeoutWatcher watcher =
            new MediaTimeoutWatcher(List.<EventExecutor>of(watched), registry, clock::get, Duration.ofHours(1));

    @AfterEach
    void tearDown() {
        watched.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        other.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void reportsOneTimeoutWhenTheSilenceReachesTheLimit() throws Exception {
        RelaySession session = TestSessions.register(registry, "call-1", watched, clock::get).session();
        session.watchMedia(TIMEOUTS, events::add);

        clock.addAndGet(30 * SECOND - 1);
        watcher.sweepNow();
        assertThat(events).isEmpty();

        clock.addAndGet(1);
        watcher.sweepNow();
        watcher.sweepNow();
        assertThat(events).hasSize(1);
        assertThat(events.get(0).type()).isEqualTo(MediaEvent.Type.MEDIA_TIMEOUT);
        assertThat(events.get(0).callId()).isEqualTo("call-1");
        assertThat(events.get(0).silence()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void checksOnlyTheSessionsOfItsOwnEventLoops() throws Exception {
        RelaySession elsewhere = TestSessions.register(registry, "call-elsewhere", other, clock::get).session();
        elsewhere.watchMedia(TIMEOUTS, events::add);

        clock.addAndGet(3600 * SECOND);
        watcher.sweepNow();

        assertThat(events).isEmpty();
    }
}
