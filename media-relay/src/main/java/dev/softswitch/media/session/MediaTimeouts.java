package dev.softswitch.media.session;

import java.time.Duration;
import java.util.Objects;

/**
 * How long a session may go without RTP in either direction before the relay reports a media
 * timeout (MED-5): {@code active} while the call is up, {@code hold} while it is on hold
 * (a=sendonly, a=recvonly or a=inactive, RFC 3264 section 8.4), when silence is expected.
 */
public record MediaTimeouts(Duration active, Duration hold) {

    public MediaTimeouts {
        Objects.requireNonNull(active, "active");
        Objects.requireNonNull(hold, "hold");
        if (active.isNegative() || active.isZero()) {
            throw new IllegalArgumentException("media timeout " + active + " must be positive");
        }
        if (hold.compareTo(active) < 0) {
            throw new IllegalArgumentException("hold timeout " + hold + " must not be below " + active);
        }
    }

    /** The usual figures: 30 s without RTP, 2 hours on hold. */
    public static MediaTimeouts defaults() {
        return new MediaTimeouts(Duration.ofSeconds(30), Duration.ofHours(2));
    }
}
