package dev.softswitch.gateway.routing;

import dev.softswitch.gateway.config.AvailabilityConfig;
import dev.softswitch.gateway.config.ConfigException;
import dev.softswitch.gateway.config.GatewayConfig;
import dev.softswitch.gateway.config.TrunkConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * One immutable routing snapshot (OPS-3): the number classifier with its refused types, the dated
 * availability and the trunk table with its decks. Built whole or not at all, so a reload either
 * swaps in a complete new table or leaves the old one in place.
 */
public record RoutingTable(NumberClassifier classifier, CountryAvailability availability, TrunkSelector selector,
                           int maxAttempts) {

    public RoutingTable {
        Objects.requireNonNull(classifier, "classifier");
        Objects.requireNonNull(availability, "availability");
        Objects.requireNonNull(selector, "selector");
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1");
        }
    }

    /**
     * Builds the table a gateway configuration describes, reading each trunk's rate deck and the
     * availability file (if any) relative to {@code baseDir}. Every bad deck line and file problem is
     * collected into one {@link ConfigException}.
     */
    public static RoutingTable load(GatewayConfig config, Path baseDir, TrunkStates states, RandomGenerator random) {
        List<String> problems = new ArrayList<>();
        List<Trunk> trunks = new ArrayList<>();
        for (TrunkConfig t : config.trunks()) {
            RateDeck deck = RateDeck.EMPTY;
            if (t.rates() != null) {
                try {
                    deck = RateDeck.load(baseDir.resolve(t.rates())).withCurrency(buyCurrency(t, config));
                } catch (ConfigException e) {
                    problems.addAll(e.problems());
                    continue;
                }
            }
            trunks.add(Trunk.from(t, deck));
        }
        AvailabilityConfig availability = config.availability();
        if (config.routing().availabilityFile() != null) {
            try {
                availability = AvailabilityConfig.load(baseDir.resolve(config.routing().availabilityFile()));
            } catch (ConfigException e) {
                problems.addAll(e.problems());
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        Set<NumberType> refused = EnumSet.noneOf(NumberType.class);
        config.routing().refusedNumberTypes().forEach(n -> refused.add(NumberType.valueOf(n)));
        return new RoutingTable(new NumberClassifier(refused), CountryAvailability.from(availability),
                new TrunkSelector(trunks, states, random), config.routing().maxAttempts());
    }

    /** The trunk's buy currency: as configured, else (with a warning) the charging currency. */
    private static String buyCurrency(TrunkConfig t, GatewayConfig config) {
        if (t.currency() != null) {
            return t.currency();
        }
        String assumed = config.charging().products().get(0).currency();
        org.slf4j.LoggerFactory.getLogger(RoutingTable.class).warn("trunk {}: rates: {} has no currency:; taking the"
                + " first product's currency {} (add currency: to the trunk if the carrier bills in another)", t.name(),
                t.rates(), assumed);
        return assumed;
    }
}
