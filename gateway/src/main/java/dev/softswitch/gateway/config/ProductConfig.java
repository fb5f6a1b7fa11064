package dev.softswitch.gateway.config;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What accounts are sold as (issue 12): a product's currency, its tax, its sell rates (inline {@code rates}, or
 * CSV {@code decks} that take effect at stated instants, CHG-2), the accounts' time zone and home country, and
 * which of credit lots (with their validity), coins, 30-day plans, a monthly package and a monthly international
 * cap apply.
 *
 * @param taxMode          {@code included} (LINE Out) or {@code added} (seed 003 and 004)
 * @param taxPercent       exact decimal with at most two places, e.g. {@code "10"} or {@code "7"}
 * @param homeCountry      ISO 3166 code of the accounts' home country (calls elsewhere count against the cap), or null
 * @param internationalCap monthly international spend cap (CHG-9), or null
 * @param coinValue        the value of one coin when accounts are coin wallets (CHG-3), or null
 * @param creditValidity   how long a bought credit lot lasts, or null for never
 * @param fairUse          the fair-use detectors watching the product's accounts (FUP-1, FUP-2)
 */
public record ProductConfig(String name, String currency, String taxMode, String taxPercent, String zone,
                            String homeCountry, String internationalCap, String coinValue, Duration creditValidity,
                            List<RateConfig> rates, List<DeckConfig> decks, List<PlanConfig> plans,
                            List<PackageConfig> packages, FairUseConfig fairUse) {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]+");
    private static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");
    private static final Pattern PERCENT = Pattern.compile("[0-9]{1,2}(\\.[0-9]{1,2})?");

    /** A CSV sell deck ({@code prefix,destination,currency,price_per_minute,...}) in effect from {@code from}. */
    public record DeckConfig(String file, Instant from) {
        public DeckConfig {
            Checks.notBlank("file", file);
        }
    }

    /** A 30-day plan (CHG-4): {@code minutes} to numbers starting with {@code prefixes}, for {@code price}. */
    public record PlanConfig(String name, List<String> prefixes, int minutes, String price, Duration validity) {
        public PlanConfig {
            Checks.notBlank("name", name);
            Checks.nonEmpty("prefixes", prefixes, "[\"1\"] for the USA and Canada");
            prefixes.forEach(p -> Checks.digitPrefix("prefixes", p, false));
            Checks.between("minutes", minutes, 1, 1_000_000);
            Checks.decimal("price", price);
            Checks.positive("validity", validity);
        }
    }

    /** A monthly package (CHG-5): {@code freeMinutes} a month to numbers starting with {@code prefixes}. */
    public record PackageConfig(String name, int freeMinutes, List<String> prefixes) {
        public PackageConfig {
            Checks.notBlank("name", name);
            Checks.between("freeMinutes", freeMinutes, 0, 1_000_000);
            Checks.nonEmpty("prefixes", prefixes, "[\"66\"] for Thai numbers");
            prefixes.forEach(p -> Checks.digitPrefix("prefixes", p, false));
        }
    }

    public ProductConfig {
        if (!NAME.matcher(Checks.notBlank("name", name)).matches()) {
            throw new InvalidValueException("name", "\"" + name
                    + "\" is not a product name (use letters, digits and . _ -)");
        }
        if (!CURRENCY.matcher(Checks.present("currency", currency)).matches()) {
            throw new InvalidValueException("currency", "\"" + currency
                    + "\" is not a currency code (use three capital letters, e.g. USD)");
        }
        if (!"included".equals(taxMode) && !"added".equals(taxMode)) {
            throw new InvalidValueException("tax", "mode \"" + taxMode + "\" is not included or added");
        }
        if (!PERCENT.matcher(taxPercent).matches()) {
            throw new InvalidValueException("tax", "percent \"" + taxPercent
                    + "\" is not a percentage (use a decimal with at most two places, e.g. \"7\" or \"10\")");
        }
        Checks.zone("zone", zone);
        Checks.country("homeCountry", homeCountry, "JP");
        if (internationalCap != null) {
            Checks.decimal("internationalCap", internationalCap);
        }
        if (coinValue != null) {
            Checks.decimal("coinValue", coinValue);
        }
        if (creditValidity != null) {
            Checks.positive("creditValidity", creditValidity);
        }
        fairUse = fairUse == null ? FairUseConfig.NONE : fairUse;
        rates = List.copyOf(rates);
        Checks.unique("rates", rates, RateConfig::prefix, "prefix");
        decks = List.copyOf(decks);
        plans = List.copyOf(plans);
        Checks.unique("plans", plans, PlanConfig::name, "plan name");
        packages = List.copyOf(packages);
        Checks.unique("packages", packages, PackageConfig::name, "package name");
        if (!rates.isEmpty() && !decks.isEmpty()) {
            throw new InvalidValueException("rates", "product \"" + name + "\" needs its sell rates either inline"
                    + " (rates: [...]) or from CSV files (decks: [{ file: rates.csv }]), not both");
        }
        if (decks.stream().filter(d -> d.from() == null).count() > 1) {
            throw new InvalidValueException("decks", "more than one deck has no \"from\" (give every deck but the"
                    + " first its start, e.g. from: 2026-01-01T00:00+09:00)");
        }
    }

    /** The tax in basis points (hundredths of a percent). */
    public int taxBasisPoints() {
        String[] parts = taxPercent.split("\\.");
        int whole = Integer.parseInt(parts[0]) * 100;
        if (parts.length == 1) {
            return whole;
        }
        String frac = (parts[1] + "0").substring(0, 2);
        return whole + Integer.parseInt(frac);
    }
}
