package dev.softswitch.gateway.routing;

import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonemetadata.PhoneMetadata;
import com.google.i18n.phonenumbers.Phonemetadata.PhoneNumberDesc;
import com.google.i18n.phonenumbers.metadata.DefaultMetadataDependenciesProvider;
import com.google.i18n.phonenumbers.metadata.source.MetadataSource;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The region and type of a number given as country code and national significant number, in one pass over
 * libphonenumber's own metadata. {@code PhoneNumberUtil} answers the same with {@code getRegionCodeForNumber}
 * then {@code getNumberType}, which evaluates the region's type patterns up to three times (the type call
 * finds the region again) and runs every pattern twice ({@code lookingAt}, then {@code matches}): for a
 * +44 number, a tenth of the SIP core thread at 2,500 calls a second (issue 14). Here each region's patterns
 * are compiled once, in libphonenumber's order, and run once. {@code NumberTypesTest} checks the answers
 * against {@code PhoneNumberUtil} for every region's example numbers and random numbers of every country code.
 * Thread-safe.
 */
final class NumberTypes {

    /** A region and a type, as {@code getRegionCodeForNumber} and {@code getNumberType} would give them. */
    record Found(String region, NumberType type) {
    }

    private final PhoneNumberUtil util;
    private final MetadataSource metadata;
    private final ConcurrentHashMap<String, RegionTypes> regions = new ConcurrentHashMap<>();

    NumberTypes(PhoneNumberUtil util) {
        this.util = util;
        this.metadata = DefaultMetadataDependenciesProvider.getInstance().getPhoneNumberMetadataSource();
    }

    /**
     * The region and type of {@code +countryCode nsn} ({@code nsn} digits only, no leading zero); null when
     * libphonenumber would find no region (an invalid number, or a country code of no geographic region).
     */
    Found find(int countryCode, String nsn) {
        List<String> codes = util.getRegionCodesForCountryCode(countryCode);
        if (codes.isEmpty() || codes.contains(PhoneNumberUtil.REGION_CODE_FOR_NON_GEO_ENTITY)) {
            return null;
        }
        if (codes.size() == 1) {
            RegionTypes r = of(codes.get(0));
            return r == null ? null : new Found(codes.get(0), r.type(nsn));
        }
        for (String code : codes) {
            RegionTypes r = of(code);
            if (r == null) {
                continue;
            }
            if (r.leadingDigits != null) {
                if (r.leadingDigits.matcher(nsn).lookingAt()) {
                    return new Found(code, r.type(nsn));
                }
            } else {
                NumberType type = r.type(nsn);
                if (type != NumberType.UNKNOWN) {
                    return new Found(code, type);
                }
            }
        }
        return null;
    }

    private RegionTypes of(String region) {
        RegionTypes r = regions.get(region);
        if (r == null) {
            PhoneMetadata m = metadata.getMetadataForRegion(region);
            if (m == null) {
                return null;
            }
            r = regions.computeIfAbsent(region, k -> new RegionTypes(m));
        }
        return r;
    }

    /** One type's description: the lengths it allows and its whole-number pattern. */
    private static final class Desc {
        private final boolean anyLength;
        private final long lengths;
        private final Pattern pattern;

        Desc(PhoneNumberDesc d) {
            List<Integer> possible = d.getPossibleLengthList();
            long mask = 0;
            for (int len : possible) {
                if (len >= 0 && len < 64) {
                    mask |= 1L << len;
                }
            }
            anyLength = possible.isEmpty();
            lengths = mask;
            String p = d.getNationalNumberPattern();
            pattern = p.isEmpty() ? null : Pattern.compile(p);
        }

        /** As {@code PhoneNumberUtil.isNumberMatchingDesc}: a listed length, then the whole pattern. */
        boolean matches(String nsn) {
            int len = nsn.length();
            if (!anyLength && (len >= 64 || (lengths & (1L << len)) == 0)) {
                return false;
            }
            return pattern != null && pattern.matcher(nsn).matches();
        }
    }

    /** A region's descriptions in the order {@code PhoneNumberUtil.getNumberTypeHelper} tries them. */
    private static final class RegionTypes {
        private static final NumberType[] SPECIAL = {NumberType.PREMIUM_RATE, NumberType.TOLL_FREE,
            NumberType.SHARED_COST, NumberType.VOIP, NumberType.PERSONAL_NUMBER, NumberType.PAGER, NumberType.UAN,
            NumberType.VOICEMAIL};

        private final Pattern leadingDigits;
        private final Desc general;
        private final Desc[] special;
        private final Desc fixedLine;
        private final Desc mobile;
        private final boolean sameMobileAndFixedLine;

        RegionTypes(PhoneMetadata m) {
            leadingDigits = m.hasLeadingDigits() ? Pattern.compile(m.getLeadingDigits()) : null;
            general = new Desc(m.getGeneralDesc());
            special = new Desc[] {new Desc(m.getPremiumRate()), new Desc(m.getTollFree()),
                new Desc(m.getSharedCost()), new Desc(m.getVoip()), new Desc(m.getPersonalNumber()),
                new Desc(m.getPager()), new Desc(m.getUan()), new Desc(m.getVoicemail())};
            fixedLine = new Desc(m.getFixedLine());
            mobile = new Desc(m.getMobile());
            sameMobileAndFixedLine = m.getSameMobileAndFixedLinePattern();
        }

        NumberType type(String nsn) {
            if (!general.matches(nsn)) {
                return NumberType.UNKNOWN;
            }
            for (int i = 0; i < special.length; i++) {
                if (special[i].matches(nsn)) {
                    return SPECIAL[i];
                }
            }
            if (fixedLine.matches(nsn)) {
                return sameMobileAndFixedLine || mobile.matches(nsn) ? NumberType.FIXED_LINE_OR_MOBILE
                        : NumberType.FIXED_LINE;
            }
            return !sameMobileAndFixedLine && mobile.matches(nsn) ? NumberType.MOBILE : NumberType.UNKNOWN;
        }
    }
}
