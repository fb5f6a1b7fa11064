package dev.softswitch.gateway.routing;

import java.util.Objects;

/**
 * One trunk to try for a call, in order: the trunk, what it charges for this number (micro-units a
 * minute, -1 when its deck has no rate for it) and the Request-URI user part written as it wants.
 */
public record TrunkCandidate(Trunk trunk, long buyRateMicros, String requestUser) {

    public TrunkCandidate {
        Objects.requireNonNull(trunk, "trunk");
        Objects.requireNonNull(requestUser, "requestUser");
    }

    /** Whether the trunk's deck prices this number. */
    public boolean priced() {
        return buyRateMicros >= 0;
    }
}
