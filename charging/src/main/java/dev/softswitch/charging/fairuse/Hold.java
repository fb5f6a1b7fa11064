package dev.softswitch.charging.fairuse;

import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.Objects;

/**
 * How long a suspension lasts: a fixed time ({@code for: 1h}), to the end of the account's month in its product's
 * zone (seed 003), or until an operator lifts it.
 *
 * @param duration the fixed time, null for the other kinds
 */
public record Hold(Kind kind, Duration duration) {

    /** The kinds of hold. */
    public enum Kind { FOR, END_OF_MONTH, UNTIL_LIFTED }

    public static final Hold END_OF_MONTH = new Hold(Kind.END_OF_MONTH, null);
    public static final Hold UNTIL_LIFTED = new Hold(Kind.UNTIL_LIFTED, null);

    public Hold {
        Objects.requireNonNull(kind, "kind");
        if (kind == Kind.FOR && (duration == null || duration.isNegative() || duration.isZero())) {
            throw new IllegalArgumentException("a suspension's duration must be positive, got " + duration);
        }
    }

    public static Hold of(Duration duration) {
        return new Hold(Kind.FOR, duration);
    }

    /** When a suspension starting at {@code now} ends; {@link Instant#MAX} until lifted. */
    public Instant until(Instant now, ZoneId zone) {
        return switch (kind) {
            case FOR -> now.plus(duration);
            case END_OF_MONTH -> YearMonth.from(now.atZone(zone)).plusMonths(1).atDay(1).atStartOfDay(zone)
                    .toInstant();
            case UNTIL_LIFTED -> Instant.MAX;
        };
    }
}
