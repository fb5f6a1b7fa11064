package dev.softswitch.charging.account;

import java.util.List;
import java.util.TreeMap;

/** The monthly package of an {@link AccountState} (CHG-5): free minutes used and held in the current cycle. */
final class PackageState {
    String name;
    int free;
    List<String> prefixes;
    /** Free minutes used per month ({@code 2025-01}) in the account's zone; the latest months only. */
    final TreeMap<String, Integer> used = new TreeMap<>();
    int held;

    int usedIn(String c) {
        return used.getOrDefault(c, 0);
    }

    /** Counts {@code minutes} used in month {@code c}; an older month's use never touches a later month's. */
    void use(String c, int minutes) {
        used.merge(c, minutes, Integer::sum);
        while (used.size() > AccountState.MONTHS_KEPT) {
            used.pollFirstEntry();
        }
    }
}
