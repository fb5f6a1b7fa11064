package dev.softswitch.gateway.routing;

import java.util.List;
import java.util.Objects;

/** What {@link RoutingService#route} decided for one call: refused with an answer, or the trunks to try. */
public sealed interface RouteDecision permits RouteDecision.Refused, RouteDecision.Routed {

    /** Answer the client with {@code refusal}; {@code number} is the parsed number, or null when it did not parse. */
    record Refused(RoutingRefusal refusal, PhoneNumberInfo number) implements RouteDecision {
        public Refused {
            Objects.requireNonNull(refusal, "refusal");
        }
    }

    /**
     * Try {@code candidates} in order (serial forking, RTE-5): {@link RoutingService#acquire} each
     * before sending, {@link RoutingService#release} when its attempt or call ends. Never empty.
     */
    record Routed(PhoneNumberInfo number, List<TrunkCandidate> candidates) implements RouteDecision {
        public Routed {
            Objects.requireNonNull(number, "number");
            candidates = List.copyOf(candidates);
            if (candidates.isEmpty()) {
                throw new IllegalArgumentException("a routed call needs at least one candidate");
            }
        }
    }
}
