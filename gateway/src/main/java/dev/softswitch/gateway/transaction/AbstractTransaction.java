package dev.softswitch.gateway.transaction;

import dev.softswitch.gateway.time.Timeout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the four state machines share: the current state, a table of the transitions each machine
 * allows, and the timers it started, all cancelled on entering TERMINATED. Confined to the SIP
 * core thread, like the whole {@link TransactionLayer}.
 */
abstract class AbstractTransaction {

    protected final TransactionLayer layer;
    private final Map<TransactionState, Set<TransactionState>> transitions;
    /** Timers started and maybe still pending; created with the first, dropped once the transaction lingers. */
    private List<Timeout> timeouts;
    private TransactionState state;
    /** When {@link Lingering} ends the transaction, in nanoseconds of the timer service's clock. */
    long lingerUntilNanos;

    AbstractTransaction(TransactionLayer layer, Map<TransactionState, Set<TransactionState>> transitions,
            TransactionState initial) {
        this.layer = layer;
        this.transitions = transitions;
        this.state = initial;
    }

    public final TransactionState state() {
        return state;
    }

    /** Moves to {@code next}; a transition the machine's figure does not have is a bug in this package. */
    final void moveTo(TransactionState next) {
        if (!transitions.getOrDefault(state, Set.of()).contains(next)) {
            throw new IllegalStateException(getClass().getSimpleName() + ": no transition " + state + " -> " + next);
        }
        state = next;
        if (next == TransactionState.TERMINATED) {
            cancelTimers();
            onTerminated();
        }
    }

    /** Moves to TERMINATED unless already there. */
    final void terminate() {
        if (state != TransactionState.TERMINATED) {
            moveTo(TransactionState.TERMINATED);
        }
    }

    /**
     * Runs {@code task} after {@code delay} unless the transaction has terminated by then; a zero
     * delay (the reliable-transport value of Timers D, I, J and K) runs it at once.
     */
    final Timeout startTimer(Duration delay, Runnable task) {
        if (delay.isZero()) {
            task.run();
            return DONE;
        }
        if (timeouts == null) {
            timeouts = new ArrayList<>(2);
        } else {
            timeouts.removeIf(Timeout::isDone);
        }
        Timeout t = layer.timers().schedule(delay, () -> {
            if (state != TransactionState.TERMINATED) {
                task.run();
            }
        });
        timeouts.add(t);
        return t;
    }

    /**
     * The machine's last wait (Timer D, I, J, K, L or M): the transaction only absorbs retransmissions until
     * {@code wait} (capped by {@link TimerSettings#lastWait()}) ends it (at once if zero). Timers still pending are
     * cancelled, and the wait is kept by {@link Lingering} instead of a timer of its own.
     */
    final void linger(Duration wait) {
        cancelTimers();
        layer.lingering().add(this, layer.settings().absorbing(wait));
    }

    private void cancelTimers() {
        if (timeouts != null) {
            timeouts.forEach(Timeout::cancel);
            timeouts = null;
        }
    }

    static void cancel(Timeout timeout) {
        if (timeout != null) {
            timeout.cancel();
        }
    }

    /** Removes the transaction from the layer's tables. */
    abstract void onTerminated();

    static Map<TransactionState, Set<TransactionState>> table(Object... fromTo) {
        Map<TransactionState, Set<TransactionState>> m = new java.util.EnumMap<>(TransactionState.class);
        for (int i = 0; i < fromTo.length; i += 2) {
            TransactionState from = (TransactionState) fromTo[i];
            @SuppressWarnings("unchecked")
            Set<TransactionState> to = EnumSet.copyOf((Set<TransactionState>) fromTo[i + 1]);
            m.put(from, to);
        }
        return m;
    }

    private static final Timeout DONE = new Timeout() {
        @Override
        public boolean cancel() {
            return false;
        }

        @Override
        public boolean isDone() {
            return true;
        }
    };
}
