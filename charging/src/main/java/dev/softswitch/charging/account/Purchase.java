package dev.softswitch.charging.account;

import dev.softswitch.charging.money.Money;

import java.time.Instant;

/** One entry of an account's purchase history (ACC-1): credit lots, plans and packages. */
public record Purchase(String kind, long id, String description, Money amount, Instant at, Instant expiresAt,
                       String channel) {
}
