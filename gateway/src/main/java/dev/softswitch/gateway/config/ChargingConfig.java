package dev.softswitch.gateway.config;

import java.util.List;

/**
 * Prepaid charging: the products accounts are sold as, the accounts, and where the durable journal lives (CHG-7;
 * null keeps balances in memory only, lost at exit). A file with one {@code currency} and inline {@code rates}
 * instead of {@code products} describes one product named {@value #DEFAULT_PRODUCT}.
 */
public record ChargingConfig(List<ProductConfig> products, List<AccountConfig> accounts, String journal,
                             StoreConfig store) {

    /** The product of a configuration written with {@code currency} and {@code rates} only. */
    public static final String DEFAULT_PRODUCT = "default";

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
