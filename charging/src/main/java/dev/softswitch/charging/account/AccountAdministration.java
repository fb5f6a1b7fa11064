package dev.softswitch.charging.account;

import dev.softswitch.charging.event.JournalEvent;
import dev.softswitch.charging.event.JournalEvent.Anonymised;
import dev.softswitch.charging.event.JournalEvent.FairUseActed;
import dev.softswitch.charging.event.JournalEvent.OperatorActed;
import dev.softswitch.charging.event.JournalEvent.ProfileRecorded;
import dev.softswitch.charging.event.JournalEvent.SuspensionChanged;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What the admin API changes on accounts besides money (OPS-2, ACC-4): the subscriber profile, suspension,
 * deletion (anonymisation), and the audit line naming who made each change. Every change is journalled before
 * it is acknowledged, so a restart keeps it.
 */
public final class AccountAdministration {

    private static final Logger log = LoggerFactory.getLogger(AccountAdministration.class);

    private final JournalledAccountStore store;
    /** Audit lines of changes to no account (trunks, reloads, closure), as recovered and since. */
    private final GatewayAudit gatewayAudit = new GatewayAudit();

    AccountAdministration(JournalledAccountStore store) {
        this.store = store;
    }

    /** Records the subscriber's number, country and password hashes (by algorithm name), replacing earlier ones. */
    public void recordProfile(String accountId, String operator, String number, String country,
                              Map<String, String> ha1) {
        AccountState s = store.state(accountId);
        emit(s, new ProfileRecorded(accountId, store.clock().instant(), operator, number, country, ha1));
    }

    /** Suspends the account: its new calls are refused with {@code reason} until {@link #resume}. */
    public void suspend(String accountId, String operator, String reason) {
        requireReason(reason);
        AccountState s = store.state(accountId);
        if (profile(accountId).anonymised()) {
            throw new IllegalStateException("account '" + accountId + "' is deleted");
        }
        emit(s, new SuspensionChanged(accountId, store.clock().instant(), operator, true, reason));
    }

    /**
     * Journals a fair-use detector's action on the account (FUP-2) and waits until it is durable; a suspension
     * takes effect for calls authorised from then on.
     *
     * @param until the end of a suspension ({@link java.time.Instant#MAX}: until an operator lifts it), null for a
     *              warning or a refused call
     */
    public void recordFairUse(String accountId, String detector, String action, java.time.Instant until,
                              String reason) {
        AccountState s = store.state(accountId);
        emit(s, new FairUseActed(accountId, store.clock().instant(), "fair-use", detector, action, until, reason));
    }

    /** Where the account stands under the fair-use policy. */
    public FairUseStanding fairUse(String accountId) {
        AccountState s = store.state(accountId);
        synchronized (s) {
            return s.operated.fairUse;
        }
    }

    /** Lifts a suspension, the operator's and any fair-use suspension of the account or its plan. */
    public void resume(String accountId, String operator, String reason) {
        requireReason(reason);
        AccountState s = store.state(accountId);
        if (profile(accountId).anonymised()) {
            throw new IllegalStateException("account '" + accountId + "' is deleted and cannot be resumed");
        }
        emit(s, new SuspensionChanged(accountId, store.clock().instant(), operator, false, reason));
    }

    /**
     * Deletes the account's personal data (ACC-4): number, credentials, callee numbers of its history. The
     * anonymised money records stay; the account can no longer call.
     */
    public void anonymise(String accountId, String operator) {
        AccountState s = store.state(accountId);
        emit(s, new Anonymised(accountId, store.clock().instant(), operator));
    }

    /** Journals that {@code operator} did {@code action}; an empty {@code accountId} for a change to no account. */
    public void audit(String accountId, String operator, String action, String detail) {
        OperatorActed event = new OperatorActed(accountId, store.clock().instant(), operator, action, detail);
        if (accountId.isEmpty() && store.sharedAccounts() != null) { // this node's own lines, kept in Redis
            store.sharedAccounts().journal().appendAudit(SharedAccounts.encode(event));
            gatewayAudit.append(store.journal(), event);
        } else if (accountId.isEmpty()) {
            store.journal().awaitDurable(gatewayAudit.append(store.journal(), event));
        } else {
            emit(store.state(accountId), event);
        }
        log.info("audit: {} {} {} {}", operator, action, accountId, detail);
    }

    /** The account's profile ({@link AccountProfile#NONE} when no operator set one). */
    public AccountProfile profile(String accountId) {
        AccountState s = store.state(accountId);
        synchronized (s) {
            return s.operated.profile;
        }
    }

    /** Every account's profile, by account id. */
    public Map<String, AccountProfile> profiles() {
        Map<String, AccountProfile> out = new TreeMap<>();
        for (AccountState s : store.states()) {
            synchronized (s) {
                out.put(s.id, s.operated.profile);
            }
        }
        return out;
    }

    /** Who changed the account, oldest first. */
    public List<AuditEntry> auditTrail(String accountId) {
        AccountState s = store.state(accountId);
        synchronized (s) {
            return List.copyOf(s.operated.audit);
        }
    }

    /** Who changed the gateway outside any account (trunks, reloads, closure), oldest first. */
    public List<AuditEntry> gatewayAuditTrail() {
        return gatewayAudit.entries();
    }

    /** The gateway audit as recovery found it in the snapshot and the journal. */
    GatewayAudit gatewayAudit() {
        return gatewayAudit;
    }

    private void emit(AccountState s, JournalEvent event) {
        long seq;
        synchronized (s) {
            seq = store.emit(s, event);
        }
        store.journal().awaitDurable(seq);
    }

    private static void requireReason(String reason) {
        if (reason == null || reason.isBlank()) {
            throw new IllegalArgumentException("a reason is required");
        }
        Objects.requireNonNull(reason);
    }
}
