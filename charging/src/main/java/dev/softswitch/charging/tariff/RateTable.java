package dev.softswitch.charging.tariff;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * An immutable rate deck answering longest-prefix-match lookups over a digit trie, so a lookup costs
 * one step per dialled digit whatever the size of the deck. The {@code ""} prefix, if present, is the
 * default rate.
 */
public final class RateTable {

    private static final String DEFAULT_NAME = "default";
    private static final RateTable EMPTY = new RateTable(DEFAULT_NAME, new Node(), List.of());

    private final String name;
    private final Node root;
    private final List<Rate> rates;

    private RateTable(String name, Node root, List<Rate> rates) {
        this.name = name;
        this.root = root;
        this.rates = rates;
    }

    /** Builds a table named {@code "default"} from {@code rates}; see {@link #of(String, List)}. */
    public static RateTable of(List<Rate> rates) {
        return of(DEFAULT_NAME, rates);
    }

    /**
     * Builds a table called {@code name} (shown in call explanations) from {@code rates}.
     *
     * @throws IllegalArgumentException naming the prefix if two rates share it
     */
    public static RateTable of(String name, List<Rate> rates) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(rates, "rates");
        Node root = new Node();
        Set<String> seen = new HashSet<>();
        List<Rate> copy = new ArrayList<>(rates.size());
        for (Rate rate : rates) {
            Objects.requireNonNull(rate, "rate");
            if (!seen.add(rate.prefix())) {
                throw new IllegalArgumentException("duplicate rate prefix '" + rate.prefix() + "'");
            }
            Node node = root;
            for (int i = 0; i < rate.prefix().length(); i++) {
                int digit = rate.prefix().charAt(i) - '0';
                if (node.children[digit] == null) {
                    node.children[digit] = new Node();
                }
                node = node.children[digit];
            }
            node.rate = rate;
            copy.add(rate);
        }
        return new RateTable(name, root, Collections.unmodifiableList(copy));
    }

    /** A table with no rates: every lookup is empty. */
    public static RateTable empty() {
        return EMPTY;
    }

    /**
     * The rate with the longest prefix of {@code e164Digits}, or empty if none (and no default) matches.
     *
     * @param e164Digits the number in E.164 form without '+', digits only
     * @throws IllegalArgumentException if the number contains anything but digits
     */
    public Optional<Rate> lookup(String e164Digits) {
        Objects.requireNonNull(e164Digits, "e164Digits");
        Node node = root;
        Rate best = root.rate;
        for (int i = 0; i < e164Digits.length(); i++) {
            char c = e164Digits.charAt(i);
            if (c < '0' || c > '9') {
                throw new IllegalArgumentException("number '" + e164Digits + "' must be digits only, found '" + c + "'");
            }
            node = node.children[c - '0'];
            if (node == null) {
                break;
            }
            if (node.rate != null) {
                best = node.rate;
            }
        }
        return Optional.ofNullable(best);
    }

    /** The rates in the order they were given. */
    public List<Rate> rates() {
        return rates;
    }

    /** The deck's name, e.g. the file it was imported from. */
    public String name() {
        return name;
    }

    public int size() {
        return rates.size();
    }

    /** Trie node; written only while building, then published through the final fields of RateTable. */
    private static final class Node {
        private final Node[] children = new Node[10];
        private Rate rate;
    }
}
