package dev.softswitch.gateway.routing;

import dev.softswitch.gateway.config.ServiceScheduleConfig;
import java.time.Instant;
import java.util.Objects;

/**
 * The service-wide closure schedule (RTE-6) as instants; {@link Instant#MAX} stands for "never".
 * Every question takes the instant to answer for, so a change takes effect at its time without a
 * restart. Sales and calls are open strictly before their end; the refund window is
 * {@code [refundsFrom, refundsUntil)}.
 */
public record ServiceSchedule(Instant salesEnd, Instant callsEnd, Instant refundsFrom, Instant refundsUntil) {

    public static final ServiceSchedule NONE = new ServiceSchedule(Instant.MAX, Instant.MAX, Instant.MAX, Instant.MAX);

    public ServiceSchedule {
        Objects.requireNonNull(salesEnd, "salesEnd");
        Objects.requireNonNull(callsEnd, "callsEnd");
        Objects.requireNonNull(refundsFrom, "refundsFrom");
        Objects.requireNonNull(refundsUntil, "refundsUntil");
        if (refundsUntil.isBefore(refundsFrom)) {
            throw new IllegalArgumentException("refund window ends before it opens");
        }
    }

    public static ServiceSchedule from(ServiceScheduleConfig c) {
        return new ServiceSchedule(orNever(c.salesEnd()), orNever(c.callsEnd()), orNever(c.refundsFrom()),
                orNever(c.refundsUntil()));
    }

    /** Credit and plans may be sold at {@code now}. */
    public boolean salesOpen(Instant now) {
        return now.isBefore(salesEnd);
    }

    /** New calls may start at {@code now}. */
    public boolean callsOpen(Instant now) {
        return now.isBefore(callsEnd);
    }

    /** Refund requests are accepted at {@code now}. */
    public boolean refundWindowOpen(Instant now) {
        return !now.isBefore(refundsFrom) && now.isBefore(refundsUntil);
    }

    static Instant orNever(Instant instant) {
        return instant == null ? Instant.MAX : instant;
    }
}
