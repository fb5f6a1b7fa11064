package dev.softswitch.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.softswitch.gateway.transport.Endpoint;
import dev.softswitch.gateway.transport.TransportType;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TrunkSelectorTest {

    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    private final TrunkStates states = new TrunkStates();

    static Trunk trunk(String name, List<String> prefixes, int priority, int weight, String deckCsv,
                       int maxChannels, int cps) {
        return new Trunk(name, List.of(Endpoint.of("127.0.0.1", 5080, TransportType.UDP)), prefixes, priority, weight,
                deckCsv == null ? RateDeck.EMPTY : RateDeck.parse(deckCsv, name + ".csv"), maxChannels, cps,
                NumberFormat.E164, "", CallerIdMode.BOTH, null, Set.of(), true, false);
    }

    private TrunkSelector selector(Trunk... trunks) {
        return new TrunkSelector(List.of(trunks), states, new SplittableRandom(7));
    }

    private static List<String> names(List<TrunkCandidate> candidates) {
        return candidates.stream().map(c -> c.trunk().name()).toList();
    }

    @Test
    void aTrunkIsFoundByTheIpAndPortOfItsAddressOnly() {
        Trunk carrier = trunk("carrier", List.of(""), 0, 1, null, 0, 0);
        TrunkSelector selector = selector(carrier);

        assertThat(selector.trunkAt(new InetSocketAddress("127.0.0.1", 5080))).contains(carrier);
        assertThat(selector.trunkAt(new InetSocketAddress("127.0.0.1", 5081))).isEmpty();
        assertThat(selector.trunkAt(new InetSocketAddress("127.0.0.2", 5080))).isEmpty();
        assertThat(carrier.sendsFrom(new InetSocketAddress("127.0.0.1", 5080))).isTrue();
        assertThat(carrier.sendsFrom(new InetSocketAddress("127.0.0.1", 40000))).isFalse();
    }

    @Test
    void whereTrunksShareAnAddressTheOneTakingInboundCallsAnswersForIt() {
        Trunk outbound = trunk("outbound", List.of("44"), 0, 1, null, 0, 0);
        Trunk inbound = new Trunk("inbound", outbound.addresses(), List.of("81"), 0, 1, RateDeck.EMPTY, 0, 0,
                NumberFormat.E164, "", CallerIdMode.BOTH, null, Set.of(), true, true);

        assertThat(selector(outbound, inbound).trunkAt(new InetSocketAddress("127.0.0.1", 5080))).contains(inbound);
    }

    @Test
    void longestRoutingPrefixWinsOverCheaperShorterOne() {
        Trunk world = trunk("world", List.of(""), 0, 1, "81,0.001", 0, 0);
        Trunk japan = trunk("japan", List.of("81"), 0, 1, "81,0.05", 0, 0);

        List<TrunkCandidate> c = selector(world, japan).candidates("81312345678", NOW);

        assertThat(names(c)).containsExactly("japan");
        assertThat(names(selector(world, japan).candidates("4930123456", NOW))).containsExactly("world");
    }

    @Test
    void leastCostForThisNumberThenPriority() {
        Trunk a = trunk("a", List.of("81"), 0, 1, "81,0.0500\n8190,0.1500", 0, 0);
        Trunk b = trunk("b", List.of("81"), 0, 1, "81,0.0600\n8190,0.1100", 0, 0);
        Trunk c = trunk("c", List.of("81"), 5, 1, "81,0.0500\n8190,0.1100", 0, 0);
        Trunk unpriced = trunk("unpriced", List.of("81"), 0, 1, null, 0, 0);
        TrunkSelector s = selector(unpriced, c, b, a);

        assertThat(names(s.candidates("81312345678", NOW))).containsExactly("a", "c", "b", "unpriced");
        List<TrunkCandidate> mobile = s.candidates("819012345678", NOW);
        assertThat(names(mobile)).containsExactly("b", "c", "a", "unpriced");
        assertThat(mobile.get(0).buyRateMicros()).isEqualTo(110_000);
        assertThat(mobile.get(3).priced()).isFalse();
    }

    @Test
    void equalCostAndPriorityAreSharedByWeight() {
        Trunk heavy = trunk("heavy", List.of("44"), 0, 3, "44,0.01", 0, 0);
        Trunk light = trunk("light", List.of("44"), 0, 1, "44,0.01", 0, 0);
        TrunkSelector s = selector(heavy, light);
        Map<String, Integer> first = new HashMap<>();

        for (int i = 0; i < 4000; i++) {
            List<TrunkCandidate> c = s.candidates("442079460018", NOW);
            assertThat(c).hasSize(2);
            first.merge(c.get(0).trunk().name(), 1, Integer::sum);
        }

        assertThat(first.get("heavy")).isBetween(2800, 3200);
        assertThat(first.get("light")).isBetween(800, 1200);
    }

    @Test
    void trunkAtItsChannelLimitIsSkippedUntilReleased() {
        Trunk small = trunk("small", List.of("66"), 0, 1, "66,0.01", 2, 0);
        Trunk backup = trunk("backup", List.of("66"), 0, 1, "66,0.02", 0, 0);
        TrunkSelector s = selector(small, backup);

        assertThat(s.acquire(small, NOW)).isTrue();
        assertThat(s.acquire(small, NOW)).isTrue();
        assertThat(s.acquire(small, NOW)).isFalse();
        assertThat(names(s.candidates("66812345678", NOW))).containsExactly("backup");

        s.release(small);

        assertThat(names(s.candidates("66812345678", NOW))).containsExactly("small", "backup");
        assertThat(states.of("small").channelsInUse()).isEqualTo(1);
    }

    @Test
    void aDrainedTrunkTakesNoNewCallsWhileItsRunningCallsKeepTheirChannel() {
        Trunk main = trunk("main", List.of("66"), 0, 1, "66,0.01", 0, 0);
        Trunk backup = trunk("backup", List.of("66"), 0, 1, "66,0.02", 0, 0);
        TrunkSelector s = selector(main, backup);
        assertThat(s.acquire(main, NOW)).isTrue();

        states.of("main").drain(true);

        assertThat(names(s.candidates("66812345678", NOW))).containsExactly("backup");
        assertThat(s.acquire(main, NOW)).isFalse();
        assertThat(states.of("main").channelsInUse()).isEqualTo(1);
        s.release(main);
        assertThat(states.of("main").channelsInUse()).isZero();

        states.of("main").drain(false);

        assertThat(names(s.candidates("66812345678", NOW))).containsExactly("main", "backup");
    }

    @Test
    void callsPerSecondLimitRefillsWithTheInjectedClock() {
        Trunk limited = trunk("limited", List.of("49"), 0, 1, "49,0.01", 0, 2);
        TrunkSelector s = selector(limited);

        assertThat(s.acquire(limited, NOW)).isTrue();
        assertThat(s.acquire(limited, NOW)).isTrue();
        assertThat(s.acquire(limited, NOW.plusMillis(100))).isFalse();
        assertThat(s.candidates("4930123456", NOW.plusMillis(100))).isEmpty();
        assertThat(s.candidates("4930123456", NOW.plusMillis(499))).isEmpty();

        assertThat(names(s.candidates("4930123456", NOW.plusMillis(500)))).containsExactly("limited");
        assertThat(s.acquire(limited, NOW.plusMillis(500))).isTrue();
        assertThat(s.acquire(limited, NOW.plusMillis(500))).isFalse();
        assertThat(s.acquire(limited, NOW.plus(Duration.ofSeconds(5)))).isTrue();
        assertThat(s.acquire(limited, NOW.plus(Duration.ofSeconds(5)))).isTrue();
        assertThat(s.acquire(limited, NOW.plus(Duration.ofSeconds(5)))).isFalse();
    }

    @Test
    void downTrunkIsLeftOutAndReturnsWhenUp() {
        Trunk a = trunk("a", List.of("81"), 0, 1, "81,0.01", 0, 0);
        Trunk b = trunk("b", List.of("81"), 0, 1, "81,0.02", 0, 0);
        TrunkSelector s = selector(a, b);

        states.of("a").recordProbe(false, 1);
        assertThat(names(s.candidates("81312345678", NOW))).containsExactly("b");

        states.of("a").recordProbe(true, 1);
        assertThat(names(s.candidates("81312345678", NOW))).containsExactly("a", "b");
    }

    @Test
    void unservedNumberHasNoCandidates() {
        TrunkSelector s = selector(trunk("jp", List.of("81"), 0, 1, null, 0, 0));

        assertThat(s.candidates("4930123456", NOW)).isEmpty();
        assertThat(s.serves("4930123456")).isFalse();
        assertThat(s.serves("81312345678")).isTrue();
    }

    @Test
    void numberIsWrittenAsEachTrunkWantsIt() {
        Trunk plus = trunk("plus", List.of(""), 0, 1, null, 0, 0);
        Trunk tech = new Trunk("tech", plus.addresses(), List.of(""), 0, 1, RateDeck.EMPTY, 0, 0,
                NumberFormat.DIGITS, "0123#", CallerIdMode.FROM, null, Set.of(404), true, false);

        assertThat(TrunkSelector.formatNumber(plus, "+819012345678")).isEqualTo("+819012345678");
        assertThat(TrunkSelector.formatNumber(tech, "+819012345678")).isEqualTo("0123#819012345678");
        assertThat(selector(tech).candidates("819012345678", NOW).get(0).requestUser()).isEqualTo("0123#819012345678");
    }

    @Test
    void failoverOn408And5xxAndConfiguredCodes() {
        Trunk tech = new Trunk("tech", List.of(Endpoint.of("127.0.0.1", 5080, TransportType.UDP)), List.of(""), 0, 1,
                RateDeck.EMPTY, 0, 0, NumberFormat.DIGITS, "", CallerIdMode.FROM, null, Set.of(404), true, false);

        assertThat(tech.failsOver(408)).isTrue();
        assertThat(tech.failsOver(503)).isTrue();
        assertThat(tech.failsOver(404)).isTrue();
        assertThat(tech.failsOver(486)).isFalse();
        assertThat(tech.failsOver(603)).isFalse();
    }

    @Test
    void channelsSurviveAReloadOfTheTable() {
        Trunk one = trunk("one", List.of("81"), 0, 1, null, 1, 0);
        TrunkSelector before = selector(one);
        assertThat(before.acquire(one, NOW)).isTrue();

        TrunkSelector after = selector(trunk("one", List.of("81"), 0, 1, null, 1, 0));

        assertThat(after.candidates("81312345678", NOW)).isEmpty();
        after.release(one);
        assertThat(after.candidates("81312345678", NOW)).hasSize(1);
    }
}
