package dev.softswitch.charging.account;

import dev.softswitch.charging.money.Money;

import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;

/**
 * How an account is opened: currency, time zone (its months for caps and packages), home country calling code
 * (calls elsewhere are international), monthly international spend cap (CHG-9) and, for a coin wallet, the
 * value of one credit (CHG-3).
 *
 * @param internationalCap null for no cap
 * @param coinCredit       null unless the account is a coin wallet
 * @param product          the name of the product the account belongs to; {@code ""} for the engine's default
 */
public record AccountOptions(String currency, ZoneId zone, String homePrefix, Money internationalCap,
                             Money coinCredit, String product) {

    /** Options of an account outside any named product (the engine's default product prices it). */
    public AccountOptions(String currency, ZoneId zone, String homePrefix, Money internationalCap, Money coinCredit) {
        this(currency, zone, homePrefix, internationalCap, coinCredit, "");
    }

    public AccountOptions {
        Money.zero(currency);
        Objects.requireNonNull(zone, "zone");
        Objects.requireNonNull(homePrefix, "homePrefix");
        Objects.requireNonNull(product, "product");
        if (internationalCap != null) {
            Money.zero(currency).requireSameCurrency(internationalCap);
            if (internationalCap.isNegative()) {
                throw new IllegalArgumentException("cap must not be negative: " + internationalCap);
            }
        }
        if (coinCredit != null) {
            Money.zero(currency).requireSameCurrency(coinCredit);
            if (!coinCredit.isPositive()) {
                throw new IllegalArgumentException("coin credit value must be positive: " + coinCredit);
            }
        }
    }

    /** UTC, no home country, no cap, not a coin wallet. */
    public static AccountOptions of(String currency) {
        return new AccountOptions(currency, ZoneOffset.UTC, "", null, null);
    }

    public AccountOptions withZone(ZoneId newZone) {
        return new AccountOptions(currency, newZone, homePrefix, internationalCap, coinCredit, product);
    }

    public AccountOptions withHomePrefix(String prefix) {
        return new AccountOptions(currency, zone, prefix, internationalCap, coinCredit, product);
    }

    public AccountOptions withInternationalCap(Money cap) {
        return new AccountOptions(currency, zone, homePrefix, cap, coinCredit, product);
    }

    public AccountOptions withCoinCredit(Money credit) {
        return new AccountOptions(currency, zone, homePrefix, internationalCap, credit, product);
    }

    public AccountOptions withProduct(String name) {
        return new AccountOptions(currency, zone, homePrefix, internationalCap, coinCredit, name);
    }
}
