package dev.softswitch.media.session;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.EventExecutor;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bound RTP/RTCP port pairs kept between calls (issue 14): a session borrows two, and returns them
 * when it closes instead of closing four sockets, which with epoll costs a deregistration per
 * socket. Each event loop has its own shelf, so a pair is always lent on the loop its sockets live
 * on and nothing here locks. A returned pair drops whatever it receives and is lent again only once
 * it has received nothing for the quarantine, so late packets of the old call never reach the next
 * one (the new session's endpoints start unlatched and without SRTP keys as any new one does). A
 * call takes an idle pair at random, and only when there are at least {@code minChoice} to choose
 * from (MED-2: ports hard to guess); otherwise it binds a new random pair from the range, which
 * joins the pool when the call ends, up to {@code maxPairs}. When the range, the relay's
 * {@link SocketBudget} or the file descriptors run out, an idle pair, even one in quarantine, is lent
 * rather than refusing the call; with the budget spent it is lent without trying to bind first.
 * <p>
 * An rtcp-mux client leg (RFC 5761) borrows a <em>single</em>: an RTP socket whose RTCP neighbour port
 * is reserved but not bound. Singles and pairs are kept in separate stocks and quarantined alike, so a
 * pooled socket never changes role: a single is lent only to a muxed leg, a pair to a non-muxed one,
 * except that with no single to be had a muxed leg may take an idle pair (its RTCP socket then stays
 * reclaimed, dropping what it receives, and the pair goes back to the pairs). The cap
 * ({@code maxPairs}) counts pairs and singles alike; the socket counters count each one's sockets.
 */
public final class RelaySocketPool {

    private static final Logger log = LoggerFactory.getLogger(RelaySocketPool.class);

    private final PortPairBinder binder;
    private final SocketPoolSettings settings;
    private final long quarantineNanos;
    private final LongSupplier nanoTime;
    private final BooleanSupplier relayClosed;
    private final Map<EventExecutor, Shelf> shelves = new IdentityHashMap<>();
    /** Pairs and singles bound by the pool: lent, returned or overflowing. */
    private final AtomicInteger bound = new AtomicInteger();
    /** Returned pairs and singles, in quarantine or ready. */
    private final AtomicInteger idle = new AtomicInteger();
    /** Sockets open for the pool's pairs (2 each) and singles (1 each), until they have closed. */
    private final AtomicInteger boundSockets = new AtomicInteger();
    /** Sockets of the returned pairs and singles. */
    private final AtomicInteger idleSockets = new AtomicInteger();
    /** Pairs lent before their quarantine was over, for want of any other. */
    private final LongAdder lentInQuarantine = new LongAdder();

    /** The returned pairs of one event loop, and apart its returned singles; used on that loop only. */
    private static final class Shelf {
        final Stock pairs = new Stock();
        final Stock singles = new Stock();
        final RandomGenerator random = new SecureRandom();

        Stock stock(boolean withRtcp) {
            return withRtcp ? pairs : singles;
        }
    }

    /** Returned pairs, or returned singles, of one event loop. */
    private static final class Stock {
        /** In the order they came back; the head's quarantine ends first (or restarts). */
        final ArrayDeque<PooledPair> quarantined = new ArrayDeque<>();
        /** Quiet long enough; drawn at random, removed by swapping with the last. */
        final List<PooledPair> ready = new ArrayList<>();
    }

    /**
     * @param binder      binds new pairs (from the range, skipping held ports)
     * @param loops       every event loop a session may live on; fixed for the pool's life
     * @param relayClosed whether the relay is closing; a closing relay keeps nothing
     */
    RelaySocketPool(PortPairBinder binder, Iterable<EventExecutor> loops,
                    SocketPoolSettings settings, LongSupplier nanoTime,
                    BooleanSupplier relayClosed) {
        this.binder = Objects.requireNonNull(binder, "binder");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.quarantineNanos = settings.quarantine().toNanos();
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
        this.relayClosed = Objects.requireNonNull(relayClosed, "relayClosed");
        for (EventExecutor loop : loops) {
            shelves.put(loop, new Shelf());
        }
    }

    /**
     * Lends a pair on {@code loop} (an idle one or a newly bound one) and reports it, or why there
     * is none, to {@code done}, once, on the loop. Runs on {@code loop}. The pair delivers nothing
     * until its handlers are {@linkplain PooledPair#lend lent}.
     */
    void acquire(String callId, EventLoop loop, BiConsumer<PooledPair, Throwable> done) {
        acquire(callId, loop, true, done);
    }

    /**
     * Lends a pair ({@code withRtcp}) or a single (an rtcp-mux leg: RTP socket only) as
     * {@link #acquire(String, EventLoop, BiConsumer)} does. A single comes from the singles only, or
     * is newly bound; failing that, a muxed leg takes an idle pair. A pair is never a single.
     */
    void acquire(String callId, EventLoop loop, boolean withRtcp, BiConsumer<PooledPair, Throwable> done) {
        Shelf shelf = shelves.get(loop);
        if (shelf == null || !settings.pooling()) {
            bindNew(callId, loop, withRtcp, done);
            return;
        }
        Stock stock = shelf.stock(withRtcp);
        promote(stock, nanoTime.getAsLong());
        int ready = stock.ready.size();
        boolean budgetSpent = !binder.budget().hasRoomFor(withRtcp ? 2 : 1);
        if (ready > 0 && (ready >= settings.minChoice() || bound.get() >= settings.maxPairs() || budgetSpent)) {
            done.accept(take(shelf, stock), null);
            return;
        }
        if (budgetSpent) {
            // Binding would fail at once: lend the pair longest in quarantine without trying.
            PooledPair fallback = fallback(shelf, withRtcp);
            if (fallback != null) {
                done.accept(fallback, null);
                return;
            }
            if (withRtcp && replaceSingles(shelf, 2 - room(), callId, loop, done)) {
                return;
            }
        }
        bindNew(callId, loop, withRtcp, (pair, failure) -> {
            if (failure instanceof PortsExhaustedException) {
                PooledPair fallback = fallback(shelf, withRtcp);
                if (fallback != null) {
                    SessionAllocator.withCallId(callId, () -> log.debug(
                            "no new port pair can be bound ({}); lending idle pair {}", failure.getMessage(),
                            fallback.port()));
                    done.accept(fallback, null);
                    return;
                }
                if (withRtcp && replaceSingles(shelf, Math.max(1, 2 - room()), callId, loop, done)) {
                    return;
                }
            }
            done.accept(pair, failure);
        });
    }

    /** Sockets the budget still has room for. */
    private int room() {
        return (int) Math.min(Integer.MAX_VALUE, (long) binder.budget().limit() - binder.budget().open());
    }

    /**
     * A pair is wanted, none is idle and none can be bound, while idle singles hold the sockets or port
     * numbers it needs (rtcp-mux calls came and went): closes {@code count} of them, then binds the pair in
     * their place. False, closing nothing, if fewer are idle than that.
     */
    private boolean replaceSingles(Shelf shelf, int count, String callId, EventLoop loop,
                                   BiConsumer<PooledPair, Throwable> done) {
        Stock singles = shelf.singles;
        if (count < 1 || singles.ready.size() + singles.quarantined.size() < count) {
            return false;
        }
        List<PooledPair> closing = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            PooledPair single = singles.ready.isEmpty() ? singles.quarantined.pollFirst()
                    : singles.ready.remove(singles.ready.size() - 1);
            idle.decrementAndGet();
            idleSockets.addAndGet(-single.sockets());
            single.take();
            closing.add(single);
        }
        SessionAllocator.withCallId(callId, () -> log.debug("closing {} idle single(s) to bind a pair", count));
        discard(closing, () -> bindNew(callId, loop, true, done));
        return true;
    }

    /**
     * Takes back the pairs of a closing session: runs on their event loop, where it first stops
     * them delivering to the session, all at once, then keeps each (or closes it and returns its
     * ports when the pool is full, off or closing, or the pair broke), then runs {@code then}.
     * Returning a pair that is not lent does nothing to it. If the event loop has shut down (its
     * sockets closed with it), called from any thread, it releases the ports at once.
     */
    void release(List<PooledPair> pairs, Runnable then) {
        long now = nanoTime.getAsLong();
        List<PooledPair> returning = new ArrayList<>(pairs.size());
        for (PooledPair pair : pairs) {
            if (pair.state() == PooledPair.State.LENT) {
                pair.reclaim(now);
                returning.add(pair);
            }
        }
        List<PooledPair> closing = new ArrayList<>();
        for (PooledPair pair : returning) {
            Shelf shelf = shelves.get(pair.loop());
            boolean keep = settings.pooling() && shelf != null && pair.loop().inEventLoop()
                    && !relayClosed.getAsBoolean() && bound.get() - closing.size() <= settings.maxPairs()
                    && pair.isOpen();
            if (keep) {
                shelf.stock(pair.hasRtcp()).quarantined.addLast(pair);
                idle.incrementAndGet();
                idleSockets.addAndGet(pair.sockets());
            } else {
                closing.add(pair);
            }
        }
        close(closing, then);
    }

    /** Closes pairs a failed allocation held and returns their ports, then runs {@code then}; on their loop. */
    void discard(List<PooledPair> pairs, Runnable then) {
        for (PooledPair pair : pairs) {
            pair.reclaim(nanoTime.getAsLong());
        }
        close(pairs, then);
    }

    /**
     * Binds {@code pairs} pairs now, spread over the event loops, and keeps them ready: a relay
     * that should not bind while calls arrive. Completes once all are bound, or with the first failure.
     */
    public CompletableFuture<Void> prebind(int pairs) {
        List<CompletableFuture<Void>> binding = new ArrayList<>();
        Iterator<EventExecutor> loops = shelves.keySet().iterator();
        for (int i = 0; i < pairs; i++) {
            if (!loops.hasNext()) {
                loops = shelves.keySet().iterator();
            }
            EventLoop loop = (EventLoop) loops.next();
            CompletableFuture<Void> one = new CompletableFuture<>();
            binding.add(one);
            loop.execute(() -> bindNew("prebind", loop, true, (pair, failure) -> {
                if (failure != null) {
                    one.completeExceptionally(failure);
                    return;
                }
                pair.reclaim(nanoTime.getAsLong() - quarantineNanos);
                shelves.get(loop).pairs.ready.add(pair);
                idle.incrementAndGet();
                idleSockets.addAndGet(pair.sockets());
                one.complete(null);
            }));
        }
        return CompletableFuture.allOf(binding.toArray(CompletableFuture[]::new));
    }

    /**
     * Closes every idle pair and returns its ports; pairs still lent are closed when their session
     * returns them to a closing relay. Completes once the sockets are closed.
     */
    public CompletableFuture<Void> close() {
        List<CompletableFuture<Void>> closing = new ArrayList<>();
        for (Map.Entry<EventExecutor, Shelf> entry : shelves.entrySet()) {
            CompletableFuture<Void> done = new CompletableFuture<>();
            closing.add(done);
            Shelf shelf = entry.getValue();
            try {
                entry.getKey().execute(() -> {
                    List<PooledPair> idlePairs = new ArrayList<>();
                    for (Stock stock : List.of(shelf.pairs, shelf.singles)) {
                        idlePairs.addAll(stock.quarantined);
                        idlePairs.addAll(stock.ready);
                        stock.quarantined.clear();
                        stock.ready.clear();
                    }
                    idle.addAndGet(-idlePairs.size());
                    for (PooledPair pair : idlePairs) {
                        idleSockets.addAndGet(-pair.sockets());
                    }
                    close(idlePairs, () -> done.complete(null));
                });
            } catch (RejectedExecutionException e) {
                done.complete(null);
            }
        }
        return CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new));
    }

    /** Pairs and singles back in the pool and not lent: in quarantine or ready. */
    public int idlePairs() {
        return idle.get();
    }

    /** Sockets of the pairs (2 each) and singles (1 each) back in the pool and not lent. */
    public int idleSockets() {
        return idleSockets.get();
    }

    /** Sockets the pool holds open, lent or idle: 2 a pair, 1 a single, until closed. */
    public int boundSockets() {
        return boundSockets.get();
    }

    /**
     * Pairs lent before their quarantine was over because no new pair could be bound (the range or
     * the file descriptors ran out, or the ports were busy): a sign that the range is too small.
     */
    public long lentInQuarantine() {
        return lentInQuarantine.sum();
    }

    /** The sockets the pool's pairs count against. */
    public SocketBudget socketBudget() {
        return binder.budget();
    }

    /** Pairs and singles the pool has bound: lent or idle. */
    public int boundPairs() {
        return bound.get();
    }

    private void bindNew(String callId, EventLoop loop, boolean withRtcp, BiConsumer<PooledPair, Throwable> done) {
        binder.bind(callId, loop, withRtcp,
                (pair, failure) -> {
                    if (failure != null) {
                        done.accept(null, failure);
                        return;
                    }
                    bound.incrementAndGet();
                    boundSockets.addAndGet(pair.sockets());
                    done.accept(new PooledPair(pair, loop), null);
                });
    }

    /**
     * What is lent when nothing can be bound: for a pair request an idle pair; for a single an idle
     * single, else an idle pair, ready ones before those in quarantine. {@code null} if none is idle.
     */
    private PooledPair fallback(Shelf shelf, boolean withRtcp) {
        if (withRtcp) {
            return takeAny(shelf, shelf.pairs);
        }
        promote(shelf.pairs, nanoTime.getAsLong());
        if (shelf.singles.ready.isEmpty() && !shelf.pairs.ready.isEmpty()) {
            return take(shelf, shelf.pairs);
        }
        PooledPair single = takeAny(shelf, shelf.singles);
        return single != null ? single : takeAny(shelf, shelf.pairs);
    }

    /** Moves the pairs whose quarantine is over, and that stayed quiet, from quarantine to ready. */
    private void promote(Stock stock, long now) {
        for (int n = stock.quarantined.size(); n > 0; n--) {
            PooledPair head = stock.quarantined.peekFirst();
            if (now - head.quietFromNanos() < quarantineNanos) {
                return;
            }
            stock.quarantined.pollFirst();
            if (head.quietFor(now, quarantineNanos)) {
                stock.ready.add(head);
            } else {
                stock.quarantined.addLast(head);
            }
        }
    }

    /** A ready pair of {@code stock} drawn at random. */
    private PooledPair take(Shelf shelf, Stock stock) {
        List<PooledPair> ready = stock.ready;
        int drawn = shelf.random.nextInt(ready.size());
        PooledPair pair = ready.get(drawn);
        ready.set(drawn, ready.get(ready.size() - 1));
        ready.remove(ready.size() - 1);
        idle.decrementAndGet();
        idleSockets.addAndGet(-pair.sockets());
        pair.take();
        return pair;
    }

    /** A ready pair of {@code stock}, or else the one longest in quarantine; {@code null} if none is idle. */
    private PooledPair takeAny(Shelf shelf, Stock stock) {
        if (!stock.ready.isEmpty()) {
            return take(shelf, stock);
        }
        PooledPair oldest = stock.quarantined.pollFirst();
        if (oldest != null) {
            idle.decrementAndGet();
            idleSockets.addAndGet(-oldest.sockets());
            lentInQuarantine.increment();
            oldest.take();
        }
        return oldest;
    }

    /** Closes the pairs' sockets, returns their ports once closed, then runs {@code then}. */
    private void close(List<PooledPair> pairs, Runnable then) {
        if (pairs.isEmpty()) {
            then.run();
            return;
        }
        AtomicInteger pending = new AtomicInteger(pairs.size());
        for (PooledPair pair : pairs) {
            pair.markClosed();
            bound.decrementAndGet();
            int sockets = pair.sockets();
            Runnable released = () -> {
                boundSockets.addAndGet(-sockets);
                if (pending.decrementAndGet() == 0) {
                    then.run();
                }
            };
            // A loop that has shut down closed every socket it served; no listener would run.
            binder.unbind(pair.bound(), !pair.loop().inEventLoop() && pair.loop().isShuttingDown(), released);
        }
    }
}
