package dev.softswitch.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ClientVersionCheckTest {

    private final ClientVersionCheck check = new ClientVersionCheck("SoftphoneApp",
            Map.of("Android", "4.0.0", "iOS", "4.1"));

    static Stream<Arguments> userAgents() {
        return Stream.of(
                Arguments.of("SoftphoneApp/3.9.9 (Pixel 7; Android 14)",
                        "Update Required: install SoftphoneApp 4.0.0 or later on Android"),
                Arguments.of("SoftphoneApp/4.0.9 (iPhone 15; iOS 17.2)",
                        "Update Required: install SoftphoneApp 4.1 or later on iOS"),
                Arguments.of("SoftphoneApp/4.0.0 (Pixel 7; Android 14)", null),
                Arguments.of("SoftphoneApp/4.10.0 (iPhone; iOS 17)", null),   // 10 > 1: numbers, not text
                Arguments.of("SoftphoneApp/4.1 (iPhone; iOS 17)", null),
                Arguments.of("SoftphoneApp/1.0 (Windows 11)", null),           // no minimum for this platform
                Arguments.of("baresip v1.0.0 (x86_64/linux)", null),           // another product
                Arguments.of(null, null));
    }

    @ParameterizedTest
    @MethodSource("userAgents")
    void refusesOnlyTheAppBelowItsPlatformsMinimumWithAReasonThatSaysWhatToDo(String userAgent, String reason) {
        assertThat(check.refusal(userAgent).orElse(null)).isEqualTo(reason);
    }

    @Test
    void versionsCompareNumberByNumber() {
        assertThat(ClientVersionCheck.compare("4.2", "4.2.0")).isZero();
        assertThat(ClientVersionCheck.compare("4.10", "4.9")).isPositive();
        assertThat(ClientVersionCheck.compare("3.99.99", "4")).isNegative();
        assertThat(ClientVersionCheck.compare("99999999999", "1")).isPositive();
    }
}
