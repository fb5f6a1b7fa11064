package dev.softswitch.charging.session;

import java.util.Objects;

/**
 * Charging refuses to go on with a call that already holds a session, e.g. at answer when its lapsed reservation
 * cannot be held again ({@link ChargingSession#start}). The caller must end the call; nothing is held or charged.
 */
public final class ChargingRefusedException extends RuntimeException {

    private final DenialReason reason;

    public ChargingRefusedException(DenialReason reason, String message) {
        super(message);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /** Why the call cannot go on. */
    public DenialReason reason() {
        return reason;
    }
}
