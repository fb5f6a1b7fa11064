package dev.softswitch.gateway;

import dev.softswitch.charging.account.JournalledAccountStore;
import dev.softswitch.charging.account.NodeSettlement;
import dev.softswitch.charging.cdr.CallDetails;
import dev.softswitch.charging.cdr.CallRecord;
import dev.softswitch.charging.cdr.ChargedCall;
import dev.softswitch.charging.journal.JournalSettings;
import dev.softswitch.charging.journal.JournalUnavailableException;
import dev.softswitch.charging.journal.NoJournal;
import dev.softswitch.charging.money.Money;
import dev.softswitch.charging.session.ChargingEngine;
import dev.softswitch.gateway.auth.Throttle;
import dev.softswitch.gateway.config.ChargingConfig;
import dev.softswitch.gateway.config.StoreConfig;
import dev.softswitch.gateway.store.RedisSharedJournal;
import dev.softswitch.gateway.store.SharedBans;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Opens the prepaid accounts' store the configuration names (SCL-1): this node's own journal (CHG-7), memory only,
 * or the store shared through Redis with other nodes; and, for a shared one, keeps this node's heartbeat and settles
 * the calls of nodes whose heartbeat lapsed.
 */
final class ChargingStores {

    private static final Logger log = LoggerFactory.getLogger(ChargingStores.class);

    private ChargingStores() {
    }

    /** The store, what closes it (null when nothing must be closed), and the Redis it shares (null if it does not). */
    record Opened(JournalledAccountStore store, AutoCloseable closer, RedisSharedJournal shared) {
    }

    /** The node watch of a shared store: its thread, which waits on Redis, and what else runs every beat. */
    static final class NodeWatch implements AutoCloseable {
        private final ScheduledExecutorService timer;
        private final java.util.List<Runnable> everyBeat = new java.util.concurrent.CopyOnWriteArrayList<>();

        private NodeWatch(ScheduledExecutorService timer) {
            this.timer = timer;
        }

        /** Where work that waits on the shared store runs (never the SIP core). */
        java.util.concurrent.Executor executor() {
            return timer;
        }

        /** Runs {@code task} after every heartbeat. */
        void everyBeat(Runnable task) {
            everyBeat.add(task);
        }

        @Override
        public void close() throws InterruptedException {
            timer.shutdownNow();
            timer.awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    static Opened open(ChargingConfig charging, Clock clock, MeterRegistry registry) throws IOException {
        StoreConfig config = charging.store();
        if (config.shared()) {
            RedisSharedJournal journal = RedisSharedJournal.connect(new RedisSharedJournal.Settings(config.uris(),
                    config.cluster(), config.node(), config.prefix(), config.timeout(),
                    RedisSharedJournal.Durability.valueOf(config.durability().toUpperCase(java.util.Locale.ROOT)),
                    config.replicas(), config.lapse()), registry);
            return new Opened(JournalledAccountStore.shared(journal, clock), journal, journal);
        }
        if (charging.journal() == null) {
            return new Opened(new JournalledAccountStore(new NoJournal(), clock), null, null);
        }
        JournalledAccountStore store = JournalledAccountStore.open(Path.of(charging.journal()), clock,
                ChargingEngine.DEFAULT_RESERVATION_TTL,
                JournalSettings.defaults().withCommitInterval(charging.journalCommitInterval()));
        return new Opened(store, store, null);
    }

    /**
     * With a shared store: renews this node's heartbeat every {@code heartbeat} and settles the calls of lapsed
     * nodes, handing their records to {@code records}; runs {@code housekeeping} every {@code sweep} (off the SIP
     * core: a shared store's sweep waits on the network). Returns what stops it (null for a store of one node).
     */
    static NodeWatch watchNodes(JournalledAccountStore store, StoreConfig config, Consumer<CallRecord> records,
                                    java.time.Duration sweep, java.util.function.IntSupplier housekeeping) {
        NodeSettlement nodes = NodeSettlement.of(store);
        if (nodes == null) {
            return null;
        }
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
                new DefaultThreadFactory("charging-store"));
        NodeWatch watch = new NodeWatch(timer);
        long period = config.heartbeat().toMillis();
        long beatsPerSweep = Math.max(1, sweep.toMillis() / period);
        long[] beats = {0};
        timer.scheduleWithFixedDelay(() -> {
            try {
                nodes.heartbeat();
                for (ChargedCall c : nodes.settleLapsedNodes()) {
                    records.accept(recordOf(c, "node_lost"));
                }
                for (Runnable task : watch.everyBeat) {
                    task.run();
                }
                if (++beats[0] % beatsPerSweep == 0) {
                    int expired = housekeeping.getAsInt();
                    if (expired > 0) {
                        log.warn("{} stale reservations expired and returned", expired);
                    }
                }
            } catch (JournalUnavailableException e) {
                log.warn("charging store: heartbeat failed: {}", e.getMessage());
            } catch (RuntimeException e) {
                log.error("charging store: settling a lapsed node's calls failed", e);
            }
        }, period, period, TimeUnit.MILLISECONDS);
        return watch;
    }

    /** With a shared store ({@code watch} not null): the throttle's bans are shared with the other nodes. */
    static void shareBans(NodeWatch watch, RedisSharedJournal redis, Throttle throttle,
                          Executor core) {
        if (watch == null) {
            return;
        }
        SharedBans bans = new SharedBans(redis,
                watch.executor(), b -> core.execute(() -> throttle.adopt(b.kind(), b.key(), b.until())));
        throttle.onBan(bans::banned);
        watch.everyBeat(bans::poll);
    }

    /** The call record of a call settled without its node: {@code cause} says why (restart, node lost). */
    static CallRecord recordOf(ChargedCall c, String cause) {
        return new CallRecord(c.callId(), c.accountId(), "+" + c.destination(), null, c.answeredAt(),
                c.answeredAt(), c.endedAt(), c.durationMillis(), c.billedSeconds(),
                Money.ofMicros(c.amountMicros(), c.currency()), 200, cause, "gateway",
                new CallDetails(null, null, null, null, c, null));
    }

    /** Records of {@code calls}, for the log line and the writer. */
    static List<CallRecord> recordsOf(List<ChargedCall> calls, String cause) {
        return calls.stream().map(c -> recordOf(c, cause)).toList();
    }

    /**
     * Where charging steps run: with the embedded store on the SIP core thread when they are asked for there (a step
     * works in memory and owes the journal's fsync rather than waiting for it, so a hand-off to another thread and
     * back would cost more than the step), else on the charging threads; with a shared store, whose steps wait on
     * the network, always on the charging threads.
     */
    static Executor chargingSteps(boolean sharedStore, EventExecutor core, Executor chargingExecutor) {
        if (sharedStore) {
            return chargingExecutor;
        }
        return task -> {
            if (core.inEventLoop()) {
                task.run();
            } else {
                chargingExecutor.execute(task);
            }
        };
    }
}
