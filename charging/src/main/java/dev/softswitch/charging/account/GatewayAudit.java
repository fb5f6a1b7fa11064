package dev.softswitch.charging.account;

import dev.softswitch.charging.event.JournalEvent.OperatorActed;
import dev.softswitch.charging.journal.Journal;
import dev.softswitch.charging.journal.JournalCodec;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.EOFException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The audit lines of operator changes to no account (a trunk drained, a reload, a closure), journalled as
 * {@link OperatorActed} with an empty account id and kept in snapshots after the accounts, with the sequence of
 * the last one, so that a snapshot loses none and a replay after it repeats none.
 */
final class GatewayAudit {

    private final List<AuditEntry> entries = new ArrayList<>();
    private long lastSeq;

    /** Journals {@code event}; returns its sequence to await. */
    synchronized long append(Journal journal, OperatorActed event) {
        long seq = journal.append(event);
        entries.add(entry(event));
        lastSeq = Math.max(lastSeq, seq);
        return seq;
    }

    /** A replayed line; one the snapshot already holds is skipped. */
    synchronized void replayed(long seq, OperatorActed event) {
        if (seq > lastSeq) {
            entries.add(entry(event));
            lastSeq = seq;
        }
    }

    synchronized List<AuditEntry> entries() {
        return List.copyOf(entries);
    }

    synchronized void adopt(GatewayAudit recovered) {
        entries.clear();
        entries.addAll(recovered.entries);
        lastSeq = recovered.lastSeq;
    }

    /** The snapshot section; returns the last sequence it covers. */
    synchronized long write(DataOutput out) throws IOException {
        out.writeLong(lastSeq);
        out.writeInt(entries.size());
        for (AuditEntry a : entries) {
            JournalCodec.writeInstant(out, a.at());
            out.writeUTF(a.operator());
            out.writeUTF(a.action());
            out.writeUTF(a.detail());
        }
        return lastSeq;
    }

    /** Reads the snapshot section; a snapshot written before there was one has none. */
    synchronized void read(DataInput in) throws IOException {
        long seq;
        try {
            seq = in.readLong();
        } catch (EOFException e) {
            return;
        }
        int n = in.readInt();
        if (n < 0) {
            throw new IOException("implausible audit length " + n);
        }
        for (int i = 0; i < n; i++) {
            entries.add(new AuditEntry(JournalCodec.readInstant(in), in.readUTF(), in.readUTF(), in.readUTF()));
        }
        lastSeq = seq;
    }

    private static AuditEntry entry(OperatorActed e) {
        return new AuditEntry(e.at(), e.operator(), e.action(), e.detail());
    }
}
