package dev.softswitch.gateway.store;

import dev.softswitch.charging.journal.JournalUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * The throttle's bans shared between the nodes on one Redis (SCL-1): a ban one node makes (an account whose
 * password is being guessed, a flooding source) is published, and every node adopts the others' bans at its next
 * heartbeat, so that spreading the guesses over the nodes buys a guesser at most one node's allowance, once. The
 * counting itself stays per node: it runs on the SIP core thread, which never waits on the network.
 */
public final class SharedBans {

    private static final Logger log = LoggerFactory.getLogger(SharedBans.class);

    /** One ban: {@code kind} source or account. */
    public record Ban(String kind, String key, Instant until) {
    }

    private final RedisSharedJournal redis;
    private final Executor io;
    private final Consumer<Ban> adopt;
    /** Bans known here (made or adopted), to adopt each once. */
    private final Map<String, Instant> known = new ConcurrentHashMap<>();

    /**
     * @param io    where publishing waits on Redis (never the SIP core)
     * @param adopt takes another node's ban (on the SIP core)
     */
    public SharedBans(RedisSharedJournal redis, Executor io, Consumer<Ban> adopt) {
        this.redis = redis;
        this.io = io;
        this.adopt = adopt;
    }

    /** This node banned {@code key}: publish it. Any thread. */
    public void banned(String kind, String key, Instant until) {
        known.put(kind + '\u0000' + key, until);
        io.execute(() -> {
            try {
                redis.publishBan(kind, key, until);
            } catch (JournalUnavailableException e) {
                log.warn("ban of {} {} not shared: {}", kind, key, e.getMessage());
            }
        });
    }

    /** Adopts the bans other nodes made since the last poll. On the thread that waits on Redis. */
    public void poll() {
        Instant now = Instant.now();
        known.values().removeIf(until -> until.isBefore(now));
        for (Ban b : redis.activeBans()) {
            Instant before = known.put(b.kind() + '\u0000' + b.key(), b.until());
            if (before == null || before.isBefore(b.until())) {
                adopt.accept(b);
            }
        }
    }
}
