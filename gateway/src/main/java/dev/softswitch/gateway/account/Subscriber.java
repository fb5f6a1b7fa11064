package dev.softswitch.gateway.account;

import java.util.Objects;

/**
 * A user of the app as the gateway knows them: the account id their client sends in From, their
 * verified phone number (shown to carriers and callees, SIG-3; null when none) and the country
 * they are located in (for national dialling and outbound availability, RTE-1/RTE-3; null when
 * unknown).
 */
public record Subscriber(String id, String verifiedNumber, String country) {

    public Subscriber {
        Objects.requireNonNull(id, "id");
    }
}
