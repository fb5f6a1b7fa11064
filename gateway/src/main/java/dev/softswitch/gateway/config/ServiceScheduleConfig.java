package dev.softswitch.gateway.config;

import java.time.Instant;

/**
 * The service-wide closure schedule (RTE-6): credit and plan sales end, calls end, and the refund
 * window opens and closes (end exclusive). Each instant is optional (null = never).
 */
public record ServiceScheduleConfig(Instant salesEnd, Instant callsEnd, Instant refundsFrom, Instant refundsUntil) {

    public static final ServiceScheduleConfig NONE = new ServiceScheduleConfig(null, null, null, null);

    public ServiceScheduleConfig {
        if ((refundsFrom == null) != (refundsUntil == null)) {
            throw new InvalidValueException(refundsFrom == null ? "refundsFrom" : "refundsUntil",
                    "is missing (a refund window needs both refundsFrom and refundsUntil)");
        }
        if (refundsFrom != null && !refundsFrom.isBefore(refundsUntil)) {
            throw new InvalidValueException("refundsUntil", "must be after refundsFrom (" + refundsFrom + ")");
        }
    }
}
