package dev.softswitch.charging.tariff;

/**
 * The category of number a rate covers, the rate deck's {@code number_type} column; premium-rate numbers never use
 * package free minutes (CHG-5, seed 004). Not the gateway's number classification, which comes from the numbering plan.
 */
public enum RateCategory {
    LANDLINE,
    MOBILE,
    PREMIUM,
    OTHER
}
