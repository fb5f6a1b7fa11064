package dev.softswitch.charging.account;

import java.util.Map;
import java.util.Objects;

/**
 * What an operator set on an account beyond its money (OPS-2, ACC-4): the subscriber's verified number, country
 * and the HA1 hashes of the SIP password by algorithm name (opaque to charging), whether it is suspended and why,
 * and whether it was deleted (anonymised: the personal data gone, the money records kept).
 *
 * @param suspension the reason it is suspended, or null when it may call
 */
public record AccountProfile(String number, String country, Map<String, String> ha1, String suspension,
                             boolean anonymised) {

    /** An account no operator has touched: no profile, not suspended. */
    public static final AccountProfile NONE = new AccountProfile(null, null, Map.of(), null, false);
    /** The reason a deleted account is refused. */
    public static final String DELETED = "account deleted";

    public AccountProfile {
        ha1 = Map.copyOf(Objects.requireNonNull(ha1, "ha1"));
    }

    public boolean suspended() {
        return suspension != null;
    }

    AccountProfile withSubscriber(String newNumber, String newCountry, Map<String, String> newHa1) {
        return new AccountProfile(newNumber, newCountry, newHa1, suspension, anonymised);
    }

    AccountProfile withSuspension(String reason) {
        return new AccountProfile(number, country, ha1, reason, anonymised);
    }

    AccountProfile anonymise() {
        return new AccountProfile(null, null, Map.of(), DELETED, true);
    }
}
