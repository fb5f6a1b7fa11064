package dev.softswitch.gateway.routing;

import java.util.ArrayList;
import java.util.List;

/**
 * Longest-prefix match of a dialled number's digits against the prefixes trunks serve, on a
 * digit trie: the cost of a lookup grows with the number's length, not with the table's size.
 * Immutable; build a new router to reload. Superseded by {@link TrunkSelector} behind
 * {@link RoutingService} (issue #4); kept while the B2BUA still calls it.
 */
public final class PrefixRouter {

    private final Node root = new Node();

    public PrefixRouter(List<Trunk> trunks) {
        for (Trunk trunk : trunks) {
            for (String prefix : trunk.prefixes()) {
                Node n = root;
                for (int i = 0; i < prefix.length(); i++) {
                    int d = prefix.charAt(i) - '0';
                    if (n.children[d] == null) {
                        n.children[d] = new Node();
                    }
                    n = n.children[d];
                }
                n.trunks.add(trunk);
            }
        }
    }

    /**
     * The trunks registered at the longest prefix of {@code digits} that any trunk serves, in
     * configuration order; empty when none serves it.
     */
    public List<Trunk> candidates(String digits) {
        Node n = root;
        List<Trunk> best = root.trunks;
        for (int i = 0; i < digits.length(); i++) {
            int d = digits.charAt(i) - '0';
            if (d < 0 || d > 9) {
                break;
            }
            n = n.children[d];
            if (n == null) {
                break;
            }
            if (!n.trunks.isEmpty()) {
                best = n.trunks;
            }
        }
        return List.copyOf(best);
    }

    private static final class Node {
        final Node[] children = new Node[10];
        final List<Trunk> trunks = new ArrayList<>(1);
    }
}
