package dev.softswitch.gateway.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Redis Cluster of three masters on loopback for tests (Debian's redis-server and redis-cli), each with
 * {@code appendfsync always}; stopped by {@link #close()}.
 */
public final class RedisCluster implements AutoCloseable {

    private final List<Process> processes = new ArrayList<>();
    private final List<Integer> ports = new ArrayList<>();
    private final List<Path> logs = new ArrayList<>();

    private RedisCluster() {
    }

    public static RedisCluster start(Path parent) throws IOException, InterruptedException {
        RedisCluster c = new RedisCluster();
        try {
            for (int i = 0; i < 3; i++) {
                int port = RedisServer.freePort();
                Path dir = Files.createTempDirectory(parent, "cluster" + port);
                c.ports.add(port);
                c.logs.add(dir.resolve("redis.log"));
                c.processes.add(new ProcessBuilder("redis-server", "--port", String.valueOf(port), "--bind",
                        "127.0.0.1", "--dir", dir.toString(), "--cluster-enabled", "yes", "--cluster-config-file",
                        "nodes.conf", "--appendonly", "yes", "--appendfsync", "always", "--save", "")
                        .redirectErrorStream(true).redirectOutput(dir.resolve("redis.log").toFile()).start());
            }
            for (int i = 0; i < c.ports.size(); i++) {
                RedisServer.awaitPing(c.ports.get(i), c.processes.get(i), c.logs.get(i));
            }
            List<String> create = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
            c.ports.forEach(p -> create.add("127.0.0.1:" + p));
            create.add("--cluster-yes");
            Process p = new ProcessBuilder(create).redirectErrorStream(true)
                    .redirectOutput(Files.createTempFile(parent, "cluster-create", ".log").toFile()).start();
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("redis-cli --cluster create failed");
            }
            c.awaitState("cluster_state:ok");
            return c;
        } catch (IOException | InterruptedException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    public List<String> uris() {
        return ports.stream().map(p -> "redis://127.0.0.1:" + p).toList();
    }

    private void awaitState(String wanted) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            boolean all = true;
            for (int port : ports) {
                Process info = new ProcessBuilder("redis-cli", "-p", String.valueOf(port), "cluster", "info").start();
                String out = new String(info.getInputStream().readAllBytes());
                info.waitFor(5, TimeUnit.SECONDS);
                all &= out.contains(wanted);
            }
            if (all) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IOException("the cluster did not reach " + wanted + " within 20 s");
    }

    @Override
    public void close() throws InterruptedException {
        for (Process p : processes) {
            p.destroyForcibly();
        }
        for (Process p : processes) {
            p.waitFor(5, TimeUnit.SECONDS);
        }
    }
}
