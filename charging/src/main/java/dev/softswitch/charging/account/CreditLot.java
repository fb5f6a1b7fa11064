package dev.softswitch.charging.account;

import dev.softswitch.charging.money.Money;

import java.time.Instant;

/** A view of one credit purchase (CHG-3); {@code expiresAt} is {@link Instant#MAX} when it never expires. */
public record CreditLot(long lotId, Money amount, Money remaining, Money reserved, Instant purchasedAt,
                        Instant expiresAt, String channel) {
}
