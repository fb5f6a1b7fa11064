package dev.softswitch.gateway.b2bua;

import java.time.Instant;

/**
 * A call in progress as an operator sees it (OPS-2): its Call-ID, the account, the number called, its state,
 * when it started and was answered (null: not yet), and the trunk carrying it (null: none yet).
 */
public record LiveCall(String callId, String account, String callee, String state, Instant startedAt,
                       Instant answeredAt, String trunk) {
}
