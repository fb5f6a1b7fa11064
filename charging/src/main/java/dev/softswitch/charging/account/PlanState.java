package dev.softswitch.charging.account;

import java.time.Instant;
import java.util.List;

/** One 30-day plan of an {@link AccountState} (CHG-4). */
final class PlanState {
    long id;
    String product;
    List<String> prefixes;
    int minutes;
    int remaining;
    int held;
    long price;
    Instant purchasedAt;
    Instant expiresAt;
    boolean autoRenew;
    boolean expired;

    boolean covers(String destination) {
        for (String p : prefixes) {
            if (destination.startsWith(p)) {
                return true;
            }
        }
        return false;
    }
}
