package dev.softswitch.charging.account;

/** Why the store would not hold what was asked for. */
public enum Refusal {
    /** The unexpired, unreserved credit is less than the amount. */
    INSUFFICIENT_CREDIT,
    /** The account's monthly international cap would be exceeded (CHG-9). */
    SPEND_CAP_REACHED,
    /** The reservation is gone (it expired, or was settled). */
    UNKNOWN_RESERVATION,
    /** The journal cannot make the change durable; the store fails closed. */
    STORE_UNAVAILABLE,
    /** The call id already has a live reservation or a settled charge, on this or another account. */
    DUPLICATE_CALL,
    /**
     * The account is suspended, by an operator or for fair use: checked again as the reservation is taken, since
     * another node sharing the store may have suspended it since the caller last looked (SCL-1).
     */
    ACCOUNT_SUSPENDED
}
