package dev.softswitch.gateway.config;

import java.time.Duration;
import java.util.List;

/**
 * Service-wide routing settings: how many trunks one call may try ({@code maxAttempts}, RTE-5), how
 * often trunks are probed with OPTIONS and after how many failures in a row a trunk is taken out,
 * which libphonenumber number types are refused (RTE-2), and optionally a separate availability
 * file (RTE-3/RTE-6, relative to the configuration file) instead of an inline {@code availability:}, and how
 * long a carrier may ring unanswered ({@code ringTimeout}) before the gateway CANCELs it and tries the next trunk.
 */
public record RoutingConfig(int maxAttempts, Duration probeInterval, int probeFailures, List<String> refusedNumberTypes,
                            String availabilityFile, Duration ringTimeout) {

    private static final List<String> TYPES = List.of("FIXED_LINE", "MOBILE", "FIXED_LINE_OR_MOBILE", "TOLL_FREE",
            "PREMIUM_RATE", "SHARED_COST", "UAN", "VOICEMAIL", "VOIP", "PERSONAL_NUMBER", "PAGER", "UNKNOWN");
    public static final List<String> DEFAULT_REFUSED = List.of("TOLL_FREE", "PREMIUM_RATE", "SHARED_COST", "UAN");
    /** How long a carrier may ring without answering before it is CANCELled and the next trunk tried. */
    public static final Duration DEFAULT_RING_TIMEOUT = Duration.ofSeconds(120);
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
        Checks.positive("ringTimeout", ringTimeout);
        if (ringTimeout.compareTo(Duration.ofSeconds(1)) < 0 || ringTimeout.compareTo(Duration.ofMinutes(30)) > 0) {
            throw new InvalidValueException("ringTimeout", "must be between 1s and 30m (use e.g. 120s)");
        }
    }

    /** The default ring timeout of 120 s. */
    public RoutingConfig(int maxAttempts, Duration probeInterval, int probeFailures, List<String> refusedNumberTypes,
                         String availabilityFile) {
        this(maxAttempts, probeInterval, probeFailures, refusedNumberTypes, availabilityFile, DEFAULT_RING_TIMEOUT);
    }
}
