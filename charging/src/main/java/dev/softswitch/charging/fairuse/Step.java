package dev.softswitch.charging.fairuse;

import java.util.Objects;

/**
 * One step of a detector (FUP-2): when its figure goes above {@code above}, {@code action} is taken; a suspension
 * lasts as {@code hold} says (null for a warning or a refused call).
 */
public record Step(long above, FairUseAction action, Hold hold) {

    public Step {
        Objects.requireNonNull(action, "action");
        if (above < 0) {
            throw new IllegalArgumentException("a step's threshold must be 0 or more, got " + above);
        }
        if (action.suspends() && hold == null) {
            throw new IllegalArgumentException(action.label() + " needs how long it lasts ('for' or 'until')");
        }
        if (!action.suspends() && hold != null) {
            throw new IllegalArgumentException(action.label() + " suspends nothing and takes no 'for' or 'until'");
        }
    }
}
