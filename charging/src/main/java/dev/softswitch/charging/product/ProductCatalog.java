package dev.softswitch.charging.product;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The products an engine sells, by name. The first is the default: it prices accounts opened without a product
 * (journals written before products existed, and the single-deck engine of tests).
 */
public final class ProductCatalog {

    private final Map<String, Product> byName = new LinkedHashMap<>();

    private ProductCatalog(List<Product> products) {
        if (products.isEmpty()) {
            throw new IllegalArgumentException("a catalog needs at least one product");
        }
        for (Product p : products) {
            if (byName.putIfAbsent(p.name(), p) != null) {
                throw new IllegalArgumentException("two products are named '" + p.name() + "'");
            }
        }
    }

    public static ProductCatalog of(List<Product> products) {
        return new ProductCatalog(List.copyOf(products));
    }

    public static ProductCatalog of(Product product) {
        return new ProductCatalog(List.of(product));
    }

    /** The product called {@code name}; {@code ""} is the default product. */
    public Optional<Product> find(String name) {
        Objects.requireNonNull(name, "name");
        return name.isEmpty() ? Optional.of(defaultProduct()) : Optional.ofNullable(byName.get(name));
    }

    public Product defaultProduct() {
        return byName.values().iterator().next();
    }

    public List<Product> all() {
        return List.copyOf(byName.values());
    }
}
