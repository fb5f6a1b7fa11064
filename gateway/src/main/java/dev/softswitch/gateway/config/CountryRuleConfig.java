package dev.softswitch.gateway.config;

import java.time.Instant;
import java.util.Locale;
import java.util.Set;

/**
 * Dated availability of one country (RTE-3), by ISO 3166 alpha-2 code: calls from users located
 * there end at {@code outboundOff}, calls to numbers there at {@code inboundOff}, credit sales there
 * at {@code salesSuspended}. Each instant is optional (null = never); {@code name} overrides the
 * English country name used in reason phrases.
 */
public record CountryRuleConfig(String country, String name, Instant outboundOff, Instant inboundOff,
                                Instant salesSuspended) {

    private static final Set<String> ISO = Set.of(Locale.getISOCountries());

    public CountryRuleConfig {
        Checks.notBlank("country", country);
        if (!ISO.contains(country)) {
            throw new InvalidValueException("country", "\"" + country
                    + "\" is not an ISO 3166 country code (use two capital letters, e.g. ID for Indonesia)");
        }
        if (name != null) {
            Checks.notBlank("name", name);
        }
        if (outboundOff == null && inboundOff == null && salesSuspended == null) {
            throw new InvalidValueException("country", "says nothing about " + country
                    + " (add outboundOff, inboundOff or salesSuspended: 2023-05-09T00:00+09:00)");
        }
    }
}
