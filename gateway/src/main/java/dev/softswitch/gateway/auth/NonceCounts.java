package dev.softswitch.gateway.auth;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The highest nonce-count seen per nonce (RFC 7616 §3.4: a request whose nc does not exceed the last
 * one accepted for its nonce is a replay). Bounded: beyond {@code capacity} nonces the oldest is
 * forgotten, and every nonce issued no later than a forgotten one is then answered as stale, so that
 * forgetting never lets a replay through. Nonces past their TTL leave on their own. SIP core thread.
 */
final class NonceCounts {

    /** What a nonce-count is worth. */
    enum Verdict { FRESH, REPLAY, FORGOTTEN }

    private static final class Seen {
        long nc;
        final long issuedMillis;

        Seen(long nc, long issuedMillis) {
            this.nc = nc;
            this.issuedMillis = issuedMillis;
        }
    }

    private final int capacity;
    private final long ttlMillis;
    private final Map<String, Seen> seen = new LinkedHashMap<>();
    private long forgottenUpTo = Long.MIN_VALUE;

    NonceCounts(int capacity, long ttlMillis) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive");
        }
        this.capacity = capacity;
        this.ttlMillis = ttlMillis;
    }

    /** Records {@code nc} for {@code nonce} (issued at {@code issuedMillis}) if it is higher than any before. */
    Verdict accept(String nonce, long issuedMillis, long nc, long nowMillis) {
        dropExpired(nowMillis);
        Seen s = seen.get(nonce);
        if (s == null) {
            if (issuedMillis <= forgottenUpTo) {
                return Verdict.FORGOTTEN;
            }
            seen.put(nonce, new Seen(nc, issuedMillis));
            if (seen.size() > capacity) {
                Iterator<Seen> eldest = seen.values().iterator();
                forgottenUpTo = Math.max(forgottenUpTo, eldest.next().issuedMillis);
                eldest.remove();
            }
            return Verdict.FRESH;
        }
        if (nc <= s.nc) {
            return Verdict.REPLAY;
        }
        s.nc = nc;
        return Verdict.FRESH;
    }

    int size() {
        return seen.size();
    }

    private void dropExpired(long nowMillis) {
        Iterator<Seen> it = seen.values().iterator();
        while (it.hasNext()) {
            Seen s = it.next();
            if (s.issuedMillis + ttlMillis >= nowMillis) {
                return;
            }
            it.remove();
        }
    }
}
