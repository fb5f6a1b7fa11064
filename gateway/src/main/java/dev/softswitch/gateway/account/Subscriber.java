package dev.softswitch.gateway.account;

import dev.softswitch.gateway.auth.DigestCredentials;
import java.util.Objects;

/**
 * A user of the app as the gateway knows them: the account id their client authenticates as, their
 * verified phone number (shown to carriers and callees, SIG-3; null when none), the country they are
 * located in (for national dialling and outbound availability, RTE-1/RTE-3; null when unknown) and
 * the hashes of their password (SIG-4; {@link DigestCredentials#NONE} when they cannot call).
 */
public record Subscriber(String id, String verifiedNumber, String country, DigestCredentials credentials) {

    public Subscriber {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(credentials, "credentials");
    }

    /** A subscriber without credentials. */
    public Subscriber(String id, String verifiedNumber, String country) {
        this(id, verifiedNumber, country, DigestCredentials.NONE);
    }
}
