package dev.softswitch.gateway.config;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** Reads the {@code charging:} section: products (or one currency with inline rates), accounts, journal. */
final class ChargingConfigReader {

    private ChargingConfigReader() {
    }

    static ChargingConfig charging(MappingReader r) {
        List<ProductConfig> products;
        if (r.present("products")) {
            products = r.mappings("products", "- { name: line-out, currency: USD, rates: [...] }", "name",
                    "product name", ChargingConfigReader::product);
            for (String legacy : List.of("currency", "rates")) {
                if (r.present(legacy)) {
                    r.parsed(legacy, "(remove it)", t -> null, "nothing here: with products, each product has its"
                            + " own currency and rates");
                }
            }
        } else {
            String currency = r.text("currency", "USD");
            var rates = r.mappings("rates", "- { prefix: \"44\", destination: UK, perMinute: \"0.0250\","
                    + " increments: 60/60 }", "prefix", "prefix", ChargingConfigReader::rate);
            var accounts = r.mappings("accounts", "- { id: alice, balance: \"10.00\" }", "id", "account id",
                    ChargingConfigReader::account);
            String journal = r.text("journal", "./var/journal", null);
            StoreConfig store = store(r);
            Duration commit = duration(r, "journalCommitInterval", "10ms", ChargingConfig.DEFAULT_COMMIT_INTERVAL);
            Duration history = duration(r, "historyPeriod", "180d", ChargingConfig.DEFAULT_HISTORY_PERIOD);
            return r.build(() -> new ChargingConfig(List.of(new ProductConfig(ChargingConfig.DEFAULT_PRODUCT, currency,
                    "included", "0", "UTC", null, null, null, null, rates, List.of(), List.of(), List.of(),
                    FairUseConfig.NONE)), accounts,
                    journal, store, commit, history));
        }
        var accounts = r.mappings("accounts", "- { id: alice, balance: \"10.00\" }", "id", "account id",
                ChargingConfigReader::account);
        String journal = r.text("journal", "./var/journal", null);
        StoreConfig store = store(r);
        Duration commit = duration(r, "journalCommitInterval", "10ms", ChargingConfig.DEFAULT_COMMIT_INTERVAL);
        Duration history = duration(r, "historyPeriod", "180d", ChargingConfig.DEFAULT_HISTORY_PERIOD);
        return r.build(() -> new ChargingConfig(products, accounts, journal, store, commit, history));
    }

    private static StoreConfig store(MappingReader r) {
        return r.mapping("store", "{ type: redis, uri: redis://127.0.0.1:6379, node: gw1 }", t -> {
            StoreConfig d = StoreConfig.EMBEDDED;
            String type = t.text("type", "embedded or redis", d.type());
            List<String> uris = t.present("uri") ? List.of(t.text("uri", "redis://127.0.0.1:6379"))
                    : t.texts("uris", "[redis://10.0.0.1:6379, redis://10.0.0.2:6379]", d.uris());
            Boolean cluster = t.bool("cluster", false);
            String env = System.getenv("HOSTNAME");
            String node = t.text("node", "gw1", env == null || env.isBlank() ? d.node() : env);
            String prefix = t.text("prefix", "softswitch:", d.prefix());
            Duration timeout = duration(t, "timeout", "1s", d.timeout());
            String durability = t.text("durability", "fsync, replicas or unchecked", d.durability());
            Integer replicas = t.integer("replicas", "1", d.replicas());
            Duration heartbeat = duration(t, "heartbeat", "1s", d.heartbeat());
            Duration lapse = duration(t, "lapse", "5s", d.lapse());
            return t.build(() -> new StoreConfig(type, uris, cluster, node, prefix, timeout, durability, replicas,
                    heartbeat, lapse));
        }, StoreConfig.EMBEDDED);
    }

    private static Duration duration(MappingReader r, String key, String example, Duration fallback) {
        return r.present(key) ? r.parsed(key, example, GatewayConfigReader::parseDuration, "a duration") : fallback;
    }

    private static ProductConfig product(MappingReader r) {
        String name = r.text("name", "line-out");
        String currency = r.text("currency", "USD");
        String[] tax = r.mapping("tax", "{ mode: added, percent: \"10\" }", t -> {
            String mode = t.text("mode", "included or added");
            String percent = t.text("percent", "\"10\"");
            return t.build(() -> new String[] {mode, percent});
        }, new String[] {"included", "0"});
        String zone = r.text("zone", "Asia/Tokyo", "UTC");
        String homeCountry = r.text("homeCountry", "JP", null);
        String cap = r.text("internationalCap", "\"20000\"", null);
        String coinValue = r.text("coinValue", "\"0.01\"", null);
        Duration creditValidity = r.present("creditValidity")
                ? r.parsed("creditValidity", "180d", GatewayConfigReader::parseDuration, "a duration") : null;
        var rates = r.mappings("rates", "- { prefix: \"44\", destination: UK, perMinute: \"0.0250\","
                + " increments: 60/60 }", "prefix", "prefix", ChargingConfigReader::rate, List.of());
        var decks = r.mappings("decks", "- { file: line-out-rates.csv, from: 2026-01-01T00:00Z }", null, "deck",
                ChargingConfigReader::deck, List.of());
        var plans = r.mappings("plans", "- { name: usa-60, prefixes: [\"1\"], minutes: 60, price: \"2.99\" }", "name",
                "plan name", ChargingConfigReader::plan, List.of());
        var packages = r.mappings("packages", "- { name: talk-100, freeMinutes: 100, prefixes: [\"66\"] }", "name",
                "package name", ChargingConfigReader::monthlyPackage, List.of());
        FairUseConfig fairUse = r.mapping("fairUse", "{ shortCalls: { shorterThan: 6s, window: 10m, steps: [...] } }",
                FairUseConfigReader::fairUse, FairUseConfig.NONE);
        return r.build(() -> new ProductConfig(name, currency, tax == null ? null : tax[0],
                tax == null ? null : tax[1], zone, homeCountry, cap, coinValue, creditValidity, rates, decks, plans,
                packages, fairUse));
    }

    private static ProductConfig.DeckConfig deck(MappingReader r) {
        String file = r.text("file", "line-out-rates.csv");
        Instant from = GatewayConfigReader.instant(r, "from");
        return r.build(() -> new ProductConfig.DeckConfig(file, from));
    }

    private static ProductConfig.PlanConfig plan(MappingReader r) {
        String name = r.text("name", "usa-60");
        var prefixes = r.texts("prefixes", "[\"1\"]");
        Integer minutes = r.integer("minutes", "60");
        String price = r.text("price", "\"2.99\"");
        Duration validity = GatewayConfigReader.duration(r, "validity", Duration.ofDays(30));
        return r.build(() -> new ProductConfig.PlanConfig(name, prefixes, minutes, price, validity));
    }

    private static ProductConfig.PackageConfig monthlyPackage(MappingReader r) {
        String name = r.text("name", "talk-100");
        Integer free = r.integer("freeMinutes", "100");
        var prefixes = r.texts("prefixes", "[\"66\"]");
        return r.build(() -> new ProductConfig.PackageConfig(name, free, prefixes));
    }

    private static RateConfig rate(MappingReader r) {
        String prefix = r.text("prefix", "\"44\"");
        String destination = r.text("destination", "United Kingdom");
        String perMinute = r.text("perMinute", "\"0.0250\"");
        String connectFee = r.text("connectFee", "\"0\"", "0");
        int[] increments = r.parsed("increments", "60/60", GatewayConfigReader::parseIncrements,
                "a pair of increments in seconds");
        return r.build(() -> new RateConfig(prefix, destination, perMinute, connectFee, increments[0], increments[1]));
    }

    private static AccountConfig account(MappingReader r) {
        String id = r.text("id", "alice");
        String balance = r.text("balance", "\"10.00\"", "0");
        String number = r.text("number", "\"+447700900001\"", null);
        String country = r.text("country", "GB", null);
        String ha1Sha256 = r.text("ha1Sha256", "\"<64 hex digits from: java -jar gateway.jar hash-password ID>\"", null);
        String ha1Md5 = r.text("ha1Md5", "\"<32 hex digits from: java -jar gateway.jar hash-password ID>\"", null);
        String product = r.text("product", "line-out", null);
        String zone = r.text("zone", "Asia/Tokyo", null);
        String monthlyPackage = r.text("package", "XS", null);
        return r.build(() -> new AccountConfig(id, balance, number, country, ha1Sha256, ha1Md5, product, zone,
                monthlyPackage));
    }
}
