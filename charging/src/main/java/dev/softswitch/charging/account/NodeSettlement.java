package dev.softswitch.charging.account;

import dev.softswitch.charging.cdr.ChargedCall;
import dev.softswitch.charging.journal.ConcurrentChangeException;
import dev.softswitch.charging.journal.JournalUnavailableException;
import dev.softswitch.charging.journal.SharedJournal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Settles the calls of a gateway node that died (SCL-1): its heartbeat in the shared journal lapsed, so the calls
 * it held reservations for are no longer running through it (its relay and signalling died with it). A surviving
 * node settles each as {@link InterruptedCalls} settles the calls of a crash: the increments that began are charged,
 * the last reserved one and everything of a call never answered is handed back. At most one increment of such a
 * call goes unpaid, never more; nothing is charged twice (a settled reservation is gone, and every step is a
 * compare-and-set on the account).
 */
public final class NodeSettlement {

    private static final Logger log = LoggerFactory.getLogger(NodeSettlement.class);
    private static final int ATTEMPTS = 8;

    private final JournalledAccountStore store;
    private final SharedAccounts shared;

    /** The settling of calls whose node died for {@code store}, or null unless its journal is shared. */
    public static NodeSettlement of(JournalledAccountStore store) {
        SharedAccounts shared = store.sharedAccounts();
        return shared == null ? null : new NodeSettlement(store, shared);
    }

    NodeSettlement(JournalledAccountStore store, SharedAccounts shared) {
        this.store = store;
        this.shared = shared;
    }

    /** How many accounts this node holds in its cache of the shared journal (bounded: idle ones are dropped). */
    public int cachedAccounts() {
        return store.states().size();
    }

    /** Renews this node's heartbeat ({@link JournalUnavailableException} if the shared store is gone). */
    public void heartbeat() {
        shared.journal().heartbeat();
    }

    /**
     * Settles the calls of every node whose heartbeat lapsed and that no other survivor is settling.
     *
     * @return the calls charged, as recorded, for this node's call records
     */
    public List<ChargedCall> settleLapsedNodes() {
        List<ChargedCall> out = new ArrayList<>();
        for (String node : shared.journal().lapsedNodes()) {
            if (shared.journal().claimSettling(node)) {
                log.warn("node {} stopped renewing its heartbeat; settling the calls it held", node);
                out.addAll(settle(node));
            }
        }
        return out;
    }

    /** Settles every reservation {@code node} holds, then forgets the node; returns the calls charged. */
    List<ChargedCall> settle(String node) {
        List<ChargedCall> out = new ArrayList<>();
        for (String accountId : shared.journal().accountsHeldBy(node)) {
            out.addAll(settle(node, accountId));
            shared.journal().released(node, accountId);
        }
        shared.journal().forgetNode(node);
        return out;
    }

    private List<ChargedCall> settle(String node, String accountId) {
        List<ChargedCall> out = new ArrayList<>();
        for (int attempt = 1; ; attempt++) {
            AccountState s = store.find(accountId);
            if (s == null) {
                return out;
            }
            Map<Long, String> holders = shared.holders(accountId);
            synchronized (s) {
                try {
                    for (Reservation res : new ArrayList<>(s.reservations.values())) {
                        if (node.equals(holders.get(res.id))) {
                            ChargedCall call = InterruptedCalls.settleOne(store, s, res, store.clock().instant(),
                                    "loss of node " + node);
                            if (call != null) {
                                out.add(call);
                            }
                        }
                    }
                    return out;
                } catch (ConcurrentChangeException e) {
                    if (attempt == ATTEMPTS) {
                        throw e;
                    }
                    // another node changed the account meanwhile: what was settled stays settled; go on with the rest
                }
            }
        }
    }
}
