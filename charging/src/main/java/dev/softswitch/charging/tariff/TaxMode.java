package dev.softswitch.charging.tariff;

/** Whether a rate's prices contain the tax (LINE Out) or have it added on top (Japan 10 %, Thailand 7 % VAT). */
public enum TaxMode {
    INCLUDED,
    ADDED
}
