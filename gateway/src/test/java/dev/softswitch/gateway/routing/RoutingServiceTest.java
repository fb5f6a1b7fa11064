package dev.softswitch.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.softswitch.gateway.config.ConfigException;
import dev.softswitch.gateway.config.GatewayConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The facade end to end on a configuration file, its decks and the seed-000 availability file. */
class RoutingServiceTest {

    private static final Instant BEFORE_MAY_9 = OffsetDateTime.parse("2015-05-08T23:59:59+09:00").toInstant();
    private static final Instant MAY_9 = OffsetDateTime.parse("2015-05-09T00:00+09:00").toInstant();

    @TempDir
    Path dir;
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private RoutingService service;

    private static String config(String extraTrunkKeys) {
        return """
                sip: { listen: [{ transport: udp, host: 127.0.0.1, port: 5060 }] }
                http: { host: 127.0.0.1, port: 8080 }
                media: { host: 127.0.0.1, portMin: 30000, portMax: 39999 }
                trunks:
                  - { name: cheap, host: 127.0.0.1, port: 5081, transport: udp, prefixes: ["81", "62"],
                      rates: cheap.csv, maxChannels: 1, numberFormat: digits, callerIdMode: from%s }
                  - { name: dear, host: 127.0.0.1, port: 5082, transport: udp, prefixes: ["81", "62"],
                      rates: dear.csv, techPrefix: "99#", callerIdMode: pai, fromUser: softswitch }
                charging: { currency: USD, rates: [], accounts: [] }
                cdr: { file: ./calls.jsonl }
                routing: { maxAttempts: 2, availabilityFile: availability.yaml }
                """.formatted(extraTrunkKeys);
    }

    @BeforeEach
    void setUp() throws IOException {
        Files.writeString(dir.resolve("cheap.csv"), "prefix,rate\n81,0.0500\n62,0.0100\n");
        Files.writeString(dir.resolve("dear.csv"), "prefix,rate\n81,0.0600\n62,0.0200\n");
        try (var in = getClass().getClassLoader().getResourceAsStream("availability-example.yaml")) {
            Files.write(dir.resolve("availability.yaml"), in.readAllBytes());
        }
        Files.writeString(dir.resolve("gateway.yaml"), config(""));
        service = RoutingService.create(GatewayConfig.load(dir.resolve("gateway.yaml")), dir, new SplittableRandom(1),
                registry);
    }

    @Test
    void routesToTheCheapestTrunkFirstWrittenAsEachWantsIt() {
        RouteDecision d = service.route("JP", "090-1234-5678", BEFORE_MAY_9);

        assertThat(d).isInstanceOf(RouteDecision.Routed.class);
        RouteDecision.Routed routed = (RouteDecision.Routed) d;
        assertThat(routed.number()).isEqualTo(new PhoneNumberInfo("+819012345678", "819012345678", "JP", NumberType.MOBILE));
        assertThat(routed.candidates()).extracting(c -> c.trunk().name()).containsExactly("cheap", "dear");
        assertThat(routed.candidates()).extracting(TrunkCandidate::requestUser)
                .containsExactly("819012345678", "99#+819012345678");
        assertThat(routed.candidates()).extracting(TrunkCandidate::buyRateMicros).containsExactly(50_000L, 60_000L);
        assertThat(service.maxAttempts()).isEqualTo(2);
    }

    @Test
    void refusalsCarryTheirAnswerAndAreCounted() {
        assertThat(refusal(service.route("JP", "110", BEFORE_MAY_9)).sipCode()).isEqualTo(380);
        assertThat(refusal(service.route("US", "1-800-234-5678", BEFORE_MAY_9)).sipCode()).isEqualTo(403);
        assertThat(refusal(service.route("JP", "+62 812 345 678", MAY_9)).reasonPhrase())
                .isEqualTo("Calls to Indonesia are no longer available");
        assertThat(refusal(service.route("JP", "+44 20 7946 0018", BEFORE_MAY_9)))
                .isEqualTo(RoutingRefusal.noRoute("United Kingdom"));
        service.route("JP", "+62 812 345 678", BEFORE_MAY_9);

        assertThat(registry.get("routing.decisions").tag("outcome", "emergency").counter().count()).isEqualTo(1);
        assertThat(registry.get("routing.decisions").tag("outcome", "toll_free").counter().count()).isEqualTo(1);
        assertThat(registry.get("routing.decisions").tag("outcome", "country_inbound_closed").counter().count())
                .isEqualTo(1);
        assertThat(registry.get("routing.decisions").tag("outcome", "routed").counter().count()).isEqualTo(1);
    }

    @Test
    void busyTrunksGive503AndChannelsShowInMetrics() {
        Trunk cheap = candidates("JP", "+81 3 1234 5678").get(0).trunk();
        assertThat(service.acquire(cheap, BEFORE_MAY_9)).isTrue();

        assertThat(candidates("JP", "+81 3 1234 5678")).extracting(c -> c.trunk().name()).containsExactly("dear");
        assertThat(registry.get("routing.trunk.channels").tag("trunk", "cheap").gauge().value()).isEqualTo(1);
        assertThat(registry.get("routing.trunk.up").tag("trunk", "cheap").gauge().value()).isEqualTo(1);

        Trunk dear = candidates("JP", "+81 3 1234 5678").get(0).trunk();
        service.states().of("dear").recordProbe(false, 1);
        assertThat(registry.get("routing.trunk.up").tag("trunk", "dear").gauge().value()).isEqualTo(0);
        assertThat(refusal(service.route("JP", "+81 3 1234 5678", BEFORE_MAY_9)))
                .isEqualTo(RoutingRefusal.trunksBusy());
        assertThat(dear.name()).isEqualTo("dear");
    }

    @Test
    void badDeckOnReloadIsRefusedWholeAndTheOldTableStays() throws IOException {
        RoutingTable before = service.table();
        Files.writeString(dir.resolve("dear.csv"), "prefix,rate\n81,0.0400\n62,lots\n");

        assertThatThrownBy(() -> service.reload(GatewayConfig.load(dir.resolve("gateway.yaml")), dir))
                .isInstanceOf(ConfigException.class)
                .hasMessage(dir.resolve("dear.csv") + ":3:4: \"lots\" is not a decimal rate"
                        + " (use digits with at most 6 decimals, e.g. 0.0125)");
        assertThat(service.table()).isSameAs(before);

        Files.writeString(dir.resolve("dear.csv"), "prefix,rate\n81,0.0400\n");
        service.reload(GatewayConfig.load(dir.resolve("gateway.yaml")), dir);
        assertThat(candidates("JP", "+81 3 1234 5678")).extracting(c -> c.trunk().name()).containsExactly("dear", "cheap");
    }

    @Test
    void reloadKeepsChannelsOfCallsInProgress() throws IOException {
        Trunk cheap = candidates("JP", "+81 3 1234 5678").get(0).trunk();
        assertThat(service.acquire(cheap, BEFORE_MAY_9)).isTrue();

        service.reload(GatewayConfig.load(dir.resolve("gateway.yaml")), dir);

        assertThat(candidates("JP", "+81 3 1234 5678")).extracting(c -> c.trunk().name()).containsExactly("dear");
        service.release(cheap);
        assertThat(candidates("JP", "+81 3 1234 5678")).extracting(c -> c.trunk().name()).containsExactly("cheap", "dear");
    }

    @Test
    void callerIdentityFollowsEachTrunk() {
        var candidates = candidates("JP", "+81 3 1234 5678");

        CallerIdentity fromOnly = CallerIdentity.forTrunk(candidates.get(0).trunk(), "+819011112222");
        CallerIdentity paiOnly = CallerIdentity.forTrunk(candidates.get(1).trunk(), "+819011112222");

        assertThat(fromOnly).isEqualTo(new CallerIdentity("819011112222", null));
        assertThat(paiOnly).isEqualTo(new CallerIdentity("softswitch", "+819011112222"));
        Trunk both = new Trunk("both", candidates.get(0).trunk().endpoint(), java.util.List.of(""));
        assertThat(CallerIdentity.forTrunk(both, "+819011112222"))
                .isEqualTo(new CallerIdentity("+819011112222", "+819011112222"));
        assertThatThrownBy(() -> CallerIdentity.forTrunk(both, "alice")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void callerCountryComesFromTheVerifiedNumberAndSalesFollowTheSchedule() {
        assertThat(service.countryOf("+819011112222")).contains("JP");
        assertThat(service.countryOf("+18002345678")).contains("US");
        assertThat(service.countryOf("garbage")).isEmpty();
        assertThat(service.salesSuspended("KH", OffsetDateTime.parse("2015-05-23T00:00+09:00").toInstant())).isTrue();
        assertThat(service.salesSuspended("JP", OffsetDateTime.parse("2015-05-23T00:00+09:00").toInstant())).isFalse();
    }

    private java.util.List<TrunkCandidate> candidates(String caller, String dialled) {
        return ((RouteDecision.Routed) service.route(caller, dialled, BEFORE_MAY_9)).candidates();
    }

    private static RoutingRefusal refusal(RouteDecision d) {
        assertThat(d).isInstanceOf(RouteDecision.Refused.class);
        return ((RouteDecision.Refused) d).refusal();
    }
}
