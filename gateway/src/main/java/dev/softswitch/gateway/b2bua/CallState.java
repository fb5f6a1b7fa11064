package dev.softswitch.gateway.b2bua;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The states of one back-to-back call and the steps between them; {@link #check} refuses any other
 * step, so a wrong one fails loudly instead of leaving a half-ended call.
 *
 * <pre>
 *   ROUTING --INVITE sent to a carrier--> CALLING --1xx--> EARLY
 *      |                                   |  ^ \            |  \
 *      |                                   |  +--failover----+   \
 *      | refused (402/403/404/484/488/503) |        \            |
 *      |                                   |         +--2xx------+--> ANSWERED --client ACK--> CONFIRMED
 *      v                                   v   non-2xx / CANCEL          |                        |
 *    ENDED <-------------------------------+-----------------------------+--- BYE / credit out ---+
 * </pre>
 */
enum CallState {
    ROUTING, CALLING, EARLY, ANSWERED, CONFIRMED, ENDED;

    private static final Map<CallState, Set<CallState>> TRANSITIONS = new EnumMap<>(Map.of(
            ROUTING, EnumSet.of(CALLING, ENDED),
            CALLING, EnumSet.of(CALLING, EARLY, ANSWERED, ENDED),
            EARLY, EnumSet.of(CALLING, EARLY, ANSWERED, ENDED),
            ANSWERED, EnumSet.of(CONFIRMED, ENDED),
            CONFIRMED, EnumSet.of(ENDED),
            ENDED, EnumSet.noneOf(CallState.class)));

    /** Returns {@code next} when this state may step to it; throws otherwise. */
    CallState check(CallState next) {
        if (!TRANSITIONS.get(this).contains(next)) {
            throw new IllegalStateException("call: no transition " + this + " -> " + next);
        }
        return next;
    }

    /** A carrier attempt is under way and the client has no final answer yet. */
    boolean isRinging() {
        return this == CALLING || this == EARLY;
    }

    /** The carrier answered and the call has not ended: it is being charged. */
    boolean isAnswered() {
        return this == ANSWERED || this == CONFIRMED;
    }
}
