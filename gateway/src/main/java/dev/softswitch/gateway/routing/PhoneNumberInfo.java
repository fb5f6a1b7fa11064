package dev.softswitch.gateway.routing;

import java.util.Objects;

/**
 * A dialled number after normalisation: its E.164 form with {@code +}, the same digits without it,
 * the ISO 3166 region it belongs to ({@code "001"} for non-geographic numbers) and its type.
 */
public record PhoneNumberInfo(String e164, String digits, String regionCode, NumberType type) {

    public PhoneNumberInfo {
        Objects.requireNonNull(e164, "e164");
        Objects.requireNonNull(digits, "digits");
        Objects.requireNonNull(regionCode, "regionCode");
        Objects.requireNonNull(type, "type");
        if (!e164.equals("+" + digits)) {
            throw new IllegalArgumentException("e164 " + e164 + " and digits " + digits + " disagree");
        }
    }
}
