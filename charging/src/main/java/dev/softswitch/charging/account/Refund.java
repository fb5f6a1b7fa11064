package dev.softswitch.charging.account;

import dev.softswitch.charging.money.Money;

/** One account's refund at service end (ACC-3): its unexpired credit and how many lots it came from. */
public record Refund(String accountId, Money amount, int lots) {
}
