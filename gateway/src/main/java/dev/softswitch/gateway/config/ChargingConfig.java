package dev.softswitch.gateway.config;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Prepaid charging: the ISO 4217 currency, the rate deck, the accounts, and where the durable
 * journal lives (CHG-7; null keeps balances in memory only, lost at exit).
 */
public record ChargingConfig(String currency, List<RateConfig> rates, List<AccountConfig> accounts, String journal) {

    private static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");

    public ChargingConfig {
        if (!CURRENCY.matcher(Checks.present("currency", currency)).matches()) {
            throw new InvalidValueException("currency", "\"" + currency
                    + "\" is not a currency code (use three capital letters, e.g. USD)");
        }
        rates = List.copyOf(Checks.present("rates", rates));
        Checks.unique("rates", rates, RateConfig::prefix, "prefix");
        accounts = List.copyOf(Checks.present("accounts", accounts));
        Checks.unique("accounts", accounts, AccountConfig::id, "account id");
        if (journal != null) {
            Checks.notBlank("journal", journal);
        }
    }

    /** Charging without a journal. */
    public ChargingConfig(String currency, List<RateConfig> rates, List<AccountConfig> accounts) {
        this(currency, rates, accounts, null);
    }
}
