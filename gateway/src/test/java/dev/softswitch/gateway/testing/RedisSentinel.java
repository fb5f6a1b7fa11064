package dev.softswitch.gateway.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A real Redis master, one replica and one Sentinel watching them (master name {@code softswitch}) on loopback,
 * each fsyncing every write; {@link #killMaster()} makes the Sentinel promote the replica.
 */
public final class RedisSentinel implements AutoCloseable {

    private final Path dir;
    private Process master;
    private Process replica;
    private Process sentinel;
    private int masterPort;
    private int replicaPort;
    private int sentinelPort;

    private RedisSentinel(Path dir) {
        this.dir = dir;
    }

    public static RedisSentinel start(Path parent) throws IOException {
        RedisSentinel s = new RedisSentinel(Files.createTempDirectory(parent, "sentinel"));
        try {
            s.masterPort = RedisServer.freePort();
            s.master = s.server("master", s.masterPort);
            s.replicaPort = RedisServer.freePort();
            s.replica = s.server("replica", s.replicaPort, "--replicaof", "127.0.0.1", String.valueOf(s.masterPort));
            s.awaitReplicaInSync();
            s.sentinelPort = RedisServer.freePort();
            Path conf = s.dir.resolve("sentinel.conf");
            Files.writeString(conf, "port " + s.sentinelPort + "\nbind 127.0.0.1\ndir " + s.dir + "\n"
                    + "sentinel monitor softswitch 127.0.0.1 " + s.masterPort + " 1\n"
                    + "sentinel down-after-milliseconds softswitch 1000\n"
                    + "sentinel failover-timeout softswitch 5000\n");
            s.sentinel = new ProcessBuilder("redis-server", conf.toString(), "--sentinel").redirectErrorStream(true)
                    .redirectOutput(s.dir.resolve("sentinel.log").toFile()).start();
            RedisServer.awaitPing(s.sentinelPort, s.sentinel, s.dir.resolve("sentinel.log"));
            return s;
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    private Process server(String name, int port, String... more) throws IOException {
        java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of("redis-server", "--port",
                String.valueOf(port), "--bind", "127.0.0.1", "--dir", Files.createDirectories(dir.resolve(name))
                        .toString(), "--appendonly", "yes", "--appendfsync", "always", "--save", ""));
        cmd.addAll(java.util.List.of(more));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".log").toFile()).start();
        RedisServer.awaitPing(port, p, dir.resolve(name + ".log"));
        return p;
    }

    /** Waits (up to 15 s) until the replica's link to the master is up, its first sync done. */
    private void awaitReplicaInSync() throws IOException {
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(15).toNanos();
        while (System.nanoTime() < deadline) {
            Process info = new ProcessBuilder("redis-cli", "-p", String.valueOf(replicaPort), "info", "replication")
                    .redirectErrorStream(true).start();
            String out = new String(info.getInputStream().readAllBytes());
            try {
                info.waitFor(5, TimeUnit.SECONDS);
                if (out.contains("master_link_status:up")) {
                    return;
                }
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
        }
        throw new IOException("the replica did not sync with the master within 15 s");
    }

    /** The Sentinel URI of the master, as the gateway's configuration takes it. */
    public String uri() {
        return "redis-sentinel://127.0.0.1:" + sentinelPort + "#softswitch";
    }

    /** SIGKILL of the master: the Sentinel sees it down after a second and promotes the replica. */
    public void killMaster() throws InterruptedException {
        master.destroyForcibly();
        master.waitFor(5, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        for (Process p : new Process[] {sentinel, replica, master}) {
            if (p != null) {
                p.destroyForcibly();
                try {
                    p.waitFor(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
