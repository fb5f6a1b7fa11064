package dev.softswitch.charging.cdr;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.softswitch.charging.money.Money;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CallRecordWriterTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant START = Instant.parse("2025-03-01T09:00:00Z");

    @TempDir
    Path dir;

    private static CallRecord answered(String callId) {
        return new CallRecord(callId, "alice", "442071234567", "carrier-a", START, START.plusSeconds(5),
                START.plusSeconds(66), 61_000, 120, Money.parse("2.1", "USD"), 200, "normal clearing", "caller");
    }

    private List<JsonNode> readLines(Path file) throws Exception {
        List<JsonNode> nodes = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            nodes.add(JSON.readTree(line));
        }
        return nodes;
    }

    @Test
    void writesOneJsonObjectPerLineCreatingParentDirectories() throws Exception {
        Path file = dir.resolve("cdr/2025/03/calls.jsonl");
        CallRecord unanswered = new CallRecord("c2", "bob", "12125551234", null, START, null, START.plusSeconds(3), 0,
                0, null, 486, "busy here", "callee");
        try (CallRecordWriter writer = new CallRecordWriter(file)) {
            writer.write(answered("c1"));
            writer.write(unanswered);
        }

        List<JsonNode> lines = readLines(file);
        assertThat(lines).hasSize(2);
        JsonNode first = lines.get(0);
        assertThat(first.get("callId").asText()).isEqualTo("c1");
        assertThat(first.get("caller").asText()).isEqualTo("alice");
        assertThat(first.get("callee").asText()).isEqualTo("442071234567");
        assertThat(first.get("trunk").asText()).isEqualTo("carrier-a");
        assertThat(first.get("start").asText()).isEqualTo("2025-03-01T09:00:00Z");
        assertThat(first.get("answer").asText()).isEqualTo("2025-03-01T09:00:05Z");
        assertThat(first.get("end").asText()).isEqualTo("2025-03-01T09:01:06Z");
        assertThat(first.get("durationMillis").asLong()).isEqualTo(61_000);
        assertThat(first.get("billedSeconds").asLong()).isEqualTo(120);
        assertThat(first.get("amount").get("micros").asLong()).isEqualTo(2_100_000);
        assertThat(first.get("amount").get("currency").asText()).isEqualTo("USD");
        assertThat(first.get("amount").get("decimal").asText()).isEqualTo("2.100000");
        assertThat(first.get("sipCode").asInt()).isEqualTo(200);
        assertThat(first.get("disconnectCause").asText()).isEqualTo("normal clearing");
        assertThat(first.get("hungUpBy").asText()).isEqualTo("caller");
        assertThat(Instant.parse(first.get("start").asText())).isEqualTo(START);

        JsonNode second = lines.get(1);
        assertThat(second.get("answer").isNull()).isTrue();
        assertThat(second.get("amount").isNull()).isTrue();
        assertThat(second.get("trunk").isNull()).isTrue();
        assertThat(second.get("sipCode").asInt()).isEqualTo(486);
    }

    @Test
    void appendsToAnExistingFileAndEscapesAwkwardText() throws Exception {
        Path file = dir.resolve("calls.jsonl");
        try (CallRecordWriter writer = new CallRecordWriter(file)) {
            writer.write(answered("c1"));
        }
        CallRecord awkward = new CallRecord("c2\n\"quoted\"", "ålice", "1", "t", START, START, START, 0, 0,
                Money.zero("JPY"), 200, "line\nbreak", "gateway");
        try (CallRecordWriter writer = new CallRecordWriter(file)) {
            writer.write(awkward);
        }
        List<JsonNode> lines = readLines(file);
        assertThat(lines).hasSize(2);
        assertThat(lines.get(1).get("callId").asText()).isEqualTo("c2\n\"quoted\"");
        assertThat(lines.get(1).get("caller").asText()).isEqualTo("ålice");
        assertThat(lines.get(1).get("disconnectCause").asText()).isEqualTo("line\nbreak");
    }

    @Test
    void eachRecordIsOnDiskBeforeWriteReturns() throws Exception {
        Path file = dir.resolve("calls.jsonl");
        try (CallRecordWriter writer = new CallRecordWriter(file)) {
            writer.write(answered("c1"));
            assertThat(readLines(file)).hasSize(1);
        }
    }

    @Test
    void anonymisingACallerRemovesOnlyItsCalleeNumbersAndItsLaterRecordsAreWrittenWithoutThem() throws Exception {
        Path file = dir.resolve("calls.jsonl");
        CallRecord bobs = new CallRecord("c2", "bob", "12125551234", null, START, null, START.plusSeconds(3), 0,
                0, null, 486, "busy here", "callee");
        try (CallRecordWriter writer = new CallRecordWriter(file)) {
            writer.write(answered("c1"));
            writer.write(bobs);

            assertThat(writer.anonymise("alice")).isEqualTo(1);
            writer.write(answered("c3"));
        }

        List<JsonNode> lines = readLines(file);
        assertThat(lines).extracting(n -> n.get("callId").asText()).containsExactly("c1", "c2", "c3");
        assertThat(lines.get(0).get("callee").asText()).isEmpty();
        assertThat(lines.get(0).get("amount").get("decimal").asText()).isEqualTo("2.100000");
        assertThat(lines.get(1).get("callee").asText()).isEqualTo("12125551234");
        assertThat(lines.get(2).get("callee").asText()).as("a call of the deleted account that ended after").isEmpty();
        assertThat(Files.readString(file)).doesNotContain("442071234567");
    }

    @Test
    void concurrentWritersNeverInterleaveLines() throws Exception {
        Path file = dir.resolve("calls.jsonl");
        int perThread = 500;
        try (CallRecordWriter writer = new CallRecordWriter(file)) {
            CyclicBarrier go = new CyclicBarrier(2);
            List<Thread> threads = new ArrayList<>();
            for (String name : List.of("a", "b")) {
                Thread t = new Thread(() -> {
                    try {
                        go.await();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                    for (int i = 0; i < perThread; i++) {
                        writer.write(answered(name + i));
                    }
                });
                threads.add(t);
                t.start();
            }
            for (Thread t : threads) {
                t.join(30_000);
            }
        }
        List<JsonNode> lines = readLines(file);
        assertThat(lines).hasSize(2 * perThread);
        assertThat(lines.stream().map(n -> n.get("callId").asText()).distinct().count()).isEqualTo(2L * perThread);
    }

    @Test
    void writeAfterCloseIsRefusedAndCloseIsIdempotent() {
        CallRecordWriter writer = new CallRecordWriter(dir.resolve("calls.jsonl"));
        writer.close();
        writer.close();
        assertThatThrownBy(() -> writer.write(answered("c1"))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void recordValidatesItsInput() {
        assertThatThrownBy(() -> new CallRecord("c", "a", "b", "t", START, null, START, 0, 0, null, 200, "x", "nobody"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("hungUpBy");
        assertThatThrownBy(() -> new CallRecord("c", "a", "b", "t", START, null, START, -1, 0, null, 200, "x", "caller"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CallRecord("c", "a", "b", "t", START, null, START, 0, 0, null, 99, "x", "caller"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sipCode");
    }
}
