package dev.softswitch.charging.account;

import dev.softswitch.charging.money.Money;

import java.time.Instant;
import java.util.List;

/** A view of one 30-day plan (CHG-4): its minutes left and until when. */
public record PlanBalance(long planId, String product, List<String> prefixes, int minutes, int minutesLeft,
                          Money price, Instant purchasedAt, Instant expiresAt, boolean autoRenew, boolean expired) {
}
