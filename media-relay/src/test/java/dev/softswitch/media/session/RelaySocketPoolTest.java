package dev.softswitch.media.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.softswitch.media.pipeline.RelayTotals;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link RelaySocketPool} on its own, on one NIO event loop and real sockets on 127.0.0.1, with a
 * clock moved by hand: returning a pair twice is harmless, and under a seeded random mix of lending,
 * returning (sometimes twice) and time passing, no port is lent twice at once, no port leaks, the
 * pool keeps no more than its cap idle, and a pair goes to a new holder before its quarantine is
 * over only when no other could be bound, and is counted then. (On NIO a closed socket's port is
 * freed at the loop's next select, so a range this small runs out now and then.)
 */
class RelaySocketPoolTest {

    private static final long MS = 1_000_000L;
    private static final long WAIT_SECONDS = 5;
    private static final int PAIRS = 16;
    private static final Duration QUARANTINE = Duration.ofMillis(200);

    private final AtomicLong clock = new AtomicLong(1_000_000 * MS);
    private final AtomicBoolean closed = new AtomicBoolean();
    private EventLoopGroup group;
    private EventLoop loop;
    private PortAllocator ports;
    private SocketBudget budget = SocketBudget.unlimited();

    @BeforeEach
    void startLoop() {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        loop = group.next();
        int base = 20000 + 2 * ThreadLocalRandom.current().nextInt(15000);
        ports = new PortAllocator(base, base + 2 * PAIRS - 1);
    }

    @AfterEach
    void stopLoop() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    @Test
    void returningAPairTwiceKeepsItOnceAndReleasesItsPortsNever() throws Exception {
        RelaySocketPool pool = pool(4, 1);
        PooledPair pair = acquire(pool);

        release(pool, List.of(pair));
        release(pool, List.of(pair));

        assertThat(pool.idlePairs()).isEqualTo(1);
        assertThat(pool.boundPairs()).isEqualTo(1);
        assertThat(ports.pairsInUse()).isEqualTo(1);
        assertThat(pair.isOpen()).isTrue();
        pool.close().get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertThat(ports.pairsInUse()).isZero();
        assertThat(pair.isOpen()).isFalse();
    }

    @Test
    void aRandomMixOfLendingReturningAndWaitingKeepsThePoolsPromises() throws Exception {
        long seed = Long.getLong("pool.seed", System.nanoTime());
        SplittableRandom random = new SplittableRandom(seed);
        int maxPairs = 6;
        RelaySocketPool pool = pool(maxPairs, 2);
        List<PooledPair> lent = new ArrayList<>();
        Map<PooledPair, Long> returnedAt = new HashMap<>();
        for (int step = 0; step < 400; step++) {
            String at = "seed " + seed + ", step " + step;
            int op = random.nextInt(10);
            if (op < 4 && lent.size() < PAIRS) {
                long earlyBefore = pool.lentInQuarantine();
                boolean withRtcp = random.nextBoolean();
                PooledPair pair = acquire(pool, withRtcp);
                if (pair != null) {
                    if (withRtcp) {
                        assertThat(pair.hasRtcp()).as(at + ": a pair request never gets a single").isTrue();
                    }
                    Long back = returnedAt.remove(pair);
                    if (back != null && pool.lentInQuarantine() == earlyBefore) {
                        assertThat(clock.get() - back).as(at + ": lent again before its quarantine, uncounted")
                                .isGreaterThanOrEqualTo(QUARANTINE.toNanos());
                    }
                    assertThat(lent).as(at + ": lent twice at once").doesNotContain(pair);
                    lent.add(pair);
                }
            } else if (op < 8 && !lent.isEmpty()) {
                PooledPair pair = lent.remove(random.nextInt(lent.size()));
                release(pool, List.of(pair));
                returnedAt.put(pair, clock.get());
                if (random.nextInt(4) == 0) {
                    release(pool, List.of(pair));
                }
            } else {
                clock.addAndGet(random.nextLong(QUARANTINE.toNanos()));
            }
            Set<Integer> lentPorts = new HashSet<>();
            int lentSockets = 0;
            for (PooledPair pair : lent) {
                assertThat(lentPorts.add(pair.port())).as(at + ": port %d lent twice", pair.port()).isTrue();
                assertThat(pair.isOpen()).as(at + ": a lent pair is bound").isTrue();
                lentSockets += pair.sockets();
            }
            assertThat(budget.open()).as(at + ": two sockets a bound pair, one a single")
                    .isEqualTo(pool.boundSockets());
            assertThat(pool.boundSockets()).as(at + ": every socket is lent or idle")
                    .isEqualTo(lentSockets + pool.idleSockets());
            assertThat(ports.pairsInUse()).as(at + ": every reserved pair is lent or idle")
                    .isEqualTo(lent.size() + pool.idlePairs());
            assertThat(pool.boundPairs()).as(at).isEqualTo(lent.size() + pool.idlePairs());
            assertThat(pool.idlePairs()).as(at + ": idle pairs within the cap").isLessThanOrEqualTo(maxPairs);
        }
        release(pool, lent);
        pool.close().get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertThat(ports.pairsInUse()).as("seed " + seed + ": every port back after close").isZero();
        assertThat(budget.open()).as("seed " + seed + ": every socket back after close").isZero();
        assertThat(pool.boundSockets()).isZero();
        assertThat(pool.idleSockets()).isZero();
    }

    @Test
    void singlesAndPairsNeverCrossAndASingleIsQuarantinedLikeAPair() throws Exception {
        RelaySocketPool pool = pool(8, 1);
        PooledPair single = acquire(pool, false);
        PooledPair pair = acquire(pool, true);
        assertThat(single.hasRtcp()).isFalse();
        assertThat(single.sockets()).isEqualTo(1);
        assertThat(pair.hasRtcp()).isTrue();
        assertThat(budget.open()).isEqualTo(3);
        assertThat(pool.boundSockets()).isEqualTo(3);
        assertThat(ports.pairsInUse()).as("a single reserves its RTCP port too").isEqualTo(2);

        release(pool, List.of(single, pair));
        assertThat(pool.idleSockets()).isEqualTo(3);
        assertThat(pool.idlePairs()).isEqualTo(2);
        PooledPair early = acquire(pool, false);
        assertThat(early).as("in quarantine: a new single is bound").isNotSameAs(single).isNotSameAs(pair);
        release(pool, List.of(early));

        clock.addAndGet(QUARANTINE.toNanos());
        PooledPair pairAgain = acquire(pool, true);
        assertThat(pairAgain).as("a pair request gets the pair, never a single").isSameAs(pair);
        PooledPair singleAgain = acquire(pool, false);
        assertThat(singleAgain).as("a single request gets a single").isIn(single, early);
        PooledPair newPair = acquire(pool, true);
        assertThat(newPair).as("no idle pair left: a new one, not the idle single").isNotIn(single, early);
        assertThat(newPair.hasRtcp()).isTrue();
        assertThat(pool.lentInQuarantine()).isZero();
        assertThat(budget.open()).isEqualTo(pool.boundSockets()).isEqualTo(1 + 1 + 2 + 2);

        release(pool, List.of(pairAgain, singleAgain, newPair));
        pool.close().get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertThat(budget.open()).isZero();
        assertThat(ports.pairsInUse()).isZero();
        assertThat(pool.boundSockets()).isZero();
        assertThat(pool.idleSockets()).isZero();
    }

    @Test
    void withTheBudgetSpentAMuxedLegTakesAnIdlePairButAPairRequestNeverTakesASingle() throws Exception {
        budget = SocketBudget.of(3);
        RelaySocketPool pool = pool(16, 8);
        PooledPair pair = acquire(pool, true);
        PooledPair single = acquire(pool, false);
        assertThat(budget.open()).isEqualTo(3);

        release(pool, List.of(single));
        assertThat(acquireFailure(pool, true)).as("only a single is idle and the budget is spent")
                .isInstanceOf(PortsExhaustedException.class);
        assertThat(pool.idlePairs()).as("the single stays idle").isEqualTo(1);

        release(pool, List.of(pair));
        PooledPair first = acquire(pool, false);
        assertThat(first).as("the single first").isSameAs(single);
        PooledPair fallback = acquire(pool, false);
        assertThat(fallback).as("then the idle pair, for a muxed leg").isSameAs(pair);
        assertThat(pool.lentInQuarantine()).isEqualTo(2);
        assertThat(budget.open()).isEqualTo(3);

        release(pool, List.of(fallback));
        clock.addAndGet(QUARANTINE.toNanos());
        assertThat(acquire(pool, true)).as("the pair went back to the pairs").isSameAs(pair);
        release(pool, List.of(first, pair));
        pool.close().get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertThat(budget.open()).isZero();
        assertThat(ports.pairsInUse()).isZero();
    }

    @Test
    void aPairRequestClosesIdleSinglesWhenTheyHoldTheSocketsItNeeds() throws Exception {
        budget = SocketBudget.of(4);
        RelaySocketPool pool = pool(16, 8);
        PooledPair pair = acquire(pool, true);
        PooledPair one = acquire(pool, false);
        PooledPair two = acquire(pool, false);
        assertThat(budget.open()).isEqualTo(4);
        release(pool, List.of(one, two)); // the muxed calls are over: two idle singles hold the last two sockets

        PooledPair second = acquire(pool, true);
        assertThat(second).as("a pair bound in the singles' place").isNotNull();
        assertThat(second.hasRtcp()).isTrue();
        assertThat(one.isOpen() || two.isOpen()).as("both singles closed").isFalse();
        assertThat(pool.idleSockets()).isZero();
        assertThat(budget.open()).isEqualTo(4);

        release(pool, List.of(pair, second));
        pool.close().get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertThat(budget.open()).isZero();
        assertThat(ports.pairsInUse()).isZero();
    }

    @Test
    void aSpentSocketBudgetLendsTheIdlePairLongestInQuarantineWithoutBindingOrRefusesAtOnce() throws Exception {
        budget = SocketBudget.of(4);
        RelaySocketPool pool = pool(16, 8);
        PooledPair first = acquire(pool);
        PooledPair second = acquire(pool);
        assertThat(first).isNotNull();
        assertThat(second).isNotNull();
        assertThat(budget.open()).isEqualTo(4);

        assertThat(acquireFailure(pool)).as("no third pair: the budget is spent and nothing is idle")
                .isInstanceOf(PortsExhaustedException.class).hasMessageContaining("socket budget");
        assertThat(ports.pairsInUse()).as("the refused call reserved no port").isEqualTo(2);

        release(pool, List.of(second));
        clock.addAndGet(MS);
        release(pool, List.of(first));
        PooledPair early = acquire(pool);
        assertThat(early).as("the pair longest in quarantine, lent early").isSameAs(second);
        assertThat(pool.lentInQuarantine()).isEqualTo(1);
        assertThat(pool.boundPairs()).isEqualTo(2);
        assertThat(budget.open()).isEqualTo(4);

        release(pool, List.of(early));
        pool.close().get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertThat(budget.open()).as("every socket given back once closed").isZero();
        assertThat(ports.pairsInUse()).isZero();
    }

    @Test
    void aBudgetSharedByTwoPoolsCountsBoth() throws Exception {
        budget = SocketBudget.of(6);
        RelaySocketPool one = pool(16, 8);
        RelaySocketPool other = pool(16, 8);
        assertThat(acquire(one)).isNotNull();
        assertThat(acquire(other)).isNotNull();
        assertThat(acquire(one)).isNotNull();
        assertThat(acquireFailure(other)).isInstanceOf(PortsExhaustedException.class);
        one.close().get(WAIT_SECONDS, TimeUnit.SECONDS);
        other.close().get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertThat(budget.open()).as("lent pairs stay open until returned").isEqualTo(6);
    }

    /** Why no pair could be had ({@code null} if one was: it is then returned). */
    private Throwable acquireFailure(RelaySocketPool pool) throws Exception {
        return acquireFailure(pool, true);
    }

    private Throwable acquireFailure(RelaySocketPool pool, boolean withRtcp) throws Exception {
        CompletableFuture<Throwable> result = new CompletableFuture<>();
        loop.execute(() -> pool.acquire("call", loop, withRtcp, (pair, failure) -> result.complete(failure)));
        return result.get(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    private RelaySocketPool pool(int maxPairs, int minChoice) {
        return pool(maxPairs, minChoice, budget);
    }

    private RelaySocketPool pool(int maxPairs, int minChoice, SocketBudget sockets) {
        Bootstrap bootstrap = new Bootstrap().group(group).channel(NioDatagramChannel.class);
        PortPairBinder binder = new PortPairBinder(bootstrap, InetAddress.getLoopbackAddress(), ports, sockets,
                new RelayTotals(), clock::get, false, closed::get);
        SocketPoolSettings settings = SocketPoolSettings.DEFAULT.withMaxPairs(maxPairs).withMinChoice(minChoice)
                .withQuarantine(QUARANTINE);
        return new RelaySocketPool(binder, group, settings, clock::get, closed::get);
    }

    /** A pair from the pool, or {@code null} if none could be had. */
    private PooledPair acquire(RelaySocketPool pool) throws Exception {
        return acquire(pool, true);
    }

    /** A pair ({@code withRtcp}) or a single from the pool, or {@code null} if none could be had. */
    private PooledPair acquire(RelaySocketPool pool, boolean withRtcp) throws Exception {
        CompletableFuture<PooledPair> result = new CompletableFuture<>();
        loop.execute(() -> pool.acquire("call", loop, withRtcp, (pair, failure) -> result.complete(pair)));
        return result.get(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    /** Returns {@code pairs} on the loop and waits until the pool is done with them (closed ones too). */
    private void release(RelaySocketPool pool, List<PooledPair> pairs) throws Exception {
        CompletableFuture<Void> done = new CompletableFuture<>();
        List<PooledPair> copy = List.copyOf(pairs);
        loop.execute(() -> pool.release(copy, () -> done.complete(null)));
        done.get(WAIT_SECONDS, TimeUnit.SECONDS);
    }
}
