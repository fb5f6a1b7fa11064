package dev.softswitch.gateway.b2bua;

import dev.softswitch.charging.session.Authorisation;
import dev.softswitch.gateway.routing.RoutingRefusal;
import java.util.Locale;
import javax.sip.message.Response;

/**
 * A call that does not go ahead: the final response the client gets (with {@code Retry-After} when
 * {@code retryAfterSeconds} is positive: the gateway is short of a resource for now, RFC 3261 §21.5.4)
 * and the outcome its metrics and call record carry.
 */
record Refusal(int code, String reason, String outcome, int retryAfterSeconds) {

    /** How long a client refused for want of capacity is asked to wait, as the overload guard asks. */
    static final int RETRY_AFTER_SECONDS = 5;

    Refusal(int code, String reason, String outcome) {
        this(code, reason, outcome, 0);
    }

    /** The relay has no port pair (range, socket budget or file descriptors spent): capacity, for now. */
    static Refusal noMediaPorts() {
        return new Refusal(Response.SERVICE_UNAVAILABLE, "No Media Ports Available", "no_media_ports",
                RETRY_AFTER_SECONDS);
    }

    static Refusal of(RoutingRefusal r) {
        return new Refusal(r.sipCode(), r.reasonPhrase(), r.outcome());
    }

    /** The client's answer to a charging denial (CHG-6). */
    static Refusal of(Authorisation.Denied denied) {
        return switch (denied.reason()) {
            case INSUFFICIENT_CREDIT -> new Refusal(Response.PAYMENT_REQUIRED, "Insufficient Credit", "insufficient_credit");
            case UNKNOWN_ACCOUNT -> unknownAccount();
            case NO_RATE -> new Refusal(Response.NOT_FOUND, "No Rate For Destination", "no_rate");
            case STORE_UNAVAILABLE -> chargingUnavailable();
            case ACCOUNT_SUSPENDED -> new Refusal(Response.FORBIDDEN,
                    "Account Suspended: " + denied.message().replaceAll("[\\p{Cntrl}]", " "), "account_suspended");
            default -> new Refusal(Response.FORBIDDEN, denied.message(), denied.reason().name().toLowerCase(Locale.ROOT));
        };
    }

    static Refusal unknownAccount() {
        return new Refusal(Response.FORBIDDEN, "Unknown Account", "unknown_account");
    }

    static Refusal chargingUnavailable() {
        return new Refusal(Response.SERVICE_UNAVAILABLE, "Charging Unavailable", "charging_unavailable",
                RETRY_AFTER_SECONDS);
    }

    static Refusal badSdp(String problem) {
        return new Refusal(Response.NOT_ACCEPTABLE_HERE, "Not Acceptable Here: " + problem, "bad_sdp");
    }

    /** SDES keys offered where the signalling is not encrypted (RFC 4568 §8.1); only TLS may carry them by default. */
    static Refusal sdesWithoutTls() {
        return new Refusal(Response.NOT_ACCEPTABLE_HERE, "Not Acceptable Here: SDES keys need TLS", "sdes_without_tls");
    }

    static Refusal internalError() {
        return new Refusal(Response.SERVER_INTERNAL_ERROR, "Server Internal Error", "internal_error");
    }

    /** What a carrier's final failure means for the call's outcome. */
    static Refusal fromCarrier(int code, String reason) {
        String outcome = switch (code) {
            case Response.BUSY_HERE, Response.BUSY_EVERYWHERE -> "busy";
            case Response.REQUEST_TERMINATED -> "cancelled";
            case Response.NOT_FOUND -> "not_found";
            case Response.SERVICE_UNAVAILABLE -> "carrier_unavailable";
            default -> "carrier_rejected";
        };
        return new Refusal(code, reason, outcome);
    }
}
