package dev.softswitch.gateway.routing;

import dev.softswitch.gateway.config.ConfigException;
import dev.softswitch.gateway.config.GatewayConfig;
import dev.softswitch.gateway.routing.NumberClassifier.Callable;
import dev.softswitch.gateway.routing.NumberClassifier.Classification;
import dev.softswitch.gateway.routing.NumberClassifier.Refused;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The routing facade the B2BUA calls for each new call: normalise and classify the dialled number
 * (RTE-1/2), check dated availability and service closure (RTE-3/6), and list the trunks to try
 * (RTE-4). The table is an immutable {@link RoutingTable} swapped atomically on {@link #reload}; trunk
 * state (channels, CPS, up/down) lives in {@link TrunkStates} and survives reloads, so calls in
 * progress are untouched. Safe to call from several threads when the {@link RandomGenerator} given
 * is (the B2BUA calls it from the single SIP core thread, where any generator will do).
 *
 * <p>Metrics: {@code routing.decisions{outcome}} counts every decision ({@code routed} or the
 * refusal's outcome); {@code routing.trunk.up{trunk}} is 1 or 0 and {@code routing.trunk.channels{trunk}}
 * the channels in use.
 */
public final class RoutingService {

    private static final Logger LOG = LoggerFactory.getLogger(RoutingService.class);
    private static final String ROUTED = "routed";

    private final AtomicReference<RoutingTable> table;
    private final TrunkStates states;
    private final RandomGenerator random;
    private final MeterRegistry registry;
    private final Map<String, Counter> decisions = new ConcurrentHashMap<>();
    private final Set<String> gauged = ConcurrentHashMap.newKeySet();

    public RoutingService(RoutingTable table, TrunkStates states, RandomGenerator random, MeterRegistry registry) {
        this.table = new AtomicReference<>(Objects.requireNonNull(table, "table"));
        this.states = Objects.requireNonNull(states, "states");
        this.random = Objects.requireNonNull(random, "random");
        this.registry = Objects.requireNonNull(registry, "registry");
        bindTrunkGauges(table.selector().trunks());
    }

    /** A service for a loaded gateway configuration; decks and availability are read relative to {@code baseDir}. */
    public static RoutingService create(GatewayConfig config, Path baseDir, RandomGenerator random,
                                        MeterRegistry registry) {
        TrunkStates states = new TrunkStates();
        return new RoutingService(RoutingTable.load(config, baseDir, states, random), states, random, registry);
    }

    /**
     * Decides how to route a call from a user located in {@code callerCountryIso} (ISO 3166 alpha-2,
     * usually the country of the account's verified number) who dialled {@code dialledUserPart} (the
     * Request-URI user part), at {@code now}. Never throws on bad input.
     */
    public RouteDecision route(String callerCountryIso, String dialledUserPart, Instant now) {
        RouteDecision d = decide(callerCountryIso, dialledUserPart, now);
        count(d instanceof RouteDecision.Refused r ? r.refusal().outcome() : ROUTED);
        return d;
    }

    /**
     * What {@link #route} would decide now, without counting it: for the dial pad (OPS-2), which asks
     * before any call is placed.
     */
    public RouteDecision preview(String callerCountryIso, String dialledUserPart, Instant now) {
        return decide(callerCountryIso, dialledUserPart, now);
    }

    private RouteDecision decide(String callerCountryIso, String dialledUserPart, Instant now) {
        RoutingTable t = table.get();
        Classification c = t.classifier().classify(callerCountryIso, dialledUserPart);
        if (c instanceof Refused r) {
            return new RouteDecision.Refused(r.refusal(), r.number());
        }
        PhoneNumberInfo number = ((Callable) c).number();
        Optional<RoutingRefusal> closed = t.availability().check(callerCountryIso, number.regionCode(), now);
        if (closed.isPresent()) {
            return new RouteDecision.Refused(closed.get(), number);
        }
        List<TrunkCandidate> candidates = t.selector().candidates(number.digits(), now);
        if (candidates.isEmpty()) {
            return new RouteDecision.Refused(t.selector().serves(number.digits()) ? RoutingRefusal.trunksBusy()
                    : RoutingRefusal.noRoute(CountryAvailability.countryName(number.regionCode())), number);
        }
        return new RouteDecision.Routed(number, candidates);
    }

    /** Takes a channel and CPS token of the candidate's trunk before sending to it; false: try the next. */
    public boolean acquire(Trunk trunk, Instant now) {
        return states.of(trunk.name()).tryAcquire(trunk, now);
    }

    /** Gives back the channel taken by {@link #acquire} when the attempt fails or the call ends. */
    public void release(Trunk trunk) {
        states.of(trunk.name()).release();
    }

    /** Whether credit sales to users in {@code countryIso} are suspended at {@code now} (for charging). */
    public boolean salesSuspended(String countryIso, Instant now) {
        return table.get().availability().salesSuspended(countryIso, now);
    }

    /** How many candidates one call may try (RTE-5). */
    public int maxAttempts() {
        return table.get().maxAttempts();
    }

    /** How long one carrier attempt may go unanswered before it is CANCELled (the next trunk is tried). */
    public java.time.Duration ringTimeout() {
        return table.get().ringTimeout();
    }

    /** The country of a verified E.164 number, e.g. {@code JP} for {@code +8190…}; empty when unknown. */
    public Optional<String> countryOf(String verifiedE164) {
        Classification c = table.get().classifier().classify(null, verifiedE164);
        if (c instanceof Callable ok) {
            return Optional.of(ok.number().regionCode());
        }
        return Optional.ofNullable(((Refused) c).number()).map(PhoneNumberInfo::regionCode);
    }

    /** The trunk whose address {@code source} is (IP and port), or empty: a set lookup, for the trunk ACL. */
    public Optional<Trunk> trunkAt(InetSocketAddress source) {
        return table.get().selector().trunkAt(source);
    }

    /** The current table. */
    public RoutingTable table() {
        return table.get();
    }

    /** The live trunk states (for the prober and metrics). */
    public TrunkStates states() {
        return states;
    }

    /** Swaps in {@code next}; calls already routed keep the trunks they were given. */
    public void reload(RoutingTable next) {
        table.set(Objects.requireNonNull(next, "next"));
        bindTrunkGauges(next.selector().trunks());
        LOG.info("routing table reloaded: {} trunks", next.selector().trunks().size());
    }

    /**
     * Builds a new table from {@code config} and swaps it in; when a deck or the availability file is
     * bad, throws {@link ConfigException} naming each bad line and keeps the current table.
     */
    public void reload(GatewayConfig config, Path baseDir) {
        reload(RoutingTable.load(config, baseDir, states, random));
    }

    private void count(String outcome) {
        decisions.computeIfAbsent(outcome, o -> Counter.builder("routing.decisions")
                .description("Routing decisions, by outcome").tag("outcome", o).register(registry)).increment();
    }

    private void bindTrunkGauges(List<Trunk> trunks) {
        for (Trunk t : trunks) {
            if (!gauged.add(t.name())) {
                continue;
            }
            TrunkState s = states.of(t.name());
            Gauge.builder("routing.trunk.up", s, st -> st.isUp() ? 1 : 0)
                    .description("1 while OPTIONS probing finds the trunk answering").tag("trunk", t.name())
                    .register(registry);
            Gauge.builder("routing.trunk.channels", s, TrunkState::channelsInUse)
                    .description("Channels in use on the trunk").tag("trunk", t.name()).register(registry);
        }
    }
}
