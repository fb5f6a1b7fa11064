package dev.softswitch.gateway.routing;

import java.util.Objects;

/**
 * The user parts a trunk gets for the caller (SIG-3): the From user and, when the trunk takes
 * P-Asserted-Identity (RFC 3325 §9.1), the PAI user; both written in the trunk's number format (no
 * tech prefix). Only the account's verified number goes out, nothing else about the user.
 */
public record CallerIdentity(String fromUser, String assertedUser) {

    public CallerIdentity {
        Objects.requireNonNull(fromUser, "fromUser");
    }

    /**
     * What {@code trunk} gets for a caller whose verified number is {@code verifiedE164} ({@code +} and
     * digits): {@code from} puts it in From only; {@code pai} in P-Asserted-Identity only, with the
     * trunk's {@code fromUser} in From; {@code both} in both.
     */
    public static CallerIdentity forTrunk(Trunk trunk, String verifiedE164) {
        if (verifiedE164 == null || !verifiedE164.matches("\\+[1-9][0-9]{1,14}")) {
            throw new IllegalArgumentException("verified number must be E.164 with +, not " + verifiedE164);
        }
        String number = trunk.numberFormat().format(verifiedE164);
        switch (trunk.callerIdMode()) {
            case FROM:
                return new CallerIdentity(number, null);
            case PAI:
                return new CallerIdentity(trunk.fromUser(), number);
            default:
                return new CallerIdentity(number, number);
        }
    }

    /** Whether a P-Asserted-Identity header is to be added. */
    public boolean hasAssertedIdentity() {
        return assertedUser != null;
    }
}
