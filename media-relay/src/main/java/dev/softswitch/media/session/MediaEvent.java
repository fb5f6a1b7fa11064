package dev.softswitch.media.session;

import java.time.Duration;
import java.util.Objects;

/**
 * Something the relay observed about a call's media that the gateway acts on, e.g. a media timeout
 * (MED-5): the gateway ends the call on both legs and stops its charging.
 *
 * @param type    what happened
 * @param callId  the call whose session reported it
 * @param silence how long no RTP had arrived in either direction when it was reported
 * @param stats   the session's figures at that moment
 */
public record MediaEvent(Type type, String callId, Duration silence, SessionStats stats) {

    /** Kinds of media event. */
    public enum Type {
        /** No RTP in either direction for the configured timeout (the hold timeout while on hold). */
        MEDIA_TIMEOUT
    }

    public MediaEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(callId, "callId");
        Objects.requireNonNull(silence, "silence");
        Objects.requireNonNull(stats, "stats");
    }
}
