package dev.softswitch.gateway.config;

import dev.softswitch.charging.account.AccountHousekeeping;
import dev.softswitch.charging.account.OperatorActions;
import dev.softswitch.charging.journal.JournalSettings;
import java.time.Duration;
import java.util.List;

/**
 * Prepaid charging: the products accounts are sold as, the accounts, and where the durable journal lives (CHG-7;
 * null keeps balances in memory only, lost at exit). A file with one {@code currency} and inline {@code rates}
 * instead of {@code products} describes one product named {@value #DEFAULT_PRODUCT}. The journal's writer lets
 * {@code journalCommitInterval} pass from one fsync to the next, so that the changes of many calls share one.
 */
public record ChargingConfig(List<ProductConfig> products, List<AccountConfig> accounts, String journal,
                             StoreConfig store, Duration journalCommitInterval, Duration historyPeriod) {

    /** The product of a configuration written with {@code currency} and {@code rates} only. */
    public static final String DEFAULT_PRODUCT = "default";
    /**
     * 10 ms: at most 100 fsyncs a second, for at most 10 ms more before a change is acknowledged. Each fsync costs
     * the writer's thread kernel time, and each batch it completes wakes the SIP core for what it acknowledges: at
     * 1,500 calls a second the gateway spent 12-15 % more CPU a call with 2 ms (bench/README, issue 14, session 30).
     */
    public static final Duration DEFAULT_COMMIT_INTERVAL = Duration.ofMillis(10);
    /** How far back an account's usage history goes unless configured (ACC-1): 180 days. */
    public static final Duration DEFAULT_HISTORY_PERIOD = AccountHousekeeping.DEFAULT_USAGE_RETENTION;
    /** The shortest usage history: a disputed call's charge can be adjusted for 90 days (ACC-2). */
    public static final Duration MIN_HISTORY_PERIOD = OperatorActions.ADJUSTMENT_WINDOW;
    /** The longest: ten years. */
    public static final Duration MAX_HISTORY_PERIOD = Duration.ofDays(3650);

    public ChargingConfig(List<ProductConfig> products, List<AccountConfig> accounts, String journal,
                          StoreConfig store) {
        this(products, accounts, journal, store, DEFAULT_COMMIT_INTERVAL);
    }

    public ChargingConfig(List<ProductConfig> products, List<AccountConfig> accounts, String journal,
                          StoreConfig store, Duration journalCommitInterval) {
        this(products, accounts, journal, store, journalCommitInterval, DEFAULT_HISTORY_PERIOD);
    }

    public ChargingConfig {
        products = List.copyOf(Checks.present("products", products));
        if (products.isEmpty()) {
            throw new InvalidValueException("products", "no product (give at least one, e.g. - { name: line-out,"
                    + " currency: USD, rates: [...] })");
        }
        Checks.unique("products", products, ProductConfig::name, "product name");
        accounts = List.copyOf(Checks.present("accounts", accounts));
        Checks.unique("accounts", accounts, AccountConfig::id, "account id");
        for (AccountConfig a : accounts) {
            if (a.product() != null && products.stream().noneMatch(p -> p.name().equals(a.product()))) {
                throw new InvalidValueException("accounts", "account \"" + a.id() + "\" names product \""
                        + a.product() + "\", which is not configured (products: "
                        + products.stream().map(ProductConfig::name).toList() + ")");
            }
            ProductConfig product = productOf(products, a);
            if (a.monthlyPackage() != null
                    && product.packages().stream().noneMatch(p -> p.name().equals(a.monthlyPackage()))) {
                throw new InvalidValueException("accounts", "account \"" + a.id() + "\" subscribes to package \""
                        + a.monthlyPackage() + "\", which product \"" + product.name() + "\" does not have (packages: "
                        + product.packages().stream().map(ProductConfig.PackageConfig::name).toList() + ")");
            }
        }
        if (journal != null) {
            Checks.notBlank("journal", journal);
        }
        store = store == null ? StoreConfig.EMBEDDED : store;
        journalCommitInterval = journalCommitInterval == null ? DEFAULT_COMMIT_INTERVAL : journalCommitInterval;
        Duration max = JournalSettings.MAX_COMMIT_INTERVAL;
        if (journalCommitInterval.isNegative() || journalCommitInterval.compareTo(max) > 0) {
            throw new InvalidValueException("journalCommitInterval", "is " + journalCommitInterval.toMillis()
                    + "ms; give 0ms (an fsync as soon as a change is queued) to " + max.toMillis() + "ms, e.g. 2ms");
        }
        historyPeriod = historyPeriod == null ? DEFAULT_HISTORY_PERIOD : historyPeriod;
        if (historyPeriod.compareTo(MIN_HISTORY_PERIOD) < 0 || historyPeriod.compareTo(MAX_HISTORY_PERIOD) > 0) {
            throw new InvalidValueException("historyPeriod", "is " + historyPeriod.toDays() + "d; give "
                    + MIN_HISTORY_PERIOD.toDays() + "d (a disputed call's charge can be adjusted for 90 days, ACC-2) to "
                    + MAX_HISTORY_PERIOD.toDays() + "d, e.g. 180d");
        }
    }

    /** The product account {@code a} belongs to: the one it names, else the first. */
    public ProductConfig productOf(AccountConfig a) {
        return productOf(products, a);
    }

    private static ProductConfig productOf(List<ProductConfig> products, AccountConfig a) {
        return a.product() == null ? products.get(0)
                : products.stream().filter(p -> p.name().equals(a.product())).findFirst().orElseThrow();
    }
}
