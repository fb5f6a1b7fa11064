package dev.softswitch.charging.tariff;

/** The kind of number a rate covers; premium-rate numbers never use package free minutes (CHG-5, seed 004). */
public enum NumberType {
    LANDLINE,
    MOBILE,
    PREMIUM,
    OTHER
}
