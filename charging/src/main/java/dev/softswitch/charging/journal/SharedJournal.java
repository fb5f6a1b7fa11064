package dev.softswitch.charging.journal;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The accounts' journal shared by several gateway nodes (SCL-1): each account is a log of encoded
 * {@link JournalEvent}s with a version (how many events it has had), appended to only by compare-and-set, so that
 * a node decides a change (reserve, settle, purchase...) on the account as it was at version {@code v} and the shared
 * store takes it only if the account is still at {@code v}, atomically on the server. Every operation is durable
 * when it returns, or throws {@link JournalUnavailableException}. Nodes announce themselves by a heartbeat with a
 * time to live; the reservations a node holds are recorded (owner per reservation, accounts per node) so that the
 * survivors settle them when its heartbeat lapses.
 *
 * <p>Implementations know nothing of events: they keep bytes. The charging store encodes and decodes them.
 */
public interface SharedJournal extends AutoCloseable {

    /**
     * What a node has not seen of an account: its current version and the events after the version asked about,
     * or, when those were compacted away, the account's snapshot (at {@code snapshotVersion}) and the events after it.
     *
     * @param snapshot null unless the caller must start over from it
     */
    record Tail(long version, byte[] snapshot, long snapshotVersion, List<byte[]> events) {

        /** An account that does not exist (version 0, nothing to read). */
        public boolean absent() {
            return version == 0;
        }
    }

    /** What an append does to the record of who holds a reservation. */
    enum Holding {
        /** Nothing: the event neither opens nor ends a reservation. */
        NONE,
        /** The event opens reservation {@code reservationId}, held by this node from now on. */
        TAKE,
        /** The event ends (settles or hands back) reservation {@code reservationId}. */
        DROP
    }

    /** This node's name, unique among the nodes sharing the journal. */
    String node();

    /** The account's events after {@code afterVersion} (0: everything). */
    Tail read(String accountId, long afterVersion);

    /**
     * Appends {@code events} (in order) if the account is at {@code expectedVersion} (0: it must not exist yet),
     * updating the holder of {@code reservationId} as {@code holding} says, in one atomic step.
     *
     * @return null if appended (the account is now at {@code expectedVersion + events.size()}), else what the
     *     caller missed
     * @throws JournalUnavailableException if the shared store cannot be reached or cannot make it durable; whether
     *                                     the event was appended is then unknown (read the account again)
     */
    Tail append(String accountId, long expectedVersion, List<byte[]> events, Holding holding, long reservationId);

    /**
     * Replaces the account's events up to {@code version} by {@code snapshot}, if the account still has them (a
     * smaller version than the one compacted last does nothing).
     */
    void compact(String accountId, long version, byte[] snapshot);

    /** Ids of every account, in no order. */
    Set<String> accountIds();

    /** Records that this node holds (or may hold) reservations of {@code accountId}; idempotent. */
    void holdingOn(String accountId);

    /** Renews this node's heartbeat. */
    void heartbeat();

    /** Nodes that held reservations once and whose heartbeat has lapsed (never this node). */
    Set<String> lapsedNodes();

    /** The accounts {@code node} recorded it holds reservations on. */
    Set<String> accountsHeldBy(String node);

    /** Reservation id to holding node, for the account's open reservations. */
    Map<Long, String> holders(String accountId);

    /**
     * Claims the settling of lapsed {@code node}'s reservations for this node for a while, so that two survivors
     * do not both work on it (their appends could not both succeed anyway).
     */
    boolean claimSettling(String node);

    /** {@code node} holds nothing more on {@code accountId}. */
    void released(String node, String accountId);

    /** {@code node} holds nothing at all any more: forget it. */
    void forgetNode(String node);

    /** Appends an audit line of this node's operator changes to no account (a trunk drained, a reload). */
    void appendAudit(byte[] event);

    /** This node's audit lines, oldest first. */
    List<byte[]> audit();

    @Override
    void close();
}
