package dev.softswitch.gateway.config;

import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * Where the prepaid accounts live (SCL-1): {@code embedded} (the default: this node's own journal, {@code journal:})
 * or {@code redis}, shared by every gateway node pointing at the same Redis (standalone or
 * {@code redis-sentinel://} URI, or {@code cluster: true} with the seed nodes' URIs).
 *
 * @param node       this node's name, unique among the nodes sharing the store
 * @param timeout    every request to the store; past it the request fails and calls fail closed
 * @param durability {@code fsync} (the server must run appendonly yes / appendfsync always; checked), {@code replicas}
 *                   (WAIT for {@code replicas} replicas after every change) or {@code unchecked}
 * @param heartbeat  how often this node says it is alive
 * @param lapse      how long after its last heartbeat a node counts as dead and its calls are settled by a survivor
 */
public record StoreConfig(String type, List<String> uris, boolean cluster, String node, String prefix,
                          Duration timeout, String durability, int replicas, Duration heartbeat, Duration lapse) {

    private static final Set<String> TYPES = Set.of("embedded", "redis");
    private static final Set<String> DURABILITY = Set.of("fsync", "replicas", "unchecked");

    public static final StoreConfig EMBEDDED = new StoreConfig("embedded", List.of(), false, "gateway", "softswitch:",
            Duration.ofSeconds(1), "fsync", 0, Duration.ofSeconds(1), Duration.ofSeconds(5));

    public StoreConfig {
        if (!TYPES.contains(type)) {
            throw new InvalidValueException("type", "\"" + type + "\" is not a store (use embedded or"
                    + " redis)");
        }
        uris = List.copyOf(uris);
        if (type.equals("redis") && uris.isEmpty()) {
            throw new InvalidValueException("uri", "a redis store needs its address (e.g. uri:"
                    + " redis://127.0.0.1:6379)");
        }
        for (String u : uris) {
            if (!u.startsWith("redis://") && !u.startsWith("rediss://") && !u.startsWith("redis-sentinel://")) {
                throw new InvalidValueException("uri", "\"" + u + "\" is not a Redis URI (use"
                        + " redis://host:port, rediss:// for TLS or redis-sentinel://host:port#master)");
            }
        }
        Checks.notBlank("node", node);
        if (!node.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new InvalidValueException("node", "\"" + node + "\" is not a node name (letters,"
                    + " digits, . _ -; at most 64)");
        }
        if (!DURABILITY.contains(durability)) {
            throw new InvalidValueException("durability", "\"" + durability + "\" is not a durability"
                    + " (use fsync, replicas or unchecked)");
        }
        if (durability.equals("replicas") && replicas < 1) {
            throw new InvalidValueException("replicas", "durability replicas needs at least 1"
                    + " replica to wait for (e.g. replicas: 1)");
        }
        if (timeout.isNegative() || timeout.isZero() || heartbeat.isNegative() || heartbeat.isZero()) {
            throw new InvalidValueException("timeout", "timeout and heartbeat must be positive");
        }
        if (lapse.compareTo(heartbeat.multipliedBy(2)) < 0) {
            throw new InvalidValueException("lapse", "lapse " + lapse.toMillis() + " ms must be at"
                    + " least twice the heartbeat (" + heartbeat.toMillis() + " ms), or a live node is taken for dead");
        }
    }

    public boolean shared() {
        return type.equals("redis");
    }
}
