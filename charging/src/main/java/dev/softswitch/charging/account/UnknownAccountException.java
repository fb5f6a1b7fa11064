package dev.softswitch.charging.account;

/** Thrown by {@link JournalledAccountStore} when an operation names an account that does not exist. */
public final class UnknownAccountException extends RuntimeException {

    private final String accountId;

    public UnknownAccountException(String accountId) {
        super("unknown account '" + accountId + "'");
        this.accountId = accountId;
    }

    public String accountId() {
        return accountId;
    }
}
