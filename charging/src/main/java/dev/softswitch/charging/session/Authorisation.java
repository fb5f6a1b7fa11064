package dev.softswitch.charging.session;

import java.util.Objects;

/** The answer of {@link ChargingEngine#authorise}: a charging session to run the call on, or a refusal. */
public sealed interface Authorisation permits Authorisation.Granted, Authorisation.Denied {

    /** The call may proceed; its connect fee and first increment are reserved on {@code session}. */
    record Granted(ChargingSession session) implements Authorisation {
        public Granted {
            Objects.requireNonNull(session, "session");
        }
    }

    /** The call must be refused; {@code message} is fit to log or show an operator. */
    record Denied(DenialReason reason, String message) implements Authorisation {
        public Denied {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(message, "message");
        }
    }
}
