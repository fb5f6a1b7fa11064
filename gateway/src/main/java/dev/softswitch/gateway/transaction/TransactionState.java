package dev.softswitch.gateway.transaction;

/**
 * The states of the four RFC 3261 §17 transaction machines, with ACCEPTED from RFC 6026. Which
 * machine uses which state is drawn in the class comment of each machine.
 */
public enum TransactionState {
    CALLING,
    TRYING,
    PROCEEDING,
    COMPLETED,
    CONFIRMED,
    ACCEPTED,
    TERMINATED
}
