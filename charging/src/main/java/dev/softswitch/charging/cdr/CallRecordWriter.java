package dev.softswitch.charging.cdr;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.softswitch.charging.money.Money;

import java.io.IOException;
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
            ObjectNode node = toJson(r);
            if (anonymisedCallers.contains(r.caller()) && !node.path("callee").isNull()) {
                // a call of a deleted account that ended after the deletion (ACC-4)
                node.put("callee", node.path("charge").path("ratePrefix").asText(""));
            }
            out.write(mapper.writeValueAsString(node));
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

    private ObjectNode toJson(CallRecord r) {
        ObjectNode node = mapper.createObjectNode();
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
