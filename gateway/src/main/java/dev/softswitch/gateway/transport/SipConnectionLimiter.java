package dev.softswitch.gateway.transport;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts inbound stream connections, in all and per source IP, against {@link ConnectionLimits}: a
 * connection takes a slot at accept or is refused, and gives it back when it closes. Thread-safe; a
 * source's entry goes when its last connection does, so the map stays as small as the live sources.
 */
final class SipConnectionLimiter {

    private final int maxConnections;
    private final int maxPerAddress;
    private final AtomicInteger open = new AtomicInteger();
    private final ConcurrentMap<InetAddress, Integer> perAddress = new ConcurrentHashMap<>();

    SipConnectionLimiter(ConnectionLimits limits) {
        this.maxConnections = limits.maxConnections();
        this.maxPerAddress = limits.maxPerAddress();
    }

    /** Takes a slot for a connection from {@code source}; the reason it is refused, or null if admitted. */
    StreamCloseReason acquire(InetAddress source) {
        if (open.incrementAndGet() > maxConnections) {
            open.decrementAndGet();
            return StreamCloseReason.MAX_CONNECTIONS;
        }
        boolean[] admitted = {false};
        perAddress.compute(source, (k, n) -> {
            int count = n == null ? 0 : n;
            if (count >= maxPerAddress) {
                return n;
            }
            admitted[0] = true;
            return count + 1;
        });
        if (!admitted[0]) {
            open.decrementAndGet();
            return StreamCloseReason.MAX_PER_ADDRESS;
        }
        return null;
    }

    /** Gives back the slot of a connection from {@code source} that {@link #acquire} admitted. */
    void release(InetAddress source) {
        perAddress.computeIfPresent(source, (k, n) -> n <= 1 ? null : n - 1);
        open.decrementAndGet();
    }

    /** Inbound connections open now. */
    int open() {
        return open.get();
    }

    /** Source addresses with an open connection now. */
    int sources() {
        return perAddress.size();
    }
}
