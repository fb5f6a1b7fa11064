package dev.softswitch.gateway.config;

import java.util.regex.Pattern;

/**
 * A prepaid account, named by the digest user name its app client authenticates with, with its
 * opening balance, the caller's verified phone number (what carriers and callees see, SIG-3), when it
 * differs from that number's country the country the user is located in (RTE-1, RTE-3), and the HA1
 * hashes of its password for the configured realm (SIG-4; never the password itself).
 *
 * @param number    verified E.164 number with {@code +}, or null when the account has none
 * @param country   ISO 3166 alpha-2 code, or null to take the verified number's country
 * @param ha1Sha256 H(id:realm:password) with SHA-256, or null
 * @param ha1Md5    the same with MD5, or null
 * @param product   the product the account is sold as, or null for the first configured
 * @param zone      the account's time zone when it differs from its product's, or null
 * @param monthlyPackage the product's monthly package the account is subscribed to when it is opened
 *                  (YAML key {@code package}), or null
 */
public record AccountConfig(String id, String balance, String number, String country, String ha1Sha256,
                            String ha1Md5, String product, String zone, String monthlyPackage) {

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._~+-]+");
    private static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{5,14}");
    private static final Pattern HEX = Pattern.compile("[0-9a-f]+");

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
        hex("ha1Sha256", ha1Sha256, 64);
        hex("ha1Md5", ha1Md5, 32);
        if (zone != null) {
            Checks.zone("zone", zone);
        }
        Checks.country("country", country, "GB");
    }

    /** An account without a verified number, located where its (absent) number says: nowhere known. */
    public AccountConfig(String id, String balance) {
        this(id, balance, null, null, null, null, null, null, null);
    }

    /** An account without credentials: it cannot place calls until it has them. */
    public AccountConfig(String id, String balance, String number, String country) {
        this(id, balance, number, country, null, null, null, null, null);
    }

    /** Whether the account holds any password hash at all. */
    public boolean hasCredentials() {
        return ha1Sha256 != null || ha1Md5 != null;
    }

    private static void hex(String field, String value, int digits) {
        if (value != null && !HEX.matcher(value).matches() || value != null && value.length() != digits) {
            throw new InvalidValueException(field, "must be " + digits + " lower-case hex digits (make it with:"
                    + " java -jar gateway.jar hash-password <account>)");
        }
    }
}
