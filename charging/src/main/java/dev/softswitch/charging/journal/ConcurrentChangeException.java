package dev.softswitch.charging.journal;

/**
 * Another gateway node changed the account between this node's read and its append (SCL-1): the append was refused
 * by the shared journal and nothing of it took effect. The account has been brought up to date; the operation may be
 * decided again. Where it is not retried it fails closed like any unavailable journal.
 */
public final class ConcurrentChangeException extends JournalUnavailableException {

    public ConcurrentChangeException(String accountId) {
        super("account '" + accountId + "' was changed by another node meanwhile; decide again", null);
    }
}
