package dev.softswitch.gateway.routing;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The {@link TrunkState} of every trunk by name; outlives configuration reloads. Thread-safe. */
public final class TrunkStates {

    private final Map<String, TrunkState> states = new ConcurrentHashMap<>();

    /** The state of the trunk named {@code name}, created (up, idle) on first use. */
    public TrunkState of(String name) {
        return states.computeIfAbsent(name, TrunkState::new);
    }

    /** A snapshot of every known state, for metrics. */
    public Map<String, TrunkState> all() {
        return Map.copyOf(states);
    }
}
