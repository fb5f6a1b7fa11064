package dev.softswitch.gateway.config;

import java.util.regex.Pattern;

/** A prepaid account, named by the SIP user part the app client puts in From, and its opening balance. */
public record AccountConfig(String id, String balance) {

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._~+-]+");

    public AccountConfig {
        if (!ID.matcher(Checks.notBlank("id", id)).matches()) {
            throw new InvalidValueException("id", "\"" + id
                    + "\" is not a SIP user name (use letters, digits and . _ ~ + -)");
        }
        Checks.decimal("balance", balance);
    }
}
