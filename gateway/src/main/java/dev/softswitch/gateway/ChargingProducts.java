package dev.softswitch.gateway;

import com.google.i18n.phonenumbers.PhoneNumberUtil;
import dev.softswitch.charging.account.MonthlyPackage;
import dev.softswitch.charging.account.PlanProduct;
import dev.softswitch.charging.money.Money;
import dev.softswitch.charging.product.Product;
import dev.softswitch.charging.product.ProductCatalog;
import dev.softswitch.charging.session.ChargingEngine;
import dev.softswitch.charging.tariff.Rate;
import dev.softswitch.charging.tariff.RateCategory;
import dev.softswitch.charging.tariff.RateDeckCsvParser;
import dev.softswitch.charging.tariff.RateDeckError;
import dev.softswitch.charging.tariff.RateDeckException;
import dev.softswitch.charging.tariff.RateSchedule;
import dev.softswitch.charging.tariff.RateTable;
import dev.softswitch.charging.tariff.Tax;
import dev.softswitch.gateway.config.ChargingConfig;
import dev.softswitch.gateway.config.ConfigException;
import dev.softswitch.gateway.config.ProductConfig;
import dev.softswitch.gateway.config.RateConfig;
import dev.softswitch.gateway.routing.ServiceSchedule;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the charging {@link ProductCatalog} a configuration describes: each product's inline rates or CSV sell
 * decks (found beside the configuration file, CHG-2), its tax, plans and packages. Every bad deck line and every
 * mismatch (a deck in another currency or with another tax than its product) is collected into one
 * {@link ConfigException}; nothing is built from a bad file.
 */
final class ChargingProducts {

    private ChargingProducts() {
    }

    static ProductCatalog load(ChargingConfig config, Path baseDir, String sourceName) {
        List<String> problems = new ArrayList<>();
        List<Product> products = new ArrayList<>();
        for (ProductConfig p : config.products()) {
            Product product = product(p, baseDir, sourceName, problems);
            if (product != null) {
                products.add(product);
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return ProductCatalog.of(products);
    }

    private static Product product(ProductConfig p, Path baseDir, String sourceName, List<String> problems) {
        String where = sourceName + ": charging.products[" + p.name() + "]";
        int before = problems.size();
        Tax tax = "added".equals(p.taxMode()) ? Tax.added(p.taxBasisPoints()) : Tax.included(p.taxBasisPoints());
        RateSchedule schedule = null;
        if (!p.rates().isEmpty()) {
            List<Rate> rates = new ArrayList<>();
            for (RateConfig r : p.rates()) {
                try {
                    rates.add(new Rate(r.prefix(), r.destination(), Money.parse(r.perMinute(), p.currency()),
                            Money.parse(r.connectFee(), p.currency()), r.initialIncrement(), r.subsequentIncrement(),
                            tax, RateCategory.OTHER));
                } catch (RuntimeException e) {
                    problems.add(where + ".rates[" + r.prefix() + "]: " + e.getMessage());
                }
            }
            schedule = RateSchedule.of(RateTable.of(p.name(), rates));
        }
        for (ProductConfig.DeckConfig d : p.decks()) {
            Path file = baseDir.resolve(d.file());
            RateTable deck;
            try {
                deck = RateDeckCsvParser.parse(file);
            } catch (RateDeckException e) {
                for (RateDeckError error : e.errors()) {
                    problems.add(file + ":" + error.line() + ": " + error.message());
                }
                continue;
            } catch (IOException e) {
                problems.add(where + ".decks: cannot read " + file + " (" + e.getMessage() + "): put the CSV deck"
                        + " beside the configuration file or give its path");
                continue;
            }
            Instant from = d.from() == null ? Instant.MIN : d.from();
            schedule = schedule == null ? RateSchedule.of(RateTable.empty()).withDeck(from, deck)
                    : schedule.withDeck(from, deck);
        }
        if (problems.size() > before || schedule == null) {
            return null;
        }
        try {
            String homePrefix = p.homeCountry() == null ? ""
                    : Integer.toString(PhoneNumberUtil.getInstance().getCountryCodeForRegion(p.homeCountry()));
            List<PlanProduct> plans = new ArrayList<>();
            for (ProductConfig.PlanConfig plan : p.plans()) {
                plans.add(new PlanProduct(plan.name(), plan.prefixes(), plan.minutes(),
                        Money.parse(plan.price(), p.currency()), plan.validity()));
            }
            List<MonthlyPackage> packages = new ArrayList<>();
            for (ProductConfig.PackageConfig pkg : p.packages()) {
                packages.add(new MonthlyPackage(pkg.name(), pkg.freeMinutes(), pkg.prefixes()));
            }
            Product product = new Product(p.name(), p.currency(), tax, schedule, ZoneId.of(p.zone()), homePrefix,
                    p.internationalCap() == null ? null : Money.parse(p.internationalCap(), p.currency()),
                    p.coinValue() == null ? null : Money.parse(p.coinValue(), p.currency()), p.creditValidity(),
                    plans, packages).withFairUse(p.fairUse().policy(p.currency()));
            for (String problem : product.deckProblems()) {
                problems.add(where + ": " + problem + " (make the deck's currency and tax columns match the product)");
            }
            return product;
        } catch (RuntimeException e) {
            problems.add(where + ": " + e.getMessage());
            return null;
        }
    }

    /**
     * The service closure (RTE-6, seed 000) as charging keeps it: no sale from its sales end on, and no plan renewal
     * once any end is scheduled, i.e. announced.
     */
    static void applyClosure(ChargingEngine charging, ServiceSchedule service) {
        charging.salesEnd(service.salesEnd());
        charging.serviceEndAnnounced(!service.salesEnd().equals(Instant.MAX) || !service.callsEnd().equals(Instant.MAX));
    }
}
