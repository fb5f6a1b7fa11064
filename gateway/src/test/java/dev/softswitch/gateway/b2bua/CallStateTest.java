package dev.softswitch.gateway.b2bua;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class CallStateTest {

    static Stream<Arguments> steps() {
        return Stream.of(
                Arguments.of(CallState.ROUTING, EnumSet.of(CallState.CALLING, CallState.ENDED)),
                Arguments.of(CallState.CALLING, EnumSet.of(CallState.CALLING, CallState.EARLY, CallState.ANSWERED, CallState.ENDED)),
                Arguments.of(CallState.EARLY, EnumSet.of(CallState.CALLING, CallState.EARLY, CallState.ANSWERED, CallState.ENDED)),
                Arguments.of(CallState.ANSWERED, EnumSet.of(CallState.CONFIRMED, CallState.ENDED)),
                Arguments.of(CallState.CONFIRMED, EnumSet.of(CallState.ENDED)),
                Arguments.of(CallState.ENDED, EnumSet.noneOf(CallState.class)));
    }

    @ParameterizedTest
    @MethodSource("steps")
    void onlyTheDrawnStepsAreTakenAndEveryOtherFailsLoudly(CallState from, Set<CallState> allowed) {
        for (CallState to : CallState.values()) {
            if (allowed.contains(to)) {
                assertThat(from.check(to)).isEqualTo(to);
            } else {
                assertThatThrownBy(() -> from.check(to))
                        .isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining(from + " -> " + to);
            }
        }
    }

    @Test
    void ringingAndAnsweredNameTheStatesWhereTheyHold() {
        assertThat(EnumSet.allOf(CallState.class)).filteredOn(CallState::isRinging)
                .containsExactlyInAnyOrder(CallState.CALLING, CallState.EARLY);
        assertThat(EnumSet.allOf(CallState.class)).filteredOn(CallState::isAnswered)
                .containsExactlyInAnyOrder(CallState.ANSWERED, CallState.CONFIRMED);
    }
}
