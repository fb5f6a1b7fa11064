package dev.softswitch.charging.product;

/** What a product sells and applies to its accounts' calls. */
public enum Feature {
    /** Credit lots, each with its expiry, spent earliest expiry first (CHG-3). */
    CREDIT,
    /** A coin wallet: calls charged in whole coins, an odd count rounded up to even (CHG-3, LINE Coin). */
    COINS,
    /** 30-day plans of minutes for some countries (CHG-4). */
    PLANS,
    /** A monthly package of free minutes (CHG-5). */
    PACKAGES,
    /** A monthly cap on international spend in the account's time zone (CHG-9). */
    CAP
}
