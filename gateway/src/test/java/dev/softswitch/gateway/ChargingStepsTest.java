package dev.softswitch.gateway;

import io.netty.channel.DefaultEventLoop;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Where the running gateway's charging steps run (see {@link ChargingStores#chargingSteps}). */
class ChargingStepsTest {

    private final DefaultEventLoop core = new DefaultEventLoop(new DefaultThreadFactory("test-core"));
    private final ExecutorService pool = Executors.newSingleThreadExecutor(new DefaultThreadFactory("test-charging"));

    @AfterEach
    void stop() throws InterruptedException {
        core.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
        pool.shutdown();
        assertThat(pool.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void embeddedStoreStepsAskedForOnTheCoreRunThereAtOnce() throws Exception {
        var steps = ChargingStores.chargingSteps(false, core, pool);
        String ranOn = core.submit(() -> {
            String[] where = new String[1];
            steps.execute(() -> where[0] = Thread.currentThread().getName()); // before execute returns
            return where[0];
        }).get(5, TimeUnit.SECONDS);
        assertThat(ranOn).startsWith("test-core");
    }

    @Test
    void embeddedStoreStepsAskedForElsewhereGoToTheChargingThreads() throws Exception {
        var steps = ChargingStores.chargingSteps(false, core, pool);
        assertThat(threadOf(steps)).startsWith("test-charging");
    }

    @Test
    void sharedStoreStepsNeverRunOnTheCore() throws Exception {
        var steps = ChargingStores.chargingSteps(true, core, pool);
        String ranOn = core.submit(() -> {
            CompletableFuture<String> where = new CompletableFuture<>();
            steps.execute(() -> where.complete(Thread.currentThread().getName()));
            return where;
        }).get(5, TimeUnit.SECONDS).get(5, TimeUnit.SECONDS);
        assertThat(ranOn).startsWith("test-charging");
    }

    private static String threadOf(Executor steps) throws Exception {
        CompletableFuture<String> where = new CompletableFuture<>();
        steps.execute(() -> where.complete(Thread.currentThread().getName()));
        return where.get(5, TimeUnit.SECONDS);
    }
}
