package dev.softswitch.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberType;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link NumberTypes} answers as {@code PhoneNumberUtil.getRegionCodeForNumber} and {@code getNumberType} do. */
class NumberTypesTest {

    private final PhoneNumberUtil util = PhoneNumberUtil.getInstance();
    private final NumberTypes types = new NumberTypes(util);

    /** Every region's example number of every type, and its neighbours: the same region and type. */
    @Test
    void everyRegionsExampleNumbersGetLibphonenumbersRegionAndType() {
        int checked = 0;
        int typed = 0;
        for (String region : util.getSupportedRegions()) {
            for (PhoneNumberType type : PhoneNumberType.values()) {
                PhoneNumber example = util.getExampleNumberForType(region, type);
                if (example == null) {
                    continue;
                }
                for (int k = -3; k <= 3; k++) {
                    long nsn = example.getNationalNumber() + k * 13L;
                    if (nsn <= 0 || example.isItalianLeadingZero()) {
                        continue;
                    }
                    if (agrees(example.getCountryCode(), Long.toString(nsn))) {
                        typed++;
                    }
                    checked++;
                }
            }
        }
        assertThat(checked).isGreaterThan(9_000);
        assertThat(typed).as("numbers of a known region and type among them").isGreaterThan(checked / 2);
    }

    /**
     * Random digits after every country code, near the lengths its regions use, and example numbers with one to
     * four digits changed, one added or one dropped: the same answer.
     */
    @Test
    void randomNumbersOfEveryCountryCodeGetLibphonenumbersRegionAndType() {
        long seed = new Random().nextLong();
        Random random = new Random(seed);
        List<Integer> codes = new ArrayList<>();
        List<PhoneNumber> examples = new ArrayList<>();
        for (String region : util.getSupportedRegions()) {
            codes.add(util.getCountryCodeForRegion(region));
            for (PhoneNumberType type : PhoneNumberType.values()) {
                PhoneNumber example = util.getExampleNumberForType(region, type);
                if (example != null && !example.isItalianLeadingZero()) {
                    examples.add(example);
                }
            }
        }
        codes.addAll(util.getSupportedGlobalNetworkCallingCodes());
        codes.addAll(List.of(0, 999, 210, 42, 3));
        int typed = 0;
        int runs = 60_000;
        for (int run = 0; run < runs; run++) {
            int cc;
            StringBuilder nsn;
            if (random.nextBoolean()) {
                cc = codes.get(random.nextInt(codes.size()));
                nsn = new StringBuilder().append((char) ('1' + random.nextInt(9)));
                int length = 4 + random.nextInt(14);
                while (nsn.length() < length) {
                    nsn.append(digit(random));
                }
            } else {
                PhoneNumber example = examples.get(random.nextInt(examples.size()));
                cc = example.getCountryCode();
                nsn = new StringBuilder(Long.toString(example.getNationalNumber()));
                for (int edits = 1 + random.nextInt(4); edits > 0; edits--) {
                    nsn.setCharAt(random.nextInt(nsn.length()), digit(random));
                }
                switch (random.nextInt(4)) {
                    case 0 -> nsn.append(digit(random));
                    case 1 -> nsn.setLength(Math.max(1, nsn.length() - 1));
                    default -> { }
                }
                if (nsn.charAt(0) == '0') {
                    nsn.setCharAt(0, '1');
                }
            }
            try {
                if (agrees(cc, nsn.toString())) {
                    typed++;
                }
            } catch (AssertionError e) {
                throw new AssertionError("seed " + seed + ": " + e.getMessage(), e);
            }
        }
        assertThat(typed).as("seed %d: numbers of a known region and type among them", seed).isGreaterThan(runs / 8);
    }

    private static char digit(Random random) {
        return (char) ('0' + random.nextInt(10));
    }

    /** Whether {@code +cc nsn} has a region and a type; fails if the answer differs from libphonenumber's. */
    private boolean agrees(int cc, String nsn) {
        PhoneNumber number = new PhoneNumber().setCountryCode(cc).setNationalNumber(Long.parseLong(nsn));
        String region = util.getRegionCodeForNumber(number);
        NumberTypes.Found found = types.find(cc, nsn);
        if (region == null || PhoneNumberUtil.REGION_CODE_FOR_NON_GEO_ENTITY.equals(region)) {
            assertThat(found).as("+%d %s: libphonenumber finds region %s", cc, nsn, region).isNull();
            return false;
        }
        NumberType type = NumberType.of(util.getNumberType(number));
        assertThat(found).as("+%d %s", cc, nsn).isEqualTo(new NumberTypes.Found(region, type));
        return type != NumberType.UNKNOWN;
    }
}
