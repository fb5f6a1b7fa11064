package dev.softswitch.charging.cdr;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.softswitch.charging.money.Money;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
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
    /**
     * The streamed line is, byte for byte, what the tree of nodes it replaced serialised to (the reference below), for
     * 20,000 seeded random records: nulls where allowed, awkward text (quotes, controls, non-ASCII, surrogate pairs),
     * extreme numbers, charges with and without plans and lots, media or none, anonymised or not.
     */
    @Test
    void theStreamedLineIsWhatTheTreeOfNodesWroteForSeededRandomRecords() throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        try (CallRecordWriter writer = new CallRecordWriter(dir.resolve("calls.jsonl"))) {
            for (int n = 0; n < 20_000; n++) {
                CallRecord r = randomRecord(random);
                boolean anonymised = random.nextBoolean();
                assertThat(writer.json(r, anonymised)).as("seed %d, record %d", seed, n)
                        .isEqualTo(JSON.writeValueAsString(treeJson(r, anonymised)));
            }
        }
    }

    private static final String[] TEXT = {"", "a", "\"q\"", "line\nbreak", "tab\t", "\u0000\u001f", "ålice", "\u20ac",
        "\ud83d\udcde", "back\\slash", "</script>", "442071234567"};

    private static String text(Random random, boolean nullable) {
        if (nullable && random.nextInt(4) == 0) {
            return null;
        }
        return TEXT[random.nextInt(TEXT.length)] + TEXT[random.nextInt(TEXT.length)];
    }

    private static long number(Random random) {
        return switch (random.nextInt(4)) {
            case 0 -> 0;
            case 1 -> Long.MAX_VALUE;
            case 2 -> random.nextInt(1_000_000);
            default -> random.nextLong();
        };
    }

    private static Money money(Random random) {
        return random.nextInt(3) == 0 ? null : Money.ofMicros(number(random), random.nextBoolean() ? "USD" : "JPY");
    }

    private static CallRecord randomRecord(Random random) {
        Instant end = START.plusMillis(random.nextInt(10_000_000));
        ChargedCall charge = null;
        if (random.nextBoolean()) {
            List<ChargedCall.LotDebit> lots = new ArrayList<>();
            for (int i = random.nextInt(3); i > 0; i--) {
                lots.add(new ChargedCall.LotDebit(number(random), number(random)));
            }
            List<ChargedCall.PlanUse> plans = new ArrayList<>();
            for (int i = random.nextInt(3); i > 0; i--) {
                plans.add(new ChargedCall.PlanUse(number(random), random.nextInt()));
            }
            charge = new ChargedCall("c", "a", text(random, true), text(random, true), text(random, true),
                    text(random, true), number(random), number(random), random.nextInt(), random.nextInt(),
                    text(random, true), random.nextInt(), random.nextBoolean() ? null : START, end, number(random),
                    number(random), random.nextInt(), number(random), random.nextInt(), random.nextInt(),
                    number(random), number(random), number(random), "USD", lots, random.nextBoolean(),
                    random.nextBoolean(), plans);
        }
        MediaQuality media = random.nextBoolean() ? null : new MediaQuality(
                new MediaQuality.Direction(number(random), number(random), number(random), number(random)),
                new MediaQuality.Direction(number(random), number(random), number(random), number(random)));
        CallDetails details = new CallDetails(text(random, true), text(random, true), money(random), money(random),
                charge, media);
        return new CallRecord(text(random, false), text(random, false), text(random, false), text(random, true),
                START, random.nextBoolean() ? null : START.plusNanos(random.nextInt()), end,
                Math.abs(number(random)), Math.abs(number(random) / 2), money(random), 100 + random.nextInt(600),
                text(random, false), random.nextBoolean() ? "caller" : "gateway", details);
    }

    /** The tree of nodes CallRecordWriter built before it streamed its lines: the reference for the test above. */
    private static ObjectNode treeJson(CallRecord r, boolean anonymised) {
        ObjectNode node = JSON.createObjectNode();
        node.put("callId", r.callId());
        node.put("caller", r.caller());
        node.put("callee", r.callee());
        node.put("trunk", r.trunk());
        node.put("start", iso(r.start()));
        node.put("answer", iso(r.answer()));
        node.put("end", iso(r.end()));
        node.put("durationMillis", r.durationMillis());
        node.put("billedSeconds", r.billedSeconds());
        putMoney(node, "amount", r.amount());
        node.put("sipCode", r.sipCode());
        node.put("disconnectCause", r.disconnectCause());
        node.put("hungUpBy", r.hungUpBy());
        CallDetails d = r.details();
        node.put("destinationCountry", d.destinationCountry());
        node.put("numberType", d.numberType());
        putMoney(node, "buyRatePerMinute", d.buyRatePerMinute());
        putMoney(node, "buyCost", d.buyCost());
        ChargedCall c = d.charge();
        if (c != null) {
            ObjectNode paid = node.putObject("charge");
            paid.put("deck", c.deck());
            paid.put("ratePrefix", c.ratePrefix());
            paid.put("pricePerMinuteMicros", c.pricePerMinuteMicros());
            paid.put("connectFeeMicros", c.connectFeeMicros());
            paid.put("increments", c.initialIncrement() + "/" + c.subsequentIncrement());
            paid.put("taxMode", c.taxMode());
            paid.put("taxBasisPoints", c.taxBasisPoints());
            paid.put("taxMicros", c.taxMicros());
            paid.put("planMinutes", c.planMinutes());
            var plans = paid.putArray("plans");
            for (ChargedCall.PlanUse use : c.planUses()) {
                plans.addObject().put("planId", use.planId()).put("minutes", use.minutes());
            }
            paid.put("packageMinutes", c.packageMinutes());
            paid.put("creditIncrements", c.creditIncrements());
            var lots = paid.putArray("lots");
            for (ChargedCall.LotDebit debit : c.lotDebits()) {
                lots.addObject().put("lotId", debit.lotId()).put("micros", debit.micros());
            }
            paid.put("clamped", c.clamped());
        }
        MediaQuality m = d.media();
        if (m != null) {
            ObjectNode media = node.putObject("media");
            putDirection(media, "clientToCarrier", m.clientToCarrier());
            putDirection(media, "carrierToClient", m.carrierToClient());
        }
        if (anonymised && !node.path("callee").isNull()) {
            node.put("callee", node.path("charge").path("ratePrefix").asText(""));
        }
        return node;
    }

    private static void putMoney(ObjectNode node, String field, Money amount) {
        if (amount == null) {
            node.putNull(field);
        } else {
            ObjectNode money = node.putObject(field);
            money.put("micros", amount.micros());
            money.put("currency", amount.currency());
            money.put("decimal", amount.toDecimalString());
        }
    }

    private static void putDirection(ObjectNode media, String field, MediaQuality.Direction d) {
        media.putObject(field).put("packets", d.packets()).put("bytes", d.bytes()).put("lost", d.lost())
                .put("jitterMicros", d.jitterMicros());
    }

    private static String iso(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
