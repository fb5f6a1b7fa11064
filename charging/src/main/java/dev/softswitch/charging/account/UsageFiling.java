package dev.softswitch.charging.account;

import dev.softswitch.charging.cdr.ChargedCall;
import dev.softswitch.charging.journal.JournalCodec;
import dev.softswitch.charging.journal.SnapshotHistory;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The usage history's part in a file snapshot (ACC-1, CHG-7): the snapshot files, in its history file, the calls
 * each account settled since the snapshot before, instead of every account's whole history in every snapshot
 * ({@code HistoryChain}). Once the snapshot is installed they count as filed, and calls older than the retention
 * leave memory (their files leave the chain at the same horizon). An account erased since (ACC-4) has its calls
 * anonymised in every history file still kept, before the snapshot that records its erasure is installed.
 *
 * <p>A history file holds {@code [int accounts]} then per account {@code [utf id][int calls][call]...}.
 */
final class UsageFiling implements SnapshotHistory {

    /** Receives what a history file holds for one account. */
    interface Sink {
        void calls(String accountId, List<ChargedCall> calls) throws IOException;
    }

    private static final int MAX_CALLS = 100_000_000;

    private final Instant horizon;
    private final List<AccountState> gathered = new ArrayList<>();
    private final List<Integer> marks = new ArrayList<>();
    private final List<AccountState> filing = new ArrayList<>();
    private final List<List<ChargedCall>> calls = new ArrayList<>();
    private final List<AccountState> erasing = new ArrayList<>();
    private final Set<String> erasingIds = new HashSet<>();
    private long newest = Long.MIN_VALUE;

    /** @param horizon calls that ended before it are no longer kept */
    UsageFiling(Instant horizon) {
        this.horizon = horizon;
    }

    Instant horizon() {
        return horizon;
    }

    /** Takes what {@code s} settled since it was last filed; the caller holds its monitor. */
    void gather(AccountState s) {
        int size = s.usage.size();
        gathered.add(s);
        marks.add(size);
        if (size > s.usageFiled) {
            List<ChargedCall> gained = List.copyOf(s.usage.subList(s.usageFiled, size));
            for (ChargedCall c : gained) {
                newest = Math.max(newest, c.endedAt().toEpochMilli());
            }
            filing.add(s);
            calls.add(gained);
        }
        if (s.operated.profile.anonymised() && !s.historyErased) {
            erasing.add(s);
            erasingIds.add(s.id);
        }
    }

    /** This, if anything was gathered; null otherwise. */
    SnapshotHistory orNone() {
        return filing.isEmpty() ? null : this;
    }

    /** The rewrite that erases the accounts deleted since the last snapshot from the kept files, or null. */
    SnapshotHistory.Rewrite erasure() {
        return erasingIds.isEmpty() ? null : (in, out) -> {
            List<String> ids = new ArrayList<>();
            List<List<ChargedCall>> all = new ArrayList<>();
            read(in, (id, list) -> {
                ids.add(id);
                all.add(erasingIds.contains(id) ? list.stream().map(c -> c.withDestination(c.ratePrefix())).toList()
                        : list);
            });
            write(out, ids, all);
        };
    }

    @Override
    public long newest() {
        return newest;
    }

    @Override
    public void write(DataOutput out) throws IOException {
        List<String> ids = new ArrayList<>(filing.size());
        filing.forEach(s -> ids.add(s.id));
        write(out, ids, calls);
    }

    private static void write(DataOutput out, List<String> ids, List<List<ChargedCall>> calls) throws IOException {
        out.writeInt(ids.size());
        for (int i = 0; i < ids.size(); i++) {
            out.writeUTF(ids.get(i));
            out.writeInt(calls.get(i).size());
            for (ChargedCall c : calls.get(i)) {
                JournalCodec.writeCall(out, c);
                JournalCodec.writePlanUses(out, c);
            }
        }
    }

    /** Reads a history file into {@code sink}, account by account. */
    static void read(DataInput in, Sink sink) throws IOException {
        int accounts = in.readInt();
        if (accounts < 0) {
            throw new IOException("a history file of " + accounts + " accounts");
        }
        for (int i = 0; i < accounts; i++) {
            String id = in.readUTF();
            int n = in.readInt();
            if (n < 0 || n > MAX_CALLS) {
                throw new IOException("implausible " + n + " calls for account '" + id + "'");
            }
            List<ChargedCall> list = new ArrayList<>(Math.min(n, 4096));
            for (int j = 0; j < n; j++) {
                list.add(JournalCodec.readPlanUses(in, JournalCodec.readCall(in)));
            }
            sink.calls(id, list);
        }
    }

    /**
     * The snapshot is installed: what it filed counts as filed, calls that ended before the horizon leave memory
     * (only filed ones: their file leaves the chain at the same horizon), erased accounts are erased on file too.
     */
    void installed() {
        for (int i = 0; i < gathered.size(); i++) {
            AccountState s = gathered.get(i);
            synchronized (s) {
                s.usageFiled = Math.max(s.usageFiled, marks.get(i));
                int old = 0;
                while (old < s.usageFiled && s.usage.get(old).endedAt().isBefore(horizon)) {
                    old++;
                }
                if (old > 0) {
                    s.usage.subList(0, old).clear();
                    s.usageFiled -= old;
                }
            }
        }
        for (AccountState s : erasing) {
            synchronized (s) {
                s.historyErased = true;
            }
        }
    }
}
