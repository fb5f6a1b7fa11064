package dev.softswitch.charging.account;

import java.time.Instant;

/** One credit lot of an {@link AccountState}: what was bought, what is left, what calls hold of it (CHG-3). */
final class Lot {
    long id;
    long original;
    long remaining;
    long held;
    Instant purchasedAt;
    Instant expiresAt;
    String channel;

    boolean usableAt(Instant now) {
        return now.isBefore(expiresAt);
    }
}
