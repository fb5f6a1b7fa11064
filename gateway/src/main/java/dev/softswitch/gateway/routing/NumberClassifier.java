package dev.softswitch.gateway.routing;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberFormat;
import com.google.i18n.phonenumbers.PhoneNumberUtil.ValidationResult;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import com.google.i18n.phonenumbers.ShortNumberInfo;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Normalises a dialled number to E.164 and classifies it with libphonenumber's numbering-plan
 * metadata (RTE-1), refusing the classes the service does not carry (RTE-2): emergency numbers,
 * other short codes, invalid or incomplete numbers, and the configured number types (by default
 * toll-free, premium-rate, shared-cost and UAN). Stateless and thread-safe.
 *
 * <p>Accepted forms: {@code +<cc><nsn>}, {@code 00<cc><nsn>}, the caller's own international prefix
 * (e.g. {@code 011} in the US, {@code 010} in Japan) and national formats of the caller's country,
 * with RFC 3966 visual separators ({@code - . ( )} and spaces). Anything after {@code ;} in a SIP
 * user part (e.g. {@code ;phone-context=}) is ignored.
 */
public final class NumberClassifier {

    /** The types refused when the configuration does not say otherwise: every profit-generating class. */
    public static final Set<NumberType> DEFAULT_REFUSED_TYPES =
            Set.copyOf(EnumSet.of(NumberType.TOLL_FREE, NumberType.PREMIUM_RATE, NumberType.SHARED_COST, NumberType.UAN));

    private static final int MAX_INPUT = 40;

    /** Shorter national significant numbers may be short codes, which only the full parse sorts out. */
    private static final int MIN_FAST_NSN = 7;
    private static final int MAX_NSN = 17;

    private final PhoneNumberUtil util = PhoneNumberUtil.getInstance();
    private final ShortNumberInfo shortNumbers = ShortNumberInfo.getInstance();
    private final NumberTypes types = new NumberTypes(util);
    private final Set<NumberType> refusedTypes;
    private final Map<String, String> nationalPrefixes = new HashMap<>();
    private final boolean fastPath;

    public NumberClassifier(Set<NumberType> refusedTypes) {
        this(refusedTypes, true);
    }

    /** {@code fastPath} false always runs libphonenumber's full parse; tests compare both. */
    NumberClassifier(Set<NumberType> refusedTypes, boolean fastPath) {
        this.refusedTypes = refusedTypes.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(refusedTypes));
        this.fastPath = fastPath;
        for (String region : util.getSupportedRegions()) {
            String ndd = util.getNddPrefixForRegion(region, true);
            nationalPrefixes.put(region, ndd == null ? "" : ndd);
        }
    }

    public NumberClassifier() {
        this(DEFAULT_REFUSED_TYPES);
    }

    /** What {@link #classify} found: a callable number, or a refusal (with the number when it parsed). */
    public sealed interface Classification permits Callable, Refused {
    }

    /** The number may be routed. */
    public record Callable(PhoneNumberInfo number) implements Classification {
        public Callable {
            Objects.requireNonNull(number, "number");
        }
    }

    /** The number is refused; {@code number} is null when it did not parse as a phone number. */
    public record Refused(RoutingRefusal refusal, PhoneNumberInfo number) implements Classification {
        public Refused {
            Objects.requireNonNull(refusal, "refusal");
        }
    }

    /**
     * Classifies {@code dialled} as dialled by a caller in {@code callerRegion} (ISO 3166 alpha-2, e.g.
     * {@code JP}; null or blank when unknown, in which case only international forms are accepted).
     * Never throws on bad input: it is refused with 484.
     */
    public Classification classify(String callerRegion, String dialled) {
        String region = callerRegion == null || callerRegion.isBlank() ? null : callerRegion.toUpperCase(Locale.ROOT);
        String text = strip(dialled);
        if (text == null) {
            return refused(RoutingRefusal.invalidNumber("Not a phone number: use digits, optionally starting with +"));
        }
        if (text.isEmpty() || text.equals("+")) {
            return refused(RoutingRefusal.invalidNumber("No number was dialled"));
        }
        boolean international = text.charAt(0) == '+';
        if (!international && text.startsWith("00")) {
            text = "+" + text.substring(2);
            international = true;
        }
        if (!international && region != null && shortNumbers.connectsToEmergencyNumber(text, region)) {
            return refused(RoutingRefusal.emergency());
        }
        if (!international && region == null) {
            return refused(RoutingRefusal.invalidNumber("Dial the number with + and its country code"));
        }
        if (fastPath) {
            Classification fast = international ? fastInternational(text) : fastNational(text, region);
            if (fast != null) {
                return fast;
            }
        }
        PhoneNumber parsed;
        try {
            parsed = util.parse(text, international ? "ZZ" : region);
        } catch (NumberParseException e) {
            return refused(RoutingRefusal.invalidNumber(parseProblem(e.getErrorType())));
        }
        String nsn = util.getNationalSignificantNumber(parsed);
        String numberRegion = util.getRegionCodeForNumber(parsed);
        String countryRegion = numberRegion != null ? numberRegion
                : util.getRegionCodeForCountryCode(parsed.getCountryCode());
        if (international && shortNumbers.isEmergencyNumber(nsn, countryRegion)) {
            return refused(RoutingRefusal.emergency());
        }
        if (numberRegion == null || !util.isValidNumberForRegion(parsed, numberRegion)) {
            return refused(invalid(parsed, text, international, region, countryRegion));
        }
        return typed(parsed, numberRegion, NumberType.of(util.getNumberType(parsed)));
    }

    private Classification typed(PhoneNumber number, String numberRegion, NumberType type) {
        String e164 = util.format(number, PhoneNumberFormat.E164);
        PhoneNumberInfo info = new PhoneNumberInfo(e164, e164.substring(1), numberRegion, type);
        if (refusedTypes.contains(type)) {
            return new Refused(refusalFor(type), info);
        }
        return new Callable(info);
    }

    /*
     * Fast path. PhoneNumberUtil.parse costs several microseconds of regular expressions meant for
     * free text (extensions, punctuation, letters), which strip() has already ruled out. For the
     * plain cases (a "+" number, or a national number after the region's national prefix) the
     * number is built directly and classified with the same metadata, in one pass over the region's
     * type patterns (NumberTypes); anything unusual (a leading zero, a national prefix inside an
     * international number, a short or invalid number, a non-geographic country code) returns
     * null and goes through the full parse. NumberClassifierTest checks both paths agree.
     */

    private Classification fastInternational(String text) {
        for (int len = 1; len <= 3 && len < text.length(); len++) {
            int cc = Integer.parseInt(text, 1, 1 + len, 10);
            String region = util.getRegionCodeForCountryCode(cc);
            if (!"ZZ".equals(region)) {
                return fastBuild(cc, text.substring(1 + len), nationalPrefixes.getOrDefault(region, ""));
            }
        }
        return null;
    }

    private Classification fastNational(String text, String callerRegion) {
        String ndd = nationalPrefixes.get(callerRegion);
        if (ndd == null) {
            return null;
        }
        String nsn = text.startsWith(ndd) ? text.substring(ndd.length()) : text;
        return fastBuild(util.getCountryCodeForRegion(callerRegion), nsn, ndd);
    }

    private Classification fastBuild(int countryCode, String nsn, String ndd) {
        if (nsn.length() < MIN_FAST_NSN || nsn.length() > MAX_NSN || nsn.charAt(0) == '0'
                || (!ndd.isEmpty() && nsn.startsWith(ndd))) {
            return null;
        }
        NumberTypes.Found found = types.find(countryCode, nsn);
        if (found == null || found.type() == NumberType.UNKNOWN) {
            return null;
        }
        PhoneNumber number = new PhoneNumber().setCountryCode(countryCode).setNationalNumber(Long.parseLong(nsn));
        return typed(number, found.region(), found.type());
    }

    private RoutingRefusal invalid(PhoneNumber parsed, String text, boolean international, String callerRegion,
                                   String countryRegion) {
        if (!international && shortNumbers.isValidShortNumberForRegion(parsed, callerRegion)) {
            return RoutingRefusal.shortCode();
        }
        ValidationResult possible = util.isPossibleNumberWithReason(parsed);
        if (possible == ValidationResult.TOO_SHORT) {
            return RoutingRefusal.invalidNumber("Incomplete number: some digits are missing");
        }
        if (possible == ValidationResult.TOO_LONG) {
            return RoutingRefusal.invalidNumber("Number too long: check the digits");
        }
        if (possible == ValidationResult.INVALID_COUNTRY_CODE || "ZZ".equals(countryRegion)) {
            return RoutingRefusal.invalidNumber("Unknown country code: dial + and the country code");
        }
        return RoutingRefusal.invalidNumber("Not a valid phone number: check the digits and the country code");
    }

    private static String parseProblem(NumberParseException.ErrorType type) {
        switch (type) {
            case INVALID_COUNTRY_CODE:
                return "Unknown country code: dial + and the country code";
            case TOO_SHORT_NSN:
            case TOO_SHORT_AFTER_IDD:
                return "Incomplete number: some digits are missing";
            case TOO_LONG:
                return "Number too long: check the digits";
            default:
                return "Not a phone number: use digits, optionally starting with +";
        }
    }

    private static RoutingRefusal refusalFor(NumberType type) {
        switch (type) {
            case TOLL_FREE:
                return RoutingRefusal.tollFree();
            case PREMIUM_RATE:
                return RoutingRefusal.premiumRate();
            case SHARED_COST:
                return RoutingRefusal.sharedCost();
            case UAN:
                return RoutingRefusal.universalAccess();
            default:
                return RoutingRefusal.numberType(type);
        }
    }

    private static Refused refused(RoutingRefusal refusal) {
        return new Refused(refusal, null);
    }

    /** Drops visual separators and SIP URI parameters; null when a character cannot be in a number. */
    static String strip(String dialled) {
        if (dialled == null) {
            return "";
        }
        int end = dialled.indexOf(';');
        if (end < 0) {
            end = dialled.length();
        }
        if (end > MAX_INPUT) {
            return null;
        }
        StringBuilder sb = new StringBuilder(end);
        for (int i = 0; i < end; i++) {
            char c = dialled.charAt(i);
            if (c >= '0' && c <= '9') {
                sb.append(c);
            } else if (c == '+' && sb.length() == 0) {
                sb.append(c);
            } else if (c != '-' && c != '.' && c != '(' && c != ')' && c != ' ') {
                return null;
            }
        }
        return sb.toString();
    }
}
