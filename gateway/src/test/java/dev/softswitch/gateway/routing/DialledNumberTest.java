package dev.softswitch.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DialledNumberTest {

    @ParameterizedTest
    @CsvSource({
            "+447700900123, 447700900123",
            "00447700900123, 447700900123",
            "447700900123, 447700900123",
            "+81-90-1234-5678, 819012345678",
            "'+1 (212) 555.0100', 12125550100",
    })
    void normalisesInternationalForms(String dialled, String digits) {
        assertThat(DialledNumber.parse(dialled).digits()).isEqualTo(digits);
        assertThat(DialledNumber.parse(dialled).e164()).isEqualTo("+" + digits);
    }

    @ParameterizedTest
    @CsvSource({
            "'', no number dialled",
            "+44abc, invalid character 'a' in number",
            "4477+00, invalid character '+' in number",
            "+4412, number too short",
            "+4477009001234567, number too long",
    })
    void refusesWhatIsNotANumberWithTheReason(String dialled, String reason) {
        assertThatThrownBy(() -> DialledNumber.parse(dialled)).hasMessage(reason);
    }
}
