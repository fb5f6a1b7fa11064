package dev.softswitch.charging.account;

import dev.softswitch.charging.money.Money;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A 30-day plan as sold (CHG-4, seed 001): {@code minutes} for calls to numbers starting with one of
 * {@code prefixes} (country calling codes), valid {@code validity} from purchase, every started minute used.
 */
public record PlanProduct(String name, List<String> prefixes, int minutes, Money price, Duration validity) {

    public static final Duration THIRTY_DAYS = Duration.ofDays(30);

    public PlanProduct {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(price, "price");
        Objects.requireNonNull(validity, "validity");
        prefixes = List.copyOf(prefixes);
        if (prefixes.isEmpty()) {
            throw new IllegalArgumentException("plan '" + name + "' covers no destination");
        }
        if (minutes <= 0) {
            throw new IllegalArgumentException("plan '" + name + "' must give minutes, got " + minutes);
        }
        if (price.isNegative() || validity.isNegative() || validity.isZero()) {
            throw new IllegalArgumentException("plan '" + name + "': bad price or validity");
        }
    }

    public static PlanProduct thirtyDays(String name, List<String> prefixes, int minutes, Money price) {
        return new PlanProduct(name, prefixes, minutes, price, THIRTY_DAYS);
    }
}
