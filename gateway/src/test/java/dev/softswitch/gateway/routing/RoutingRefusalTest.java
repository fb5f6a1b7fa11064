package dev.softswitch.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class RoutingRefusalTest {

    @Test
    void theOutcomeIsASnakeCaseMetricTag() {
        for (String tag : List.of("trunks_busy", "no_route", "emergency", "a", "x9_")) {
            assertThat(new RoutingRefusal(503, "Busy", tag).outcome()).isEqualTo(tag);
        }
        for (String bad : List.of("", "Busy", "9a", "_a", "a-b", "a b", "trunks busy", "caf\u00e9", "a\n")) {
            assertThatThrownBy(() -> new RoutingRefusal(503, "Busy", bad))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("snake_case metric tag");
        }
    }

    @Test
    void theCodeIsAFinalNonSuccessAndThePhraseOneLine() {
        assertThatThrownBy(() -> new RoutingRefusal(200, "OK", "ok")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RoutingRefusal(503, "two\r\nlines", "busy"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(RoutingRefusal.trunksBusy().sipCode()).isEqualTo(503);
    }
}
