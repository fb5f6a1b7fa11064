package dev.softswitch.charging.account;

import java.util.List;

/** The monthly package of an {@link AccountState} (CHG-5): free minutes used and held in the current cycle. */
final class PackageState {
    String name;
    int free;
    List<String> prefixes;
    String cycle;
    int used;
    int held;

    int usedIn(String c) {
        return c.equals(cycle) ? used : 0;
    }
}
