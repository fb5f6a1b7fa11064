package dev.softswitch.gateway.e2e;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/** A gateway as its own JVM ({@code GatewayMain}), for tests that kill it with SIGKILL, and its HTTP side. */
final class GatewayChild {

    private GatewayChild() {
    }

    /** Starts {@code GatewayMain --config config} on this test's class path, its output in {@code log}. */
    static Process start(Path config, Path log) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-Xmx160m", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"),
                "dev.softswitch.gateway.GatewayMain", "--config", config.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** Waits until {@code /health} answers 200, failing with the child's log if it exits or takes too long. */
    static void awaitHealthy(int httpPort, Process child, Path log, Duration limit) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            if (!child.isAlive()) {
                throw new AssertionError("gateway JVM exited " + child.exitValue() + "\n" + read(log));
            }
            try {
                if (http(httpPort, "/health").statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("gateway JVM not healthy after " + limit + "\n" + read(log));
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        }
    }

    static HttpResponse<String> http(int port, String path) throws Exception {
        return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(2))
                        .build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A metric without labels from {@code /metrics}, or 0 if absent or unreachable. */
    static double metric(int port, String name) {
        try {
            for (String line : http(port, "/metrics").body().split("\n")) {
                if (line.startsWith(name + " ")) {
                    return Double.parseDouble(line.substring(name.length() + 1).trim());
                }
            }
            return 0;
        } catch (Exception e) {
            return 0;
        }
    }
}
