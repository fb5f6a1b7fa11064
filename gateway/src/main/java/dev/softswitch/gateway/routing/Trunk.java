package dev.softswitch.gateway.routing;

import dev.softswitch.gateway.transport.Endpoint;
import java.util.List;
import java.util.Objects;

/** A carrier trunk: where calls go, and which E.164 digit prefixes it serves ("" serves all). */
public record Trunk(String name, Endpoint endpoint, List<String> prefixes) {

    public Trunk {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(endpoint, "endpoint");
        prefixes = List.copyOf(prefixes);
        for (String p : prefixes) {
            if (!p.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw new IllegalArgumentException("trunk " + name + ": prefix '" + p + "' must be digits only");
            }
        }
    }
}
