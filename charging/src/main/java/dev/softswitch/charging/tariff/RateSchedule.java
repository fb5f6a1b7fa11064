package dev.softswitch.charging.tariff;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Rate decks with the instants they take effect (CHG-2: "rate changes take effect at a stated time").
 * Immutable; {@link #withDeck} returns a new schedule. The deck in effect at an instant is the one with the
 * latest effective instant not after it.
 */
public final class RateSchedule {

    /** A deck and the instant it takes effect. */
    public record Entry(Instant effectiveFrom, RateTable deck) {
        public Entry {
            Objects.requireNonNull(effectiveFrom, "effectiveFrom");
            Objects.requireNonNull(deck, "deck");
        }
    }

    private final List<Entry> entries; // sorted by effectiveFrom, ascending

    private RateSchedule(List<Entry> entries) {
        this.entries = entries;
    }

    /** A schedule whose only deck is in effect from the beginning of time. */
    public static RateSchedule of(RateTable deck) {
        return new RateSchedule(List.of(new Entry(Instant.MIN, deck)));
    }

    /** This schedule plus {@code deck} taking effect at {@code effectiveFrom} (replacing a deck at that instant). */
    public RateSchedule withDeck(Instant effectiveFrom, RateTable deck) {
        List<Entry> copy = new ArrayList<>(entries);
        copy.removeIf(e -> e.effectiveFrom().equals(effectiveFrom));
        copy.add(new Entry(effectiveFrom, deck));
        copy.sort(Comparator.comparing(Entry::effectiveFrom));
        return new RateSchedule(List.copyOf(copy));
    }

    /** The deck in effect at {@code at}; the empty table if none is yet. */
    public RateTable deckAt(Instant at) {
        RateTable found = RateTable.empty();
        for (Entry e : entries) {
            if (e.effectiveFrom().isAfter(at)) {
                break;
            }
            found = e.deck();
        }
        return found;
    }

    public List<Entry> entries() {
        return entries;
    }
}
