package dev.softswitch.gateway.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A real {@code redis-server} (Debian package) on loopback for tests, in its own directory, with the durability the
 * shared charging store needs ({@code appendonly yes}, {@code appendfsync always}) unless told otherwise. Stop,
 * pause (SIGSTOP) and restart it to test what the gateway does when the store is gone.
 */
public final class RedisServer implements AutoCloseable {

    private final Path dir;
    private final int port;
    private final String fsync;
    private Process process;

    private RedisServer(Path dir, int port, String fsync) {
        this.dir = dir;
        this.port = port;
        this.fsync = fsync;
    }

    /** Starts one with {@code appendfsync always} in a fresh directory under {@code parent}. */
    public static RedisServer start(Path parent) throws IOException {
        return start(parent, "always");
    }

    public static RedisServer start(Path parent, String appendfsync) throws IOException {
        Path dir = Files.createTempDirectory(parent, "redis");
        RedisServer r = new RedisServer(dir, freePort(), appendfsync);
        r.launch();
        return r;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private void launch() throws IOException {
        List<String> cmd = new ArrayList<>(List.of("redis-server", "--port", String.valueOf(port), "--bind",
                "127.0.0.1", "--dir", dir.toString(), "--appendonly", "yes", "--appendfsync", fsync, "--save", "",
                "--daemonize", "no", "--logfile", dir.resolve("redis.log").toString()));
        process = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve("stdout.log").toFile()).start();
        awaitPing(port, process, dir.resolve("stdout.log"));
    }

    /** Waits up to 10 s for {@code +PONG} on {@code port}, failing at once if {@code process} exited. */
    static void awaitPing(int port, Process process, Path log) throws IOException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                s.getOutputStream().write("PING\r\n".getBytes());
                byte[] buf = new byte[7];
                if (s.getInputStream().read(buf) > 0 && new String(buf).startsWith("+PONG")) {
                    return;
                }
            } catch (IOException notYet) {
                if (!process.isAlive()) {
                    throw new IOException("redis-server exited: " + Files.readString(log));
                }
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
        }
        throw new IOException("redis-server did not answer PING on " + port + " within 10 s");
    }

    public String uri() {
        return "redis://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** Freezes the server (SIGSTOP): connections stay open, nothing is answered. */
    public void pause() throws IOException, InterruptedException {
        signal("STOP");
    }

    /** Lets a paused server go on (SIGCONT). */
    public void resume() throws IOException, InterruptedException {
        signal("CONT");
    }

    private void signal(String sig) throws IOException, InterruptedException {
        new ProcessBuilder("kill", "-" + sig, String.valueOf(process.pid())).start().waitFor();
    }

    /** Stops the server (SIGTERM) and waits for it; what it acknowledged is in its append-only file. */
    public void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            process.waitFor();
        }
    }

    /** Starts it again on the same port and directory, reading its append-only file. */
    public void restart() throws IOException {
        launch();
    }

    @Override
    public void close() throws InterruptedException, IOException {
        if (process != null && process.isAlive()) {
            resume();
            process.destroyForcibly();
            process.waitFor();
        }
    }
}
