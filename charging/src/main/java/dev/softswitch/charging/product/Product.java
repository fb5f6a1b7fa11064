package dev.softswitch.charging.product;

import dev.softswitch.charging.account.AccountOptions;
import dev.softswitch.charging.account.MonthlyPackage;
import dev.softswitch.charging.account.PlanProduct;
import dev.softswitch.charging.fairuse.FairUsePolicy;
import dev.softswitch.charging.fairuse.FairUseScope;
import dev.softswitch.charging.money.Money;
import dev.softswitch.charging.tariff.Rate;
import dev.softswitch.charging.tariff.RateSchedule;
import dev.softswitch.charging.tariff.Tax;

import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What an account is sold as: its currency, its sell decks (dated changes, CHG-2) with their tax, and which of
 * credit lots, coins, 30-day plans, a monthly package and a spend cap apply. Several products, in several
 * currencies, run in one engine; every account belongs to one.
 *
 * @param zone             the accounts' time zone: months of caps and packages, ends of 30-day plans
 * @param homePrefix       the home country calling code: calls elsewhere are international (cap), "" for none
 * @param internationalCap monthly international spend cap (CHG-9), null for none
 * @param coinValue        the value of one coin when accounts are coin wallets, null otherwise
 * @param creditValidity   how long a bought credit lot lasts (e.g. 180 days), null for credit that never expires
 * @param fairUse          the fair-use detectors watching the product's accounts (FUP-1, FUP-2)
 */
public record Product(String name, String currency, Tax tax, RateSchedule sell, ZoneId zone, String homePrefix,
                      Money internationalCap, Money coinValue, Duration creditValidity, List<PlanProduct> plans,
                      List<MonthlyPackage> packages, FairUsePolicy fairUse) {

    /** A product no fair-use detector watches. */
    public Product(String name, String currency, Tax tax, RateSchedule sell, ZoneId zone, String homePrefix,
                   Money internationalCap, Money coinValue, Duration creditValidity, List<PlanProduct> plans,
                   List<MonthlyPackage> packages) {
        this(name, currency, tax, sell, zone, homePrefix, internationalCap, coinValue, creditValidity, plans,
                packages, FairUsePolicy.NONE);
    }

    public Product {
        Objects.requireNonNull(name, "name");
        Money.zero(currency);
        Objects.requireNonNull(tax, "tax");
        Objects.requireNonNull(sell, "sell");
        Objects.requireNonNull(zone, "zone");
        Objects.requireNonNull(homePrefix, "homePrefix");
        Objects.requireNonNull(fairUse, "fairUse");
        plans = List.copyOf(plans);
        packages = List.copyOf(packages);
        if (creditValidity != null && (creditValidity.isNegative() || creditValidity.isZero())) {
            throw new IllegalArgumentException("product '" + name + "': credit validity must be positive, got "
                    + creditValidity);
        }
        Set<String> names = new HashSet<>();
        for (PlanProduct p : plans) {
            Money.zero(currency).requireSameCurrency(p.price());
            if (!names.add(p.name())) {
                throw new IllegalArgumentException("product '" + name + "' sells two plans named '" + p.name() + "'");
            }
        }
        names.clear();
        for (MonthlyPackage p : packages) {
            if (!names.add(p.name())) {
                throw new IllegalArgumentException("product '" + name + "' has two packages named '" + p.name() + "'");
            }
        }
        // AccountOptions checks the cap and coin value against the currency
        new AccountOptions(currency, zone, homePrefix, internationalCap, coinValue, name);
    }

    /**
     * A product for an engine built on one rate schedule (before products existed): the currency of its first
     * rate ({@code XXX} when it has none), UTC, no home country, credit that never expires.
     */
    public static Product ofSchedule(RateSchedule schedule) {
        String currency = schedule.entries().stream().flatMap(e -> e.deck().rates().stream()).map(Rate::currency)
                .findFirst().orElse("XXX");
        return new Product("", currency, Tax.NONE, schedule, java.time.ZoneOffset.UTC, "", null, null, null,
                List.of(), List.of());
    }

    /**
     * What is wrong with the sell decks for this product: a rate in another currency, or with another tax, than
     * the product's. Empty when nothing is.
     */
    public List<String> deckProblems() {
        List<String> problems = new ArrayList<>();
        for (RateSchedule.Entry entry : sell.entries()) {
            for (Rate rate : entry.deck().rates()) {
                if (!rate.currency().equals(currency)) {
                    problems.add("deck '" + entry.deck().name() + "' prices prefix '" + rate.prefix() + "' in "
                            + rate.currency() + ", but product '" + name + "' sells in " + currency);
                } else if (!rate.tax().equals(tax)) {
                    problems.add("deck '" + entry.deck().name() + "' gives prefix '" + rate.prefix() + "' tax "
                            + rate.tax() + ", but product '" + name + "' has tax " + tax);
                }
            }
        }
        return problems;
    }

    /** This product selling by {@code schedule} instead. */
    public Product withSell(RateSchedule schedule) {
        return new Product(name, currency, tax, schedule, zone, homePrefix, internationalCap, coinValue,
                creditValidity, plans, packages, fairUse);
    }

    /** This product watched by {@code policy} instead. */
    public Product withFairUse(FairUsePolicy policy) {
        return new Product(name, currency, tax, sell, zone, homePrefix, internationalCap, coinValue,
                creditValidity, plans, packages, policy);
    }

    /** What the fair-use detectors need to know of the product. */
    public FairUseScope fairUseScope() {
        return new FairUseScope(name, fairUse, zone, currency);
    }

    /** What the product applies, from what it is configured with. */
    public Set<Feature> features() {
        EnumSet<Feature> f = EnumSet.noneOf(Feature.class);
        f.add(coinValue == null ? Feature.CREDIT : Feature.COINS);
        if (!plans.isEmpty()) {
            f.add(Feature.PLANS);
        }
        if (!packages.isEmpty()) {
            f.add(Feature.PACKAGES);
        }
        if (internationalCap != null) {
            f.add(Feature.CAP);
        }
        return f;
    }

    /** How accounts of this product are opened. */
    public AccountOptions accountOptions() {
        return new AccountOptions(currency, zone, homePrefix, internationalCap, coinValue, name);
    }

    public Optional<PlanProduct> plan(String planName) {
        return plans.stream().filter(p -> p.name().equals(planName)).findFirst();
    }

    public Optional<MonthlyPackage> monthlyPackage(String packageName) {
        return packages.stream().filter(p -> p.name().equals(packageName)).findFirst();
    }
}
