package dev.softswitch.gateway.b2bua;

import dev.softswitch.gateway.metrics.GatewayMetrics;
import dev.softswitch.gateway.routing.PhoneNumberInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sip.message.Response;

/**
 * What one call adds to the operator's meters (OPS-1): the post-dial delay once, and at its end one
 * attempt per trunk it was placed on (the last one answered if the call was), or one attempt on no
 * trunk ({@code none}) if it reached none, all labelled with the dialled number's country. Counting
 * at the end keeps answers and seconds together, so ACD never sees an answer without its seconds.
 * SIP core thread.
 */
final class CallTally {

    private final GatewayMetrics metrics;
    private final Instant invitedAt;
    private final List<String> trunks = new ArrayList<>();
    private boolean delayRecorded;

    CallTally(GatewayMetrics metrics, Instant invitedAt) {
        this.metrics = metrics;
        this.invitedAt = invitedAt;
    }

    /** The carrier answered {@code code} at {@code at}: the first 180, 183 or 2xx ends the post-dial delay. */
    void carrierResponded(int code, Instant at) {
        if (!delayRecorded && (code == Response.RINGING || code == Response.SESSION_PROGRESS || code / 100 == 2)) {
            delayRecorded = true;
            metrics.postDialDelay(Duration.between(invitedAt, at));
        }
    }

    /** An attempt on the configured trunk {@code trunkName} is over (failed, given up, or the call ended). */
    void attemptEnded(String trunkName) {
        trunks.add(trunkName);
    }

    /**
     * The call ended: counts its attempts, and for an answered call ({@code answeredAt} not null) its
     * teardown {@code cause} and seconds on the last attempt.
     */
    void ended(PhoneNumberInfo number, Instant answeredAt, Instant endedAt, String cause) {
        String country = number == null ? null : number.regionCode();
        if (trunks.isEmpty()) {
            metrics.trunkAttempt(null, country, null);
        }
        for (int i = 0; i < trunks.size(); i++) {
            boolean answered = answeredAt != null && i == trunks.size() - 1;
            metrics.trunkAttempt(trunks.get(i), country, answered ? Duration.between(answeredAt, endedAt) : null);
        }
        if (answeredAt != null) {
            metrics.teardown(cause);
        }
        metrics.callEnded();
    }
}
