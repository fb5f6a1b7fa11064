package dev.softswitch.charging.account;

import dev.softswitch.charging.event.JournalEvent;
import dev.softswitch.charging.event.JournalEvent.AccountOpened;
import dev.softswitch.charging.journal.AccountSnapshotCodec;
import dev.softswitch.charging.journal.FileJournal;

import java.io.DataInput;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;

/**
 * Rebuilds the accounts from a snapshot and the journal after it (CHG-7). An account in the snapshot may already
 * hold events after the snapshot's boundary (it records its own last seq), so replay skips what it has.
 */
final class AccountReplayer implements FileJournal.Replayer {

    private final Map<String, AccountState> recovered = new TreeMap<>();
    private final GatewayAudit gatewayAudit = new GatewayAudit();

    Map<String, AccountState> recovered() {
        return recovered;
    }

    /** The audit lines of changes to no account, from the snapshot and the journal after it. */
    GatewayAudit gatewayAudit() {
        return gatewayAudit;
    }

    @Override
    public void loadSnapshot(DataInput in) throws IOException {
        for (int n = in.readInt(); n > 0; n--) {
            AccountState s = AccountSnapshots.restore(AccountSnapshotCodec.read(in));
            recovered.put(s.id, s);
        }
        gatewayAudit.read(in);
        AccountSnapshots.readFairUse(in, recovered);
    }

    /** Appends a history file's calls to the accounts' usage history, as filed (anonymised if deleted since). */
    @Override
    public void loadHistory(DataInput in) throws IOException {
        UsageFiling.read(in, (id, calls) -> {
            AccountState s = recovered.get(id);
            if (s == null) {
                throw new IOException("the history file names account '" + id + "', which the snapshot does not hold");
            }
            s.usage.addAll(s.operated.profile.anonymised()
                    ? calls.stream().map(c -> c.withDestination(c.ratePrefix())).toList() : calls);
            s.usageFiled = s.usage.size();
        });
    }

    @Override
    public void replay(long seq, JournalEvent event) {
        if (event instanceof AccountOpened opened) {
            if (!recovered.containsKey(opened.accountId())) {
                AccountState s = new AccountState(opened);
                s.lastSeq = seq;
                recovered.put(s.id, s);
            }
            return;
        }
        if (event instanceof JournalEvent.OperatorActed acted && acted.accountId().isEmpty()) {
            gatewayAudit.replayed(seq, acted);
            return;
        }
        AccountState s = recovered.get(event.accountId());
        if (s == null) {
            throw new IllegalStateException("journal event " + seq + " for unknown account " + event.accountId());
        }
        if (seq > s.lastSeq) {
            s.apply(event, seq);
        }
    }
}
