package dev.softswitch.charging.account;

import java.util.List;
import java.util.Objects;

/**
 * A monthly package (CHG-5, seed 004): {@code freeMinutes} per calendar month in the account's zone for
 * domestic, non-premium numbers starting with one of {@code prefixes}; no carry-over. Excess minutes are charged
 * by the rate deck (0.99 THB per minute plus 7 % VAT in seed 004).
 */
public record MonthlyPackage(String name, int freeMinutes, List<String> prefixes) {
    public MonthlyPackage {
        Objects.requireNonNull(name, "name");
        prefixes = List.copyOf(prefixes);
        if (freeMinutes < 0) {
            throw new IllegalArgumentException("package '" + name + "': free minutes must not be negative");
        }
    }
}
