package dev.softswitch.charging.cdr;

import dev.softswitch.charging.money.Money;

import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * The record of one call attempt (CHG-8), answered or not, with its {@link CallDetails}: destination
 * country and number type, what paid (plan, lot), trunk buy cost and media quality.
 *
 * @param trunk    the carrier trunk the call went to; null if it was refused before routing
 * @param answer   when the callee answered; null if never answered
 * @param amount   what the call was charged; null (or zero) when unanswered
 * @param hungUpBy {@code "caller"}, {@code "callee"} or {@code "gateway"}
 * @param details  what the record adds beyond the basics; {@link CallDetails#NONE} when nothing is known
 */
public record CallRecord(String callId, String caller, String callee, String trunk, Instant start, Instant answer,
                         Instant end, long durationMillis, long billedSeconds, Money amount, int sipCode,
                         String disconnectCause, String hungUpBy, CallDetails details) {

    /** Accepted values of {@link #hungUpBy()}. */
    public static final Set<String> HUNG_UP_BY = Set.of("caller", "callee", "gateway");

    public CallRecord {
        Objects.requireNonNull(callId, "callId");
        Objects.requireNonNull(caller, "caller");
        Objects.requireNonNull(callee, "callee");
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(end, "end");
        Objects.requireNonNull(disconnectCause, "disconnectCause");
        details = details == null ? CallDetails.NONE : details;
        if (!HUNG_UP_BY.contains(hungUpBy)) {
            throw new IllegalArgumentException("hungUpBy must be one of " + HUNG_UP_BY + ", got '" + hungUpBy + "'");
        }
        if (durationMillis < 0 || billedSeconds < 0) {
            throw new IllegalArgumentException("negative duration or billed seconds: " + durationMillis + "/" + billedSeconds);
        }
        if (sipCode < 100 || sipCode > 699) {
            throw new IllegalArgumentException("sipCode must be a SIP status 100..699, got " + sipCode);
        }
    }

    /** A record with no details beyond the basics. */
    public CallRecord(String callId, String caller, String callee, String trunk, Instant start, Instant answer,
                      Instant end, long durationMillis, long billedSeconds, Money amount, int sipCode,
                      String disconnectCause, String hungUpBy) {
        this(callId, caller, callee, trunk, start, answer, end, durationMillis, billedSeconds, amount, sipCode,
                disconnectCause, hungUpBy, CallDetails.NONE);
    }
}
