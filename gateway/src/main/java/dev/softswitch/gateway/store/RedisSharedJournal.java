package dev.softswitch.gateway.store;

import dev.softswitch.charging.journal.JournalUnavailableException;
import dev.softswitch.charging.journal.SharedJournal;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.resource.ClientResources;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The accounts' shared journal in Redis (SCL-1): one list of encoded events per account, appended only by a Lua
 * script that checks the account's version first, so that a change decided on a stale account is refused on the
 * server whatever the interleaving of nodes. Keys of one account share a hash tag ({@code {a:id}}), so the scripts
 * run on one shard of a Redis Cluster too; Sentinel URIs ({@code redis-sentinel://}) fail over with the server.
 *
 * <p>Durability: an append is acknowledged once Redis says so. With {@link Durability#FSYNC} (the default) the
 * server must run with {@code appendonly yes} and {@code appendfsync always} (checked at start: Redis then fsyncs
 * before it replies); with {@link Durability#REPLICAS} every append waits ({@code WAIT}) for that many replicas;
 * {@link Durability#UNCHECKED} trusts a server whose configuration cannot be read (managed Redis).
 *
 * <p>Every command has a timeout; a store that cannot be reached fails at once ({@link JournalUnavailableException}):
 * new calls are refused and running calls end with their paid time.
 */
public final class RedisSharedJournal implements SharedJournal {

    private static final Logger log = LoggerFactory.getLogger(RedisSharedJournal.class);

    /** What an acknowledged append promises. */
    public enum Durability { FSYNC, REPLICAS, UNCHECKED }

    /** How the store is reached and what it must promise. */
    public record Settings(List<String> uris, boolean cluster, String node, String prefix, Duration timeout,
                           Durability durability, int replicas, Duration lapse) {
    }

    private static final String READ = """
            local base = tonumber(redis.call('GET', KEYS[2]) or '0')
            local len = redis.call('LLEN', KEYS[1])
            local after = tonumber(ARGV[1])
            if after < base then
              return {base + len, redis.call('GET', KEYS[3]) or '', base, redis.call('LRANGE', KEYS[1], 0, -1)}
            end
            return {base + len, '', 0, redis.call('LRANGE', KEYS[1], after - base, -1)}
            """;
    private static final String APPEND = """
            local base = tonumber(redis.call('GET', KEYS[2]) or '0')
            local len = redis.call('LLEN', KEYS[1])
            local version = base + len
            local expected = tonumber(ARGV[1])
            if version ~= expected then
              if expected > version then
                return redis.error_reply('STALE the account is at version ' .. version .. ' but this node saw '
                  .. expected .. ': the store lost acknowledged writes')
              end
              if expected < base then
                return {0, version, redis.call('GET', KEYS[3]) or '', base, redis.call('LRANGE', KEYS[1], 0, -1)}
              end
              return {0, version, '', 0, redis.call('LRANGE', KEYS[1], expected - base, -1)}
            end
            if ARGV[2] == '1' then
              redis.call('HSET', KEYS[4], ARGV[3], ARGV[4])
            elseif ARGV[2] == '2' then
              redis.call('HDEL', KEYS[4], ARGV[3])
            end
            redis.call('RPUSH', KEYS[1], unpack(ARGV, 5))
            return {1, version + #ARGV - 4}
            """;
    private static final String COMPACT = """
            local base = tonumber(redis.call('GET', KEYS[2]) or '0')
            local len = redis.call('LLEN', KEYS[1])
            local v = tonumber(ARGV[1])
            if v <= base or v > base + len then
              return 0
            end
            redis.call('SET', KEYS[3], ARGV[2])
            redis.call('LTRIM', KEYS[1], v - base, -1)
            redis.call('SET', KEYS[2], ARGV[1])
            return 1
            """;

    private final Settings settings;
    private final AutoCloseable client;
    private final StatefulConnection<byte[], byte[]> connection;
    private final RedisClusterCommands<byte[], byte[]> redis;
    private final Map<String, String> shas = new ConcurrentHashMap<>();
    /** Accounts this node has recorded, since its heartbeat last lapsed, that it holds reservations on. */
    private final Set<String> holdingOn = ConcurrentHashMap.newKeySet();
    private final Timer requests;
    private final Counter failures;
    private final Counter conflicts;

    private RedisSharedJournal(Settings settings, AutoCloseable client, StatefulConnection<byte[], byte[]> connection,
                               RedisClusterCommands<byte[], byte[]> redis, MeterRegistry registry) {
        this.settings = settings;
        this.client = client;
        this.connection = connection;
        this.redis = redis;
        this.requests = Timer.builder("charging_store_requests").description("Round trips to the shared charging"
                + " store (Redis)").register(registry);
        this.failures = Counter.builder("charging_store_failures_total").description("Requests to the shared"
                + " charging store that failed or timed out").register(registry);
        this.conflicts = Counter.builder("charging_store_conflicts_total").description("Appends refused because"
                + " another node changed the account first (decided again)").register(registry);
    }

    /**
     * Connects and checks that the server keeps what it acknowledges as {@code settings} asks.
     *
     * @throws IllegalStateException naming the fix if the server cannot be reached or is not durable enough
     */
    public static RedisSharedJournal connect(Settings settings, MeterRegistry registry) {
        ClientResources resources = ClientResources.create();
        AbstractRedisClient c = null;
        StatefulConnection<byte[], byte[]> connection;
        RedisClusterCommands<byte[], byte[]> redis;
        try {
            if (settings.cluster()) {
                List<RedisURI> uris = settings.uris().stream().map(u -> uri(u, settings.timeout())).toList();
                RedisClusterClient cluster = RedisClusterClient.create(resources, uris);
                c = cluster;
                // Commands wait for a shard's connection (made on first use, or again after a failover) up to the
                // timeout: rejecting them while one is being made would refuse calls on a healthy cluster.
                cluster.setOptions(ClusterClientOptions.builder().autoReconnect(true)
                        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.ACCEPT_COMMANDS).build());
                var conn = cluster.connect(ByteArrayCodec.INSTANCE);
                connection = conn;
                redis = conn.sync();
            } else {
                RedisClient single = RedisClient.create(resources, uri(settings.uris().get(0), settings.timeout()));
                c = single;
                single.setOptions(ClientOptions.builder().autoReconnect(true)
                        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS).build());
                var conn = single.connect(ByteArrayCodec.INSTANCE);
                connection = conn;
                redis = conn.sync();
            }
        } catch (RedisException e) {
            if (c != null) {
                c.shutdown();
            }
            resources.shutdown();
            throw new IllegalStateException("charging.store: cannot reach Redis at " + settings.uris() + ": "
                    + e.getMessage() + " (start it, or fix charging.store.uri)", e);
        }
        AbstractRedisClient made = c;
        AutoCloseable client = () -> {
            made.shutdown();
            resources.shutdown();
        };
        RedisSharedJournal journal = new RedisSharedJournal(settings, client, connection, redis, registry);
        try {
            journal.checkDurability();
            journal.heartbeat();
        } catch (RuntimeException e) {
            journal.close();
            throw e;
        }
        log.info("charging store: Redis {} as node {} ({}{})", settings.uris(), settings.node(),
                settings.durability(), settings.durability() == Durability.REPLICAS ? " " + settings.replicas() : "");
        return journal;
    }

    private static RedisURI uri(String text, Duration timeout) {
        RedisURI uri = RedisURI.create(text);
        uri.setTimeout(timeout);
        return uri;
    }

    private void checkDurability() {
        if (settings.durability() != Durability.FSYNC) {
            return;
        }
        Map<String, String> config;
        try {
            config = redis.configGet("appendonly", "appendfsync");
        } catch (RedisException e) {
            throw new IllegalStateException("charging.store: cannot read Redis's persistence settings (" + e.getMessage()
                    + "); allow CONFIG GET, or set durability: replicas (WAIT) or unchecked", e);
        }
        if (!"yes".equals(config.get("appendonly")) || !"always".equals(config.get("appendfsync"))) {
            throw new IllegalStateException("charging.store: Redis runs with appendonly " + config.get("appendonly")
                    + ", appendfsync " + config.get("appendfsync") + ": an acknowledged debit could be lost in a crash."
                    + " Set 'appendonly yes' and 'appendfsync always' in redis.conf, or durability: replicas");
        }
    }

    // ---- keys -------------------------------------------------------------------------------

    private byte[] key(String text) {
        return (settings.prefix() + text).getBytes(StandardCharsets.UTF_8);
    }

    private byte[][] accountKeys(String accountId) {
        String tag = "{a:" + accountId + "}:";
        return new byte[][] {key(tag + "log"), key(tag + "base"), key(tag + "snap"), key(tag + "holders")};
    }

    private static byte[] bytes(Object text) {
        return String.valueOf(text).getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    // ---- the journal ------------------------------------------------------------------------

    @Override
    public String node() {
        return settings.node();
    }

    @Override
    public Tail read(String accountId, long afterVersion) {
        byte[][] k = accountKeys(accountId);
        List<Object> r = script(READ, new byte[][] {k[0], k[1], k[2]}, bytes(afterVersion));
        return tail((Long) r.get(0), (byte[]) r.get(1), (Long) r.get(2), r.get(3));
    }

    @Override
    public Tail append(String accountId, long expectedVersion, List<byte[]> events, Holding holding,
                       long reservationId) {
        byte[][] args = new byte[4 + events.size()][];
        args[0] = bytes(expectedVersion);
        args[1] = bytes(holding.ordinal());
        args[2] = bytes(reservationId);
        args[3] = bytes(settings.node());
        for (int i = 0; i < events.size(); i++) {
            args[4 + i] = events.get(i);
        }
        List<Object> r = script(APPEND, accountKeys(accountId), args);
        if ((Long) r.get(0) == 0) {
            conflicts.increment();
            return tail((Long) r.get(1), (byte[]) r.get(2), (Long) r.get(3), r.get(4));
        }
        if (expectedVersion == 0) {
            call(() -> redis.sadd(key("accounts"), bytes(accountId)));
        }
        replicate();
        return null;
    }

    @SuppressWarnings("unchecked")
    private static Tail tail(long version, byte[] snapshot, long snapshotVersion, Object events) {
        return new Tail(version, snapshot.length == 0 ? null : snapshot, snapshotVersion, (List<byte[]>) events);
    }

    @Override
    public void compact(String accountId, long version, byte[] snapshot) {
        byte[][] k = accountKeys(accountId);
        script(COMPACT, new byte[][] {k[0], k[1], k[2]}, bytes(version), snapshot);
        replicate();
    }

    /** With {@link Durability#REPLICAS}: waits until that many replicas have every write so far. */
    private void replicate() {
        if (settings.durability() != Durability.REPLICAS) {
            return;
        }
        // WAIT's own timeout inside the request's, so that a slow replica is told apart from a store that is gone
        long wait = Math.max(1, settings.timeout().toMillis() / 2);
        long acked = call(() -> redis.waitForReplication(settings.replicas(), wait));
        if (acked < settings.replicas()) {
            failures.increment();
            throw new JournalUnavailableException("charging store: only " + acked + " of " + settings.replicas()
                    + " replica(s) acknowledged within " + wait + " ms", null);
        }
    }

    @Override
    public Set<String> accountIds() {
        Set<String> out = new HashSet<>();
        for (byte[] b : call(() -> redis.smembers(key("accounts")))) {
            out.add(text(b));
        }
        return out;
    }

    @Override
    public void holdingOn(String accountId) {
        if (holdingOn.add(accountId)) {
            try {
                call(() -> redis.sadd(key("node:" + settings.node() + ":accounts"), bytes(accountId)));
            } catch (JournalUnavailableException e) {
                holdingOn.remove(accountId);
                throw e;
            }
        }
    }

    @Override
    public void heartbeat() {
        byte[] before = call(() -> redis.setGet(key("node:" + settings.node()), bytes(System.currentTimeMillis()),
                SetArgs.Builder.px(settings.lapse().toMillis())));
        if (before == null) { // first beat, or it lapsed and survivors may have settled (and forgotten) our calls
            holdingOn.clear();
            call(() -> redis.sadd(key("nodes"), bytes(settings.node())));
        }
    }

    @Override
    public Set<String> lapsedNodes() {
        Set<String> out = new HashSet<>();
        for (byte[] b : call(() -> redis.smembers(key("nodes")))) {
            String node = text(b);
            if (!node.equals(settings.node()) && call(() -> redis.exists(key("node:" + node))) == 0) {
                out.add(node);
            }
        }
        return out;
    }

    @Override
    public Set<String> accountsHeldBy(String node) {
        Set<String> out = new HashSet<>();
        for (byte[] b : call(() -> redis.smembers(key("node:" + node + ":accounts")))) {
            out.add(text(b));
        }
        return out;
    }

    @Override
    public Map<Long, String> holders(String accountId) {
        Map<Long, String> out = new HashMap<>();
        call(() -> redis.hgetall(accountKeys(accountId)[3])).forEach((k, v) -> out.put(Long.parseLong(text(k)),
                text(v)));
        return out;
    }

    @Override
    public boolean claimSettling(String node) {
        return "OK".equals(call(() -> redis.set(key("settling:" + node), bytes(settings.node()),
                SetArgs.Builder.nx().px(settings.lapse().multipliedBy(6).toMillis()))));
    }

    @Override
    public void released(String node, String accountId) {
        call(() -> redis.srem(key("node:" + node + ":accounts"), bytes(accountId)));
    }

    @Override
    public void forgetNode(String node) {
        if (call(() -> redis.scard(key("node:" + node + ":accounts"))) == 0
                && call(() -> redis.exists(key("node:" + node))) == 0) {
            call(() -> redis.srem(key("nodes"), bytes(node)));
        }
    }

    @Override
    public void appendAudit(byte[] event) {
        call(() -> redis.rpush(key("node:" + settings.node() + ":audit"), event));
        replicate();
    }

    @Override
    public List<byte[]> audit() {
        return call(() -> redis.lrange(key("node:" + settings.node() + ":audit"), 0, -1));
    }

    /** Shares a ban of this node's throttle with the other nodes until it ends. */
    public void publishBan(String kind, String key, java.time.Instant until) {
        call(() -> redis.zadd(key("bans"), (double) until.toEpochMilli(), bytes(kind + "\u0000" + key)));
    }

    /** The bans of every node that have not ended: kind, key and end. */
    public List<SharedBans.Ban> activeBans() {
        long now = System.currentTimeMillis();
        call(() -> redis.zremrangebyscore(key("bans"), io.lettuce.core.Range.create(Double.NEGATIVE_INFINITY,
                (double) now)));
        List<SharedBans.Ban> out = new java.util.ArrayList<>();
        for (io.lettuce.core.ScoredValue<byte[]> v : call(() -> redis.zrangebyscoreWithScores(key("bans"),
                io.lettuce.core.Range.create((double) now, Double.POSITIVE_INFINITY)))) {
            String[] kindKey = text(v.getValue()).split("\u0000", 2);
            if (kindKey.length == 2) {
                out.add(new SharedBans.Ban(kindKey[0], kindKey[1],
                        java.time.Instant.ofEpochMilli((long) v.getScore())));
            }
        }
        return out;
    }

    @Override
    public void close() {
        try {
            connection.close();
            client.close();
        } catch (Exception e) {
            log.warn("charging store: closing the Redis client failed: {}", e.toString());
        }
    }

    // ---- round trips --------------------------------------------------------------------------

    private List<Object> script(String script, byte[][] keys, byte[]... args) {
        String sha = shas.computeIfAbsent(script, s -> call(() -> redis.scriptLoad(s)));
        return call(() -> {
            try {
                return redis.evalsha(sha, ScriptOutputType.MULTI, keys, args);
            } catch (RedisNoScriptException e) { // the server restarted or flushed its scripts
                return redis.eval(script, ScriptOutputType.MULTI, keys, args);
            }
        });
    }

    private <T> T call(Supplier<T> command) {
        long start = System.nanoTime();
        try {
            return command.get();
        } catch (RedisException e) {
            failures.increment();
            throw new JournalUnavailableException("charging store (Redis " + settings.uris() + ") unavailable: "
                    + e.getMessage(), e);
        } finally {
            requests.record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
        }
    }

    /** How many round trips this node has made to the store. */
    public long roundTrips() {
        return requests.count();
    }
}
