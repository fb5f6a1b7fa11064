package dev.softswitch.gateway.config;

import java.util.List;

/**
 * A carrier trunk and the E.164 digit prefixes it serves; the prefix {@code ""} means every number.
 */
public record TrunkConfig(String name, String host, int port, String transport, List<String> prefixes) {

    public TrunkConfig {
        Checks.notBlank("name", name);
        Checks.notBlank("host", host);
        Checks.port("port", port);
        transport = Checks.transport("transport", transport);
        prefixes = List.copyOf(Checks.nonEmpty("prefixes", prefixes, "[\"\"] for every number"));
        prefixes.forEach(p -> Checks.digitPrefix("prefixes", p, true));
    }
}
