package dev.softswitch.charging.cdr;

import dev.softswitch.charging.money.Money;

import java.time.Instant;

/** An operator's correction of a call's charge (ACC-2); a positive amount went back to the customer. */
public record Adjustment(String callId, Money amount, String reason, Instant at) {
}
