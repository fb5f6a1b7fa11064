package dev.softswitch.gateway.routing;

import dev.softswitch.gateway.config.AvailabilityConfig;
import dev.softswitch.gateway.config.CountryRuleConfig;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Dated availability per country (RTE-3) on top of the service closure schedule (RTE-6). Immutable;
 * every answer is for the instant passed in, so a rule takes effect at its time without a restart,
 * and a reload swaps in a new value.
 */
public final class CountryAvailability {

    /** Nothing switched off, ever. */
    public static final CountryAvailability OPEN = new CountryAvailability(ServiceSchedule.NONE, Map.of());

    /** One country's rules; {@link Instant#MAX} means never. */
    public record CountryRule(String country, String name, Instant outboundOff, Instant inboundOff,
                              Instant salesSuspended) {
        public CountryRule {
            Objects.requireNonNull(country, "country");
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(outboundOff, "outboundOff");
            Objects.requireNonNull(inboundOff, "inboundOff");
            Objects.requireNonNull(salesSuspended, "salesSuspended");
        }
    }

    private final ServiceSchedule service;
    private final Map<String, CountryRule> rules;

    public CountryAvailability(ServiceSchedule service, Map<String, CountryRule> rules) {
        this.service = Objects.requireNonNull(service, "service");
        this.rules = Map.copyOf(rules);
    }

    public static CountryAvailability from(AvailabilityConfig config) {
        Map<String, CountryRule> rules = new HashMap<>();
        for (CountryRuleConfig c : config.countries()) {
            rules.put(c.country(), new CountryRule(c.country(), c.name() != null ? c.name() : countryName(c.country()),
                    ServiceSchedule.orNever(c.outboundOff()), ServiceSchedule.orNever(c.inboundOff()),
                    ServiceSchedule.orNever(c.salesSuspended())));
        }
        return new CountryAvailability(ServiceSchedule.from(config.service()), rules);
    }

    /**
     * Whether a call from a user located in {@code callerCountry} to a number in {@code calleeCountry}
     * (ISO 3166 alpha-2; null when unknown) may start at {@code now}; the refusal says why not. The
     * service-wide end of calls is checked first, then the caller's country, then the callee's.
     */
    public Optional<RoutingRefusal> check(String callerCountry, String calleeCountry, Instant now) {
        if (!service.callsOpen(now)) {
            return Optional.of(RoutingRefusal.serviceEnded());
        }
        CountryRule from = find(callerCountry);
        if (from != null && !now.isBefore(from.outboundOff())) {
            return Optional.of(RoutingRefusal.outboundClosed(from.name()));
        }
        CountryRule to = find(calleeCountry);
        if (to != null && !now.isBefore(to.inboundOff())) {
            return Optional.of(RoutingRefusal.inboundClosed(to.name()));
        }
        return Optional.empty();
    }

    /** Whether credit sales to users in {@code country} are suspended at {@code now}, service-wide or there. */
    public boolean salesSuspended(String country, Instant now) {
        if (!service.salesOpen(now)) {
            return true;
        }
        CountryRule rule = find(country);
        return rule != null && !now.isBefore(rule.salesSuspended());
    }

    public ServiceSchedule service() {
        return service;
    }

    /** The rule for {@code country}, if any. */
    public Optional<CountryRule> rule(String country) {
        return Optional.ofNullable(find(country));
    }

    private CountryRule find(String country) {
        if (country == null) {
            return null;
        }
        CountryRule r = rules.get(country);
        return r != null ? r : rules.get(country.toUpperCase(Locale.ROOT));
    }

    /** The English short name of an ISO 3166 code, e.g. {@code KR} -> {@code South Korea}. */
    public static String countryName(String iso) {
        if ("001".equals(iso)) {
            return "international network numbers";
        }
        String name = new Locale("", iso).getDisplayCountry(Locale.ENGLISH);
        return name.isEmpty() || name.equals(iso) ? iso : name;
    }
}
