package dev.softswitch.charging.session;

/** Why {@link ChargingEngine#authorise} refused a call (CHG-6: refused with a clear answer). */
public enum DenialReason {
    /** The account id names no account. */
    UNKNOWN_ACCOUNT,
    /** No rate (and no default rate) covers the destination, or the destination is not a digit string. */
    NO_RATE,
    /** The available credit cannot pay the connect fee and the first increment. */
    INSUFFICIENT_CREDIT,
    /** The destination's rate is in another currency than the account. */
    CURRENCY_MISMATCH,
    /** The account's monthly international spend cap is reached (CHG-9). */
    SPEND_CAP_REACHED,
    /** An operator suspended the account (or deleted it); the message is the operator's reason (OPS-2). */
    ACCOUNT_SUSPENDED,
    /** The account belongs to a product the engine no longer sells (removed from the configuration). */
    UNKNOWN_PRODUCT,
    /** The journal or store cannot make the reservation durable; the engine fails closed (CHG-7). */
    STORE_UNAVAILABLE,
    /** The call id was already authorised (the call is live or settled, on this or another account). */
    DUPLICATE_CALL,
    /** A fair-use step refused this call (too many at once, a burst, high-risk destinations; FUP-2). */
    FAIR_USE_REFUSED,
    /** The call's price cannot be computed within exact arithmetic (a rate or account value out of range). */
    PRICE_OUT_OF_RANGE
}
