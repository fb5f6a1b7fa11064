package dev.softswitch.media.session;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many sockets the relay may hold open at once, shared by every relay of the process (one per
 * media address): the process's open-file limit less what the rest of it needs (SIP connections, the
 * journal, Redis). Without it a relay under load takes the last file descriptor, starves the rest of
 * the process and pays a failing {@code socket()} for every later call; with it a pair that would
 * overdraw the budget is not bound at all, and the call gets an idle pair or a prompt refusal.
 * Thread-safe.
 */
public final class SocketBudget {

    private final int limit;
    private final AtomicInteger open = new AtomicInteger();

    private SocketBudget(int limit) {
        this.limit = limit;
    }

    /** At most {@code sockets} open at once. */
    public static SocketBudget of(int sockets) {
        if (sockets < 0) {
            throw new IllegalArgumentException("socket budget " + sockets + " must not be negative");
        }
        return new SocketBudget(sockets);
    }

    /** No limit but the operating system's. */
    public static SocketBudget unlimited() {
        return new SocketBudget(Integer.MAX_VALUE);
    }

    /** Takes {@code sockets} from the budget if it has them; {@code false}, taking nothing, if not. */
    boolean tryTake(int sockets) {
        while (true) {
            int now = open.get();
            if (now > limit - sockets) {
                return false;
            }
            if (open.compareAndSet(now, now + sockets)) {
                return true;
            }
        }
    }

    /** Gives back {@code sockets} taken before. */
    void give(int sockets) {
        open.addAndGet(-sockets);
    }

    /** Whether {@code sockets} more could be taken now. */
    boolean hasRoomFor(int sockets) {
        return open.get() <= limit - sockets;
    }

    /** Sockets taken and not given back: the relay's open sockets. */
    public int open() {
        return open.get();
    }

    /** The most sockets open at once. */
    public int limit() {
        return limit;
    }

    @Override
    public String toString() {
        return limit == Integer.MAX_VALUE ? "unlimited (" + open.get() + " open)" : open.get() + " of " + limit + " open";
    }
}
