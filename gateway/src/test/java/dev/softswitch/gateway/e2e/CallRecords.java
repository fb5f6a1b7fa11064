package dev.softswitch.gateway.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/** Reads the gateway's call records (one JSON object a line), waiting briefly for the ones a test expects. */
final class CallRecords {

    private static final ObjectMapper JSON = new ObjectMapper();

    private CallRecords() {
    }

    /** The last record of {@code account} after line {@code from}, waiting up to 5 s for it. */
    static JsonNode lastOf(Path file, int from, String account) throws Exception {
        List<JsonNode> all = awaitOf(file, from, account, 1);
        return all.get(all.size() - 1);
    }

    /** At least {@code count} records of {@code account} after line {@code from}, waiting up to 5 s. */
    static List<JsonNode> awaitOf(Path file, int from, String account, int count) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (true) {
            List<String> lines = Files.exists(file) ? Files.readAllLines(file) : List.of();
            List<JsonNode> found = new ArrayList<>();
            for (int i = from; i < lines.size(); i++) {
                JsonNode node = JSON.readTree(lines.get(i));
                if (account.equals(node.get("caller").asText())) {
                    found.add(node);
                }
            }
            if (found.size() >= count) {
                return found;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(count + " call records of " + account + " expected after line " + from
                        + " in " + lines);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }

    /**
     * The last record of {@code account} after line {@code from} that {@code wanted} accepts, waiting up to 5 s for
     * one: a test whose neighbours' records may still be on their way picks its own by a property only it has.
     */
    static JsonNode lastWhere(Path file, int from, String account, java.util.function.Predicate<JsonNode> wanted)
            throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (true) {
            List<JsonNode> found = awaitOf(file, from, account, 1).stream().filter(wanted).toList();
            if (!found.isEmpty()) {
                return found.get(found.size() - 1);
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no call record of " + account + " after line " + from + " matches");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }

    static int count(Path file) throws Exception {
        return Files.exists(file) ? Files.readAllLines(file).size() : 0;
    }

    /** Every record of {@code account} in {@code file} so far. */
    static List<JsonNode> all(Path file, String account) {
        try {
            List<JsonNode> found = new ArrayList<>();
            for (String line : Files.exists(file) ? Files.readAllLines(file) : List.<String>of()) {
                JsonNode node = JSON.readTree(line);
                if (account.equals(node.get("caller").asText())) {
                    found.add(node);
                }
            }
            return found;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The first record of {@code account} that {@code wanted} accepts, waiting up to {@code limit} for one. */
    static JsonNode await(Path file, String account, java.util.function.Predicate<JsonNode> wanted, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            List<JsonNode> found = all(file, account).stream().filter(wanted).toList();
            if (!found.isEmpty()) {
                return found.get(0);
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no call record of " + account + " in " + file + " matches within " + limit
                        + ": " + all(file, account));
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
    }
}
