package dev.softswitch.gateway.time;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WheelTimerServiceTest {

    private final ExecutorService core = Executors.newSingleThreadExecutor(r -> new Thread(r, "test-core"));
    private final WheelTimerService timers = new WheelTimerService(core, Clock.systemUTC(), Duration.ofMillis(5));

    @AfterEach
    void stop() {
        timers.close();
        core.shutdownNow();
    }

    @Test
    void dueTasksRunOnTheExecutorInDueOrder() throws Exception {
        List<String> ran = new CopyOnWriteArrayList<>();
        CountDownLatch done = new CountDownLatch(3);
        Timeout last = timers.schedule(Duration.ofMillis(60), () -> record(ran, "60ms", done));
        timers.schedule(Duration.ofMillis(20), () -> record(ran, "20ms", done));
        timers.schedule(Duration.ZERO, () -> record(ran, "now", done));
        assertThat(last.isDone()).isFalse();

        assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(ran).containsExactly("now@test-core", "20ms@test-core", "60ms@test-core");
        assertThat(last.isDone()).isTrue();
        assertThat(last.cancel()).isFalse();
    }

    @Test
    void aCancelledTaskNeverRuns() throws Exception {
        List<String> ran = new CopyOnWriteArrayList<>();
        CountDownLatch later = new CountDownLatch(1);
        Timeout cancelled = timers.schedule(Duration.ofMillis(20), () -> ran.add("cancelled"));
        Timeout immediate = timers.schedule(Duration.ZERO, () -> ran.add("never"));
        assertThat(cancelled.cancel()).isTrue();
        immediate.cancel();
        timers.schedule(Duration.ofMillis(80), later::countDown);

        assertThat(later.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(ran).doesNotContain("cancelled");
        assertThat(cancelled.isDone()).isTrue();
        assertThat(cancelled.cancel()).isFalse();
    }

    private static void record(List<String> ran, String what, CountDownLatch done) {
        ran.add(what + "@" + Thread.currentThread().getName());
        done.countDown();
    }
}
