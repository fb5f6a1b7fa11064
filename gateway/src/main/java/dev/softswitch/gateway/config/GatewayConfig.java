package dev.softswitch.gateway.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The whole gateway configuration (OPS-3), read from one YAML file. Loading parses and checks the
 * entire file before returning an immutable value; any problem throws a {@link ConfigException}
 * naming the file, line, column and fix, so nothing is ever half-applied.
 */
public record GatewayConfig(SipConfig sip, HttpConfig http, MediaConfig media, List<TrunkConfig> trunks,
                            ChargingConfig charging, CdrConfig cdr, RoutingConfig routing,
                            AvailabilityConfig availability, AuthConfig auth, ClientsConfig clients) {

    /** Class-path resource holding the embedded demo configuration. */
    public static final String DEFAULT_RESOURCE = "default-config.yaml";

    public GatewayConfig {
        Checks.present("sip", sip);
        Checks.present("http", http);
        Checks.present("media", media);
        trunks = List.copyOf(Checks.present("trunks", trunks));
        Checks.unique("trunks", trunks, TrunkConfig::name, "trunk name");
        Checks.present("charging", charging);
        Checks.present("cdr", cdr);
        Checks.present("routing", routing);
        Checks.present("availability", availability);
        Checks.present("auth", auth);
        Checks.present("clients", clients);
        if (routing.availabilityFile() != null && !availability.equals(AvailabilityConfig.NONE)) {
            throw new InvalidValueException("availability", "is given here and in routing.availabilityFile"
                    + " (keep one of them)");
        }
    }

    /** The configuration without the optional routing and availability sections (their defaults). */
    public GatewayConfig(SipConfig sip, HttpConfig http, MediaConfig media, List<TrunkConfig> trunks,
                         ChargingConfig charging, CdrConfig cdr) {
        this(sip, http, media, trunks, charging, cdr, RoutingConfig.DEFAULTS, AvailabilityConfig.NONE, AuthConfig.DEFAULTS,
                ClientsConfig.NONE);
    }

    /** Reads and checks the YAML file at {@code file}; problems name the file as given. */
    public static GatewayConfig load(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read the configuration file: " + e
                    + " (check the path and its permissions)");
        }
        return parse(text, file.toString());
    }

    /** The embedded demo configuration, {@value #DEFAULT_RESOURCE}. */
    public static GatewayConfig loadDefault() {
        try (InputStream in = GatewayConfig.class.getClassLoader().getResourceAsStream(DEFAULT_RESOURCE)) {
            if (in == null) {
                throw new ConfigException(DEFAULT_RESOURCE + ": not found on the class path (rebuild the gateway jar)");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), DEFAULT_RESOURCE);
        } catch (IOException e) {
            throw new ConfigException(DEFAULT_RESOURCE + ": cannot read the embedded configuration: " + e);
        }
    }

    /** Reads and checks YAML text; {@code sourceName} stands for the file in problem lines. */
    public static GatewayConfig parse(String yamlText, String sourceName) {
        YamlNode root = YamlTreeReader.read(yamlText, sourceName);
        return GatewayConfigReader.read(root, sourceName);
    }
}
