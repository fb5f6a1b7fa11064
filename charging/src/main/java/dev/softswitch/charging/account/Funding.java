package dev.softswitch.charging.account;

/** What pays for one increment of a call: 30-day plan minutes (CHG-4), package free minutes (CHG-5) or credit. */
public enum Funding {
    PLAN,
    PACKAGE,
    CREDIT
}
