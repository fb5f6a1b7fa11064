package dev.softswitch.charging.fairuse;

import java.time.ZoneId;
import java.util.Objects;

/** The product an account is watched under: its name, fair-use policy, time zone (months) and currency. */
public record FairUseScope(String product, FairUsePolicy policy, ZoneId zone, String currency) {

    public FairUseScope {
        Objects.requireNonNull(product, "product");
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(zone, "zone");
        Objects.requireNonNull(currency, "currency");
    }
}
