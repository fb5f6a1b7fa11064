package dev.softswitch.gateway.routing;

import dev.softswitch.gateway.transport.Endpoint;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * Least-cost trunk selection (RTE-4): the trunks registered at the longest prefix of the number any
 * trunk serves, ordered by what each charges for this very number (longest prefix of its deck;
 * unpriced last), then priority (lower first), then weighted random order among equals. Trunks that
 * are down or at their channel or calls-per-second limit are left out.
 *
 * <p>The routing prefixes and every deck share one digit trie, so a lookup walks the number once
 * (at most 15 nodes) whatever the size of the decks. The table is immutable (build a new selector to
 * reload); the live state of each trunk lives in the shared {@link TrunkStates}.
 */
public final class TrunkSelector {

    private final List<Trunk> trunks;
    private final TrunkState[] states;
    private final Map<String, Integer> index = new HashMap<>();
    private final Map<InetSocketAddress, Trunk> bySource = new HashMap<>();
    private final TrunkStates trunkStates;
    private final RandomGenerator random;
    private final Node root = new Node();

    public TrunkSelector(List<Trunk> trunks, TrunkStates states, RandomGenerator random) {
        this.trunks = List.copyOf(trunks);
        this.trunkStates = Objects.requireNonNull(states, "states");
        this.random = Objects.requireNonNull(random, "random");
        this.states = new TrunkState[this.trunks.size()];
        for (int t = 0; t < this.trunks.size(); t++) {
            Trunk trunk = this.trunks.get(t);
            if (index.putIfAbsent(trunk.name(), t) != null) {
                throw new IllegalArgumentException("two trunks named " + trunk.name());
            }
            this.states[t] = states.of(trunk.name());
            for (Endpoint address : trunk.addresses()) {
                bySource.merge(address.address(), trunk, (first, next) -> !first.inbound() && next.inbound() ? next : first);
            }
            for (String prefix : trunk.prefixes()) {
                node(prefix).addRoute(t);
            }
            for (Map.Entry<String, Long> rate : trunk.deck().rates().entrySet()) {
                node(rate.getKey()).addRate(t, rate.getValue());
            }
        }
    }

    /** The trunks of this table, in configuration order. */
    public List<Trunk> trunks() {
        return trunks;
    }

    /**
     * The trunk a packet from {@code source} comes from (its IP and port are one of the trunk's
     * addresses), or empty; where trunks share an address, the first that takes inbound calls, else the first.
     */
    public Optional<Trunk> trunkAt(InetSocketAddress source) {
        return Optional.ofNullable(source == null ? null : bySource.get(source));
    }

    /** Whether any trunk serves a prefix of {@code digits}, whatever its state. */
    public boolean serves(String digits) {
        return lookup(digits, null) != null;
    }

    /**
     * The trunks to try for the E.164 {@code digits} (no {@code +}) at {@code now}, best first; empty
     * when no trunk serves the number or every one that does is down or at a limit.
     */
    public List<TrunkCandidate> candidates(String digits, Instant now) {
        long[] cost = new long[trunks.size()];
        int[] routed = lookup(digits, cost);
        if (routed == null) {
            return List.of();
        }
        List<TrunkCandidate> out = new ArrayList<>(routed.length);
        String e164 = null;
        for (int t : routed) {
            Trunk trunk = trunks.get(t);
            if (!states[t].isUp() || !states[t].canStart(trunk, now)) {
                continue;
            }
            if (e164 == null) {
                e164 = "+" + digits;
            }
            out.add(new TrunkCandidate(trunk, cost[t], trunk.formatDialled(e164)));
        }
        if (out.size() > 1) {
            order(out);
        }
        return out;
    }

    /**
     * Takes a channel and a calls-per-second token of {@code trunk} for one call attempt; false when
     * the trunk reached a limit since {@link #candidates} (try the next candidate). Pair with {@link #release}.
     */
    public boolean acquire(Trunk trunk, Instant now) {
        return trunkStates.of(trunk.name()).tryAcquire(trunk, now);
    }

    /** Gives back the channel of a call attempt that ended (answered call hung up, or attempt failed). */
    public void release(Trunk trunk) {
        trunkStates.of(trunk.name()).release();
    }

    /** The dialled number as {@code trunk} wants it in the Request-URI: tech prefix, then its format. */
    public static String formatNumber(Trunk trunk, String e164) {
        return trunk.formatDialled(e164);
    }

    /** Walks the trie: the trunks at the longest routing prefix, filling {@code cost} from the decks. */
    private int[] lookup(String digits, long[] cost) {
        if (cost != null) {
            Arrays.fill(cost, -1);
            root.applyRates(cost);
        }
        Node n = root;
        int[] best = root.routes;
        for (int i = 0; i < digits.length() && i < 15; i++) {
            int d = digits.charAt(i) - '0';
            if (d < 0 || d > 9 || (n = n.children[d]) == null) {
                break;
            }
            if (n.routes != null) {
                best = n.routes;
            }
            if (cost != null) {
                n.applyRates(cost);
            }
        }
        return best;
    }

    /** Least cost (unpriced last), then lower priority, then a weighted random order within each tie. */
    private void order(List<TrunkCandidate> list) {
        list.sort((a, b) -> {
            long ca = a.priced() ? a.buyRateMicros() : Long.MAX_VALUE;
            long cb = b.priced() ? b.buyRateMicros() : Long.MAX_VALUE;
            return ca != cb ? Long.compare(ca, cb) : Integer.compare(a.trunk().priority(), b.trunk().priority());
        });
        int start = 0;
        while (start < list.size()) {
            int end = start + 1;
            while (end < list.size() && tied(list.get(start), list.get(end))) {
                end++;
            }
            if (end - start > 1) {
                weightedShuffle(list.subList(start, end));
            }
            start = end;
        }
    }

    private static boolean tied(TrunkCandidate a, TrunkCandidate b) {
        return a.buyRateMicros() == b.buyRateMicros() && a.trunk().priority() == b.trunk().priority();
    }

    /** Picks each position in turn with probability proportional to weight among those left. */
    private void weightedShuffle(List<TrunkCandidate> group) {
        List<TrunkCandidate> left = new ArrayList<>(group);
        long total = 0;
        for (TrunkCandidate c : left) {
            total += c.trunk().weight();
        }
        for (int pos = 0; pos < group.size(); pos++) {
            long pick = random.nextLong(total);
            int i = 0;
            while (pick >= left.get(i).trunk().weight()) {
                pick -= left.get(i).trunk().weight();
                i++;
            }
            TrunkCandidate chosen = left.remove(i);
            total -= chosen.trunk().weight();
            group.set(pos, chosen);
        }
    }

    private Node node(String prefix) {
        Node n = root;
        for (int i = 0; i < prefix.length(); i++) {
            int d = prefix.charAt(i) - '0';
            if (n.children[d] == null) {
                n.children[d] = new Node();
            }
            n = n.children[d];
        }
        return n;
    }

    private static final class Node {
        final Node[] children = new Node[10];
        int[] routes;
        int[] rateTrunks;
        long[] rates;

        void addRoute(int trunk) {
            routes = routes == null ? new int[] {trunk} : append(routes, trunk);
        }

        void addRate(int trunk, long micros) {
            if (rateTrunks == null) {
                rateTrunks = new int[] {trunk};
                rates = new long[] {micros};
            } else {
                rateTrunks = append(rateTrunks, trunk);
                rates = Arrays.copyOf(rates, rates.length + 1);
                rates[rates.length - 1] = micros;
            }
        }

        void applyRates(long[] cost) {
            if (rateTrunks != null) {
                for (int k = 0; k < rateTrunks.length; k++) {
                    cost[rateTrunks[k]] = rates[k];
                }
            }
        }

        private static int[] append(int[] a, int v) {
            int[] b = Arrays.copyOf(a, a.length + 1);
            b[a.length] = v;
            return b;
        }
    }
}
