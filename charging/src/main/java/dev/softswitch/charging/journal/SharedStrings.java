package dev.softswitch.charging.journal;

import java.util.concurrent.ConcurrentHashMap;

/**
 * One instance of each of the few distinct strings that every call record repeats (the account, the rate deck's
 * names and prefixes, tax mode, currency), for the records read back from journals, history files and shared
 * snapshots (issue 14). A settled call holds these as the rate deck's own strings; read back, each record had its
 * own copies: six strings a call, about 330 bytes, so that the usage history took ~700 bytes a call after a restart
 * where it had taken ~370 before it (284,942 recovered calls: 200 MB). Bounded: once it holds {@code max} distinct
 * strings it shares only those, so hostile or unusually varied data cannot grow it. Thread-safe.
 */
final class SharedStrings {

    /** Distinct strings the records' interner holds at most: a large node's accounts and its rate decks' names. */
    static final int MAX = 1 << 18;

    /** The one {@link JournalCodec#readCall} shares through. */
    static final SharedStrings RECORDS = new SharedStrings(MAX);

    private final int max;
    private final ConcurrentHashMap<String, String> seen = new ConcurrentHashMap<>();

    SharedStrings(int max) {
        this.max = max;
    }

    /** The instance held for {@code s}'s value; {@code s} itself the first time, or when it is full. */
    String shared(String s) {
        String held = seen.get(s);
        if (held != null) {
            return held;
        }
        if (seen.size() >= max) {
            return s;
        }
        held = seen.putIfAbsent(s, s);
        return held != null ? held : s;
    }

    /** How many distinct strings it holds. */
    int size() {
        return seen.size();
    }
}
