package dev.softswitch.charging.account;

import dev.softswitch.charging.money.Money;

import java.util.Objects;

/**
 * A prepaid account; it holds money in exactly one currency.
 *
 * @param id       non-blank account id
 * @param currency ISO 4217 code of the account's balance
 */
public record Account(String id, String currency) {

    public Account {
        Objects.requireNonNull(id, "id");
        if (id.isBlank()) {
            throw new IllegalArgumentException("account id is blank");
        }
        Money.zero(currency); // validates the currency code
    }
}
