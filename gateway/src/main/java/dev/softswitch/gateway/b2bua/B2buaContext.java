package dev.softswitch.gateway.b2bua;

import dev.softswitch.gateway.transaction.TransactionLayer;

/**
 * What a {@link Call} needs from the rest of the gateway: the wired parts, the transaction layer
 * (bound after the handler exists) and the registry of live calls; all of it used on the SIP core thread.
 */
record B2buaContext(B2buaParts parts, TransactionLayer transactions, CallRegistry registry) {
}
