package dev.softswitch.gateway.routing;

import java.util.Locale;
import java.util.Objects;

/**
 * Why a call is not routed: the SIP final response to send the client ({@code sipCode} and a reason
 * phrase written for the user) and the outcome name counted in metrics. The phrase is kept to what an
 * RFC 3261 §25.1 Reason-Phrase allows (no CR or LF).
 */
public record RoutingRefusal(int sipCode, String reasonPhrase, String outcome) {

    public RoutingRefusal {
        if (sipCode < 300 || sipCode > 699) {
            throw new IllegalArgumentException("a refusal needs a 3xx-6xx code, not " + sipCode);
        }
        Objects.requireNonNull(reasonPhrase, "reasonPhrase");
        if (reasonPhrase.isBlank() || reasonPhrase.indexOf('\r') >= 0 || reasonPhrase.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("reason phrase must be one non-empty line: " + reasonPhrase);
        }
        if (!isMetricTag(Objects.requireNonNull(outcome, "outcome"))) {
            throw new IllegalArgumentException("outcome must be a snake_case metric tag: " + outcome);
        }
    }

    /** [a-z][a-z0-9_]*, without a regular expression: a refusal is made for every call that is placed. */
    private static boolean isMetricTag(String s) {
        if (s.isEmpty() || s.charAt(0) < 'a' || s.charAt(0) > 'z') {
            return false;
        }
        for (int i = 1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= 'a' && c <= 'z') && !(c >= '0' && c <= '9') && c != '_') {
                return false;
            }
        }
        return true;
    }

    /**
     * 380 Alternative Service (RFC 5031 §9 style): the service has no emergency calling, so the client
     * is told to use the phone's own dialler instead.
     */
    public static RoutingRefusal emergency() {
        return new RoutingRefusal(380, "Emergency calls are not supported: dial from your phone's dialler",
                "emergency");
    }

    /**
     * 403: toll-free numbers are free for the caller only on the home network; through a carrier the
     * called party's operator charges the caller's carrier, so the terms refuse them. 403 rather than
     * 404 because the number exists and the refusal is a policy.
     */
    public static RoutingRefusal tollFree() {
        return new RoutingRefusal(403, "Toll-free numbers cannot be called", "toll_free");
    }

    /** 403: premium-rate numbers generate revenue for the called party (terms of use, seed 001). */
    public static RoutingRefusal premiumRate() {
        return new RoutingRefusal(403, "Premium-rate numbers cannot be called", "premium_rate");
    }

    /** 403: shared-cost numbers pass part of the charge to the called party. */
    public static RoutingRefusal sharedCost() {
        return new RoutingRefusal(403, "Shared-cost numbers cannot be called", "shared_cost");
    }

    /** 403: universal access (company) numbers are charged like shared-cost numbers. */
    public static RoutingRefusal universalAccess() {
        return new RoutingRefusal(403, "Company access (UAN) numbers cannot be called", "uan");
    }

    /** 403 for a number class refused by configuration other than the named ones above. */
    public static RoutingRefusal numberType(NumberType type) {
        String words = type.name().toLowerCase(Locale.ROOT).replace('_', ' ');
        return new RoutingRefusal(403, Character.toUpperCase(words.charAt(0)) + words.substring(1)
                + " numbers cannot be called", type.name().toLowerCase(Locale.ROOT));
    }

    /** 403: a non-emergency short code (directory enquiries, operator services …) has no E.164 form. */
    public static RoutingRefusal shortCode() {
        return new RoutingRefusal(403, "Short codes and service numbers cannot be called", "short_code");
    }

    /** 484 Address Incomplete (RFC 3261 §21.4.22), with what is wrong in words. */
    public static RoutingRefusal invalidNumber(String why) {
        return new RoutingRefusal(484, why, "invalid_number");
    }

    /** 403: calls from users located in {@code countryName} are switched off. */
    public static RoutingRefusal outboundClosed(String countryName) {
        return new RoutingRefusal(403, "Calls from " + countryName + " are no longer available",
                "country_outbound_closed");
    }

    /** 403: calls to numbers in {@code countryName} are switched off. */
    public static RoutingRefusal inboundClosed(String countryName) {
        return new RoutingRefusal(403, "Calls to " + countryName + " are no longer available",
                "country_inbound_closed");
    }

    /** 403: the service-wide schedule says calls have ended (RTE-6). */
    public static RoutingRefusal serviceEnded() {
        return new RoutingRefusal(403, "This calling service has ended", "service_ended");
    }

    /** 404: no trunk serves the destination at all (RFC 3261 §21.4.5: the server has no route for it). */
    public static RoutingRefusal noRoute(String countryName) {
        return new RoutingRefusal(404, "No Route To " + countryName, "no_route");
    }

    /** 503: trunks serve the destination but every one is down or at its channel or CPS limit. */
    public static RoutingRefusal trunksBusy() {
        return new RoutingRefusal(503, "All lines are busy, please try again later", "trunks_busy");
    }
}
