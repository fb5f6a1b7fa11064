package dev.softswitch.gateway.routing;

/** How a trunk wants E.164 numbers written in the user part of its URIs. */
public enum NumberFormat {
    /** With the plus: {@code +819012345678}. */
    E164,
    /** Digits only: {@code 819012345678}. */
    DIGITS;

    /** Writes {@code e164} (with its {@code +}) in this format. */
    public String format(String e164) {
        String digits = e164.startsWith("+") ? e164.substring(1) : e164;
        return this == E164 ? "+" + digits : digits;
    }
}
