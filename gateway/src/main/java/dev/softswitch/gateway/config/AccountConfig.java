package dev.softswitch.gateway.config;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A prepaid account, named by the SIP user part the app client puts in From, with its opening
 * balance, the caller's verified phone number (what carriers and callees see, SIG-3) and, when it
 * differs from that number's country, the country the user is located in (RTE-1, RTE-3).
 *
 * @param number  verified E.164 number with {@code +}, or null when the account has none
 * @param country ISO 3166 alpha-2 code, or null to take the verified number's country
 */
public record AccountConfig(String id, String balance, String number, String country) {

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._~+-]+");
    private static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{5,14}");
    private static final Set<String> ISO = Set.of(Locale.getISOCountries());

    public AccountConfig {
        if (!ID.matcher(Checks.notBlank("id", id)).matches()) {
            throw new InvalidValueException("id", "\"" + id
                    + "\" is not a SIP user name (use letters, digits and . _ ~ + -)");
        }
        Checks.decimal("balance", balance);
        if (number != null && !E164.matcher(number).matches()) {
            throw new InvalidValueException("number", "\"" + number
                    + "\" is not an E.164 number (use + and 6 to 15 digits, e.g. \"+447700900001\")");
        }
        if (country != null && !ISO.contains(country)) {
            throw new InvalidValueException("country", "\"" + country
                    + "\" is not an ISO 3166 country code (use two capital letters, e.g. GB)");
        }
    }

    /** An account without a verified number, located where its (absent) number says: nowhere known. */
    public AccountConfig(String id, String balance) {
        this(id, balance, null, null);
    }
}
