package dev.softswitch.gateway.config;

import java.time.Duration;
import java.util.List;

/**
 * Service-wide routing settings: how many trunks one call may try ({@code maxAttempts}, RTE-5), how
 * often trunks are probed with OPTIONS and after how many failures in a row a trunk is taken out,
 * which libphonenumber number types are refused (RTE-2), and optionally a separate availability
 * file (RTE-3/RTE-6, relative to the configuration file) instead of an inline {@code availability:}.
 */
public record RoutingConfig(int maxAttempts, Duration probeInterval, int probeFailures, List<String> refusedNumberTypes,
                            String availabilityFile) {

    private static final List<String> TYPES = List.of("FIXED_LINE", "MOBILE", "FIXED_LINE_OR_MOBILE", "TOLL_FREE",
            "PREMIUM_RATE", "SHARED_COST", "UAN", "VOICEMAIL", "VOIP", "PERSONAL_NUMBER", "PAGER", "UNKNOWN");
    public static final List<String> DEFAULT_REFUSED = List.of("TOLL_FREE", "PREMIUM_RATE", "SHARED_COST", "UAN");
    public static final RoutingConfig DEFAULTS = new RoutingConfig(3, Duration.ofSeconds(30), 3, DEFAULT_REFUSED, null);

    public RoutingConfig {
        Checks.between("maxAttempts", maxAttempts, 1, 10);
        Checks.positive("probeInterval", probeInterval);
        Checks.between("probeFailures", probeFailures, 1, 100);
        refusedNumberTypes = List.copyOf(Checks.present("refusedNumberTypes", refusedNumberTypes));
        for (String t : refusedNumberTypes) {
            if (!TYPES.contains(t)) {
                throw new InvalidValueException("refusedNumberTypes", "\"" + t + "\" is not a number type (use "
                        + String.join(", ", TYPES) + ")");
            }
        }
        if (availabilityFile != null) {
            Checks.notBlank("availabilityFile", availabilityFile);
        }
    }
}
