package dev.softswitch.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.softswitch.gateway.routing.NumberClassifier.Callable;
import dev.softswitch.gateway.routing.NumberClassifier.Classification;
import dev.softswitch.gateway.routing.NumberClassifier.Refused;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class NumberClassifierTest {

    private final NumberClassifier classifier = new NumberClassifier();

    static Stream<Arguments> callableNumbers() {
        return Stream.of(
                // caller, dialled, E.164, region, type
                Arguments.of("JP", "+81 3-1234-5678", "+81312345678", "JP", NumberType.FIXED_LINE),
                Arguments.of("JP", "03-1234-5678", "+81312345678", "JP", NumberType.FIXED_LINE),
                Arguments.of("JP", "090-1234-5678", "+819012345678", "JP", NumberType.MOBILE),
                Arguments.of("GB", "0081 90 1234 5678", "+819012345678", "JP", NumberType.MOBILE),
                Arguments.of("JP", "010 44 20 7946 0018", "+442079460018", "GB", NumberType.FIXED_LINE),
                Arguments.of("TH", "02 123 4567", "+6621234567", "TH", NumberType.FIXED_LINE),
                Arguments.of("TH", "081 234 5678", "+66812345678", "TH", NumberType.MOBILE),
                Arguments.of("JP", "+66 81 234 5678", "+66812345678", "TH", NumberType.MOBILE),
                Arguments.of("ID", "021 8350123", "+62218350123", "ID", NumberType.FIXED_LINE),
                Arguments.of("ID", "0812-345-678", "+62812345678", "ID", NumberType.MOBILE),
                Arguments.of("DE", "030 123456", "+4930123456", "DE", NumberType.FIXED_LINE),
                Arguments.of("DE", "01512 3456789", "+4915123456789", "DE", NumberType.MOBILE),
                Arguments.of("US", "+49 1512 3456789", "+4915123456789", "DE", NumberType.MOBILE),
                Arguments.of("GB", "020 7946 0018", "+442079460018", "GB", NumberType.FIXED_LINE),
                Arguments.of("GB", "07400 123456", "+447400123456", "GB", NumberType.MOBILE),
                Arguments.of("US", "(201) 555-0123", "+12015550123", "US", NumberType.FIXED_LINE_OR_MOBILE),
                Arguments.of("US", "011 44 7400 123456", "+447400123456", "GB", NumberType.MOBILE),
                Arguments.of(null, "+81312345678;phone-context=+81", "+81312345678", "JP", NumberType.FIXED_LINE));
    }

    @ParameterizedTest(name = "{0} dials {1} -> {2} {3} {4}")
    @MethodSource("callableNumbers")
    void normalisesAndClassifiesRealNumbers(String caller, String dialled, String e164, String region, NumberType type) {
        Classification c = classifier.classify(caller, dialled);

        assertThat(c).isInstanceOf(Callable.class);
        PhoneNumberInfo n = ((Callable) c).number();
        assertThat(n.e164()).isEqualTo(e164);
        assertThat(n.digits()).isEqualTo(e164.substring(1));
        assertThat(n.regionCode()).isEqualTo(region);
        assertThat(n.type()).isEqualTo(type);
    }

    static Stream<Arguments> refusedNumbers() {
        return Stream.of(
                // caller, dialled, SIP code, outcome
                Arguments.of("JP", "110", 380, "emergency"),
                Arguments.of("JP", "119", 380, "emergency"),
                Arguments.of("DE", "112", 380, "emergency"),
                Arguments.of("GB", "112", 380, "emergency"),
                Arguments.of("GB", "999", 380, "emergency"),
                Arguments.of("US", "911", 380, "emergency"),
                Arguments.of("TH", "191", 380, "emergency"),
                Arguments.of("US", "+1 911", 380, "emergency"),
                Arguments.of("US", "+44 999", 380, "emergency"),
                Arguments.of("US", "1-800-234-5678", 403, "toll_free"),
                Arguments.of("GB", "+1 800 234 5678", 403, "toll_free"),
                Arguments.of("GB", "0800 123 4567", 403, "toll_free"),
                Arguments.of("JP", "0120-123-456", 403, "toll_free"),
                Arguments.of("GB", "09 0912 3456 7", 403, "premium_rate"),
                Arguments.of("DE", "+44 909 876 5432", 403, "premium_rate"),
                Arguments.of("DE", "0180 12345", 403, "shared_cost"),
                Arguments.of("ID", "+62 804 1234567", 403, "shared_cost"),
                Arguments.of("JP", "0570-123-456", 403, "uan"),
                Arguments.of("GB", "055 1234 5678", 403, "uan"),
                Arguments.of("GB", "0845 123 4567", 403, "premium_rate"),
                Arguments.of("TH", "1900 123 456", 403, "premium_rate"),
                Arguments.of("JP", "+81 3 1234", 484, "invalid_number"),
                Arguments.of("JP", "+999 1234 5678", 484, "invalid_number"),
                Arguments.of("JP", "call me", 484, "invalid_number"),
                Arguments.of("JP", "", 484, "invalid_number"),
                Arguments.of(null, "03-1234-5678", 484, "invalid_number"),
                Arguments.of("DE", "+49 1 2", 484, "invalid_number"));
    }

    @ParameterizedTest(name = "{0} dials {1} -> {2} {3}")
    @MethodSource("refusedNumbers")
    void refusesEachClassWithItsOwnAnswer(String caller, String dialled, int code, String outcome) {
        Classification c = classifier.classify(caller, dialled);

        assertThat(c).isInstanceOf(Refused.class);
        RoutingRefusal r = ((Refused) c).refusal();
        assertThat(r.sipCode()).isEqualTo(code);
        assertThat(r.outcome()).isEqualTo(outcome);
    }

    @Test
    void emergencyRefusalTellsTheUserToUseThePhone() {
        RoutingRefusal r = ((Refused) classifier.classify("JP", "110")).refusal();

        assertThat(r.sipCode()).isEqualTo(380);
        assertThat(r.reasonPhrase()).contains("Emergency").contains("phone's dialler");
    }

    @Test
    void refusedTypeKeepsTheParsedNumberForTheRecords() {
        Refused r = (Refused) classifier.classify("US", "1-800-234-5678");

        assertThat(r.number().e164()).isEqualTo("+18002345678");
        assertThat(r.number().type()).isEqualTo(NumberType.TOLL_FREE);
        assertThat(r.refusal().reasonPhrase()).isEqualTo("Toll-free numbers cannot be called");
    }

    @Test
    void refusedTypesAreConfigurable() {
        NumberClassifier permissive = new NumberClassifier(Set.of(NumberType.PREMIUM_RATE));

        assertThat(permissive.classify("US", "1-800-234-5678")).isInstanceOf(Callable.class);
        assertThat(permissive.classify("GB", "+44 909 876 5432")).isInstanceOf(Refused.class);
    }

    @Test
    void incompleteNumberGets484WithAPlainReason() {
        RoutingRefusal r = ((Refused) classifier.classify("JP", "+81 3 1234")).refusal();

        assertThat(r.sipCode()).isEqualTo(484);
        assertThat(r.reasonPhrase()).startsWith("Incomplete number");
    }

    /** Every region's example numbers (and neighbours), as dialled in several forms: both paths agree. */
    @Test
    void fastPathAgreesWithTheFullParseForEveryRegion() {
        com.google.i18n.phonenumbers.PhoneNumberUtil util = com.google.i18n.phonenumbers.PhoneNumberUtil.getInstance();
        NumberClassifier slow = new NumberClassifier(NumberClassifier.DEFAULT_REFUSED_TYPES, false);
        String[] callers = {"JP", "US", "GB", "DE", "TH", "ID", "KR", "AU", "BR", "AR", "IT", "RU"};
        int checked = 0;
        for (String region : util.getSupportedRegions()) {
            for (var type : com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberType.values()) {
                var example = util.getExampleNumberForType(region, type);
                if (example == null) {
                    continue;
                }
                for (int k = 0; k < 5; k++) {
                    var n = new com.google.i18n.phonenumbers.Phonenumber.PhoneNumber().mergeFrom(example)
                            .setNationalNumber(example.getNationalNumber() + k * 7);
                    String e164 = util.format(n, com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberFormat.E164);
                    String national = util.format(n, com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberFormat.NATIONAL);
                    String caller = callers[(checked + k) % callers.length];
                    String[][] inputs = {{caller, e164}, {region, national}, {region, util.getNationalSignificantNumber(n)},
                            {caller, util.formatOutOfCountryCallingNumber(n, caller)}};
                    for (String[] in : inputs) {
                        assertThat(classifier.classify(in[0], in[1]))
                                .as("%s dials %s", in[0], in[1]).isEqualTo(slow.classify(in[0], in[1]));
                        checked++;
                    }
                }
            }
        }
        for (int cc : util.getSupportedGlobalNetworkCallingCodes()) {
            var example = util.getExampleNumberForNonGeoEntity(cc);
            if (example == null) {
                continue;
            }
            for (int k = 0; k < 5; k++) {
                String dialled = "+" + cc + (example.getNationalNumber() + k * 7);
                assertThat(classifier.classify("GB", dialled)).as("GB dials %s", dialled)
                        .isEqualTo(slow.classify("GB", dialled));
                checked++;
            }
        }
        assertThat(checked).isGreaterThan(10_000);
    }
}
