package dev.softswitch.gateway.config;

import java.time.Duration;

/**
 * Session timers (RFC 4028) on both legs of a call: {@code expires} is the interval the gateway asks
 * for (Session-Expires), {@code minSe} the shortest it accepts (Min-SE; a request asking for less gets
 * 422). RFC 4028 §4 forbids a Min-SE under 90 seconds.
 */
public record SessionTimersConfig(Duration expires, Duration minSe) {

    /** The RFC's floor for Min-SE. */
    public static final Duration RFC_4028_MIN_SE = Duration.ofSeconds(90);
    /** 30 minutes asked for, 90 seconds accepted at least. */
    public static final SessionTimersConfig DEFAULTS = new SessionTimersConfig(Duration.ofMinutes(30), RFC_4028_MIN_SE);

    public SessionTimersConfig {
        Checks.positive("minSe", minSe);
        Checks.positive("expires", expires);
        if (minSe.compareTo(RFC_4028_MIN_SE) < 0) {
            throw new InvalidValueException("minSe",
                    minSe.toSeconds() + "s is below the 90s RFC 4028 allows (use 90s or more)");
        }
        if (expires.compareTo(minSe) < 0) {
            throw new InvalidValueException("expires", expires.toSeconds() + "s is shorter than minSe "
                    + minSe.toSeconds() + "s (use e.g. 1800s)");
        }
        if (expires.compareTo(Duration.ofDays(1)) > 0) {
            throw new InvalidValueException("expires", "is longer than a day (use e.g. 1800s)");
        }
    }

    /** Session-Expires asked for, in seconds. */
    public int expiresSeconds() {
        return (int) expires.toSeconds();
    }

    /** Min-SE, in seconds. */
    public int minSeSeconds() {
        return (int) minSe.toSeconds();
    }
}
