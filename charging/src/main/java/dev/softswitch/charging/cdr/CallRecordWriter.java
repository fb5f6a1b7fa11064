package dev.softswitch.charging.cdr;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.softswitch.charging.money.Money;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Objects;

/**
 * Appends {@link CallRecord}s to a file as JSON Lines: one object per line, flushed after each record.
 * Instants are ISO-8601 strings; an amount is {@code {"micros":..,"currency":..,"decimal":".."}}.
 * Thread-safe.
 */
public final class CallRecordWriter implements AutoCloseable {

    private final ObjectMapper mapper = new ObjectMapper();
    private final Path file;
    private Writer out;
    private boolean closed;

    /**
     * Opens {@code file} for appending, creating it and its parent directories if needed.
     *
     * @throws UncheckedIOException if the file cannot be opened
     */
    /** Callers whose later records are written anonymised too (their account was deleted). */
    private final java.util.Set<String> anonymisedCallers = new java.util.HashSet<>();

    public CallRecordWriter(Path file) {
        this.file = Objects.requireNonNull(file, "file");
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open call record file " + file, e);
        }
    }

    /**
     * Appends one record and flushes it.
     *
     * @throws IllegalStateException after {@link #close}
     * @throws UncheckedIOException if the write fails
     */
    public synchronized void write(CallRecord r) {
        Objects.requireNonNull(r, "record");
        if (closed) {
            throw new IllegalStateException("call record writer for " + file + " is closed");
        }
        try {
            // a call of a deleted account that ended after the deletion is written anonymised (ACC-4)
            String line = json(r, anonymisedCallers.contains(r.caller()));
            out.write(line);
            out.write('\n');
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write call record " + r.callId() + " to " + file, e);
        }
    }

    /**
     * Records of {@code callers} (deleted accounts, e.g. as recovered at start) are written without their callee
     * numbers from now on.
     */
    public synchronized void anonymiseFromNowOn(java.util.Collection<String> callers) {
        anonymisedCallers.addAll(callers);
    }

    /**
     * Removes the callee numbers of {@code caller}'s records (ACC-4: a deleted account keeps only anonymised
     * records): each becomes the prefix of the rate that charged it ({@code ""} when none did). The file is
     * rewritten beside itself and moved over it atomically; records written meanwhile wait, and the caller's later
     * records (a call that ends after the deletion) are written anonymised.
     *
     * @return how many records were anonymised
     * @throws UncheckedIOException if the file cannot be rewritten (it is then left as it was)
     */
    public synchronized int anonymise(String caller) {
        Objects.requireNonNull(caller, "caller");
        if (closed) {
            throw new IllegalStateException("call record writer for " + file + " is closed");
        }
        anonymisedCallers.add(caller);
        Path tmp = file.resolveSibling(file.getFileName() + ".anonymising");
        int changed = 0;
        try {
            out.flush();
            StringBuilder rewritten = new StringBuilder();
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    ObjectNode node = (ObjectNode) mapper.readTree(line);
                    if (caller.equals(node.path("caller").asText(null)) && !node.path("callee").isNull()) {
                        node.put("callee", node.path("charge").path("ratePrefix").asText(""));
                        line = mapper.writeValueAsString(node);
                        changed++;
                    }
                }
                rewritten.append(line).append('\n');
            }
            try (var channel = java.nio.channels.FileChannel.open(tmp, StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                channel.write(StandardCharsets.UTF_8.encode(rewritten.toString()));
                channel.force(true);
            }
            out.close();
            Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot anonymise the call records of " + caller + " in " + file, e);
        } finally {
            reopen();
        }
        return changed;
    }

    private void reopen() {
        try {
            out.close();
            out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot reopen call record file " + file, e);
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close call record file " + file, e);
        }
    }

    /**
     * One record as a line of JSON, streamed field by field (no tree of nodes); {@code anonymised}: the callee number
     * is replaced by the prefix of the rate that charged the call ({@code ""} when none did).
     */
    String json(CallRecord r, boolean anonymised) throws IOException {
        StringWriter text = new StringWriter(768);
        try (JsonGenerator g = mapper.getFactory().createGenerator(text)) {
            ChargedCall c = r.details().charge();
            String callee = r.callee();
            if (anonymised && callee != null) {
                callee = c != null && c.ratePrefix() != null ? c.ratePrefix() : "";
            }
            g.writeStartObject();
            g.writeStringField("callId", r.callId());
            g.writeStringField("caller", r.caller());
            g.writeStringField("callee", callee);
            g.writeStringField("trunk", r.trunk());
            g.writeStringField("start", iso(r.start()));
            g.writeStringField("answer", iso(r.answer()));
            g.writeStringField("end", iso(r.end()));
            g.writeNumberField("durationMillis", r.durationMillis());
            g.writeNumberField("billedSeconds", r.billedSeconds());
            money(g, "amount", r.amount());
            g.writeNumberField("sipCode", r.sipCode());
            g.writeStringField("disconnectCause", r.disconnectCause());
            g.writeStringField("hungUpBy", r.hungUpBy());
            CallDetails d = r.details();
            g.writeStringField("destinationCountry", d.destinationCountry());
            g.writeStringField("numberType", d.numberType());
            money(g, "buyRatePerMinute", d.buyRatePerMinute());
            money(g, "buyCost", d.buyCost());
            if (c != null) {
                charge(g, c);
            }
            MediaQuality m = d.media();
            if (m != null) {
                g.writeObjectFieldStart("media");
                direction(g, "clientToCarrier", m.clientToCarrier());
                direction(g, "carrierToClient", m.carrierToClient());
                g.writeEndObject();
            }
            g.writeEndObject();
        }
        return text.toString();
    }

    private static void charge(JsonGenerator g, ChargedCall c) throws IOException {
        g.writeObjectFieldStart("charge");
        g.writeStringField("deck", c.deck());
        g.writeStringField("ratePrefix", c.ratePrefix());
        g.writeNumberField("pricePerMinuteMicros", c.pricePerMinuteMicros());
        g.writeNumberField("connectFeeMicros", c.connectFeeMicros());
        g.writeStringField("increments", c.initialIncrement() + "/" + c.subsequentIncrement());
        g.writeStringField("taxMode", c.taxMode());
        g.writeNumberField("taxBasisPoints", c.taxBasisPoints());
        g.writeNumberField("taxMicros", c.taxMicros());
        g.writeNumberField("planMinutes", c.planMinutes());
        g.writeArrayFieldStart("plans");
        for (ChargedCall.PlanUse use : c.planUses()) {
            g.writeStartObject();
            g.writeNumberField("planId", use.planId());
            g.writeNumberField("minutes", use.minutes());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeNumberField("packageMinutes", c.packageMinutes());
        g.writeNumberField("creditIncrements", c.creditIncrements());
        g.writeArrayFieldStart("lots");
        for (ChargedCall.LotDebit debit : c.lotDebits()) {
            g.writeStartObject();
            g.writeNumberField("lotId", debit.lotId());
            g.writeNumberField("micros", debit.micros());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeBooleanField("clamped", c.clamped());
        g.writeEndObject();
    }

    private static void money(JsonGenerator g, String field, Money amount) throws IOException {
        if (amount == null) {
            g.writeNullField(field);
        } else {
            g.writeObjectFieldStart(field);
            g.writeNumberField("micros", amount.micros());
            g.writeStringField("currency", amount.currency());
            g.writeStringField("decimal", amount.toDecimalString());
            g.writeEndObject();
        }
    }

    private static void direction(JsonGenerator g, String field, MediaQuality.Direction d) throws IOException {
        g.writeObjectFieldStart(field);
        g.writeNumberField("packets", d.packets());
        g.writeNumberField("bytes", d.bytes());
        g.writeNumberField("lost", d.lost());
        g.writeNumberField("jitterMicros", d.jitterMicros());
        g.writeEndObject();
    }

    private static String iso(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
