package dev.softswitch.charging.cdr;

import dev.softswitch.charging.money.Money;

/**
 * What a call record adds beyond the basics (CHG-8): the destination's country and number type,
 * the trunk's buy rate and the call's buy cost (for settlement with carriers), what paid for the
 * call (plan, package, lots, tax: null when unanswered) and the media quality figures (MED-4).
 *
 * @param destinationCountry ISO 3166 code of the dialled number; null when unknown
 * @param numberType         the number's type (MOBILE, FIXED_LINE …); null when unknown
 * @param buyRatePerMinute   the trunk's price per minute for this number; null when unpriced
 * @param buyCost            the buy rate times the billed time, rounded up; null when unpriced
 * @param charge             how the engine charged the call; null when it was not answered
 * @param media              relay figures; null when no media session was set up
 */
public record CallDetails(String destinationCountry, String numberType, Money buyRatePerMinute, Money buyCost,
                          ChargedCall charge, MediaQuality media) {

    public static final CallDetails NONE = new CallDetails(null, null, null, null, null, null);
}
