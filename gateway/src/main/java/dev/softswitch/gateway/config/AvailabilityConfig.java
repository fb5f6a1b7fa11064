package dev.softswitch.gateway.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Dated availability (RTE-3) and the service closure schedule (RTE-6), either inline in the gateway
 * configuration under {@code availability:} or as a file of its own with the same keys at the top.
 * A file is checked whole: any problem throws a {@link ConfigException} naming file, line and column.
 */
public record AvailabilityConfig(ServiceScheduleConfig service, List<CountryRuleConfig> countries) {

    public static final AvailabilityConfig NONE = new AvailabilityConfig(ServiceScheduleConfig.NONE, List.of());

    public AvailabilityConfig {
        Checks.present("service", service);
        countries = List.copyOf(Checks.present("countries", countries));
        Checks.unique("countries", countries, CountryRuleConfig::country, "country");
    }

    /** Reads and checks a stand-alone availability file. */
    public static AvailabilityConfig load(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read the availability file: " + e
                    + " (check the path and its permissions)");
        }
        return parse(text, file.toString());
    }

    /** Reads a class-path resource, e.g. the shipped {@code availability-example.yaml}. */
    public static AvailabilityConfig loadResource(String resource) {
        try (InputStream in = AvailabilityConfig.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new ConfigException(resource + ": not found on the class path");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), resource);
        } catch (IOException e) {
            throw new ConfigException(resource + ": cannot read: " + e);
        }
    }

    /** Reads and checks availability YAML text; {@code sourceName} stands for the file in problem lines. */
    public static AvailabilityConfig parse(String yamlText, String sourceName) {
        return GatewayConfigReader.readAvailability(YamlTreeReader.read(yamlText, sourceName), sourceName);
    }
}
