package dev.softswitch.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class MediaRelayConfigTest {

    @Test
    void acceptsAnEvenRangeWithinTheUnprivilegedPorts() {
        MediaRelayConfig cfg = new MediaRelayConfig("127.0.0.1", 1024, 65535, 2);

        assertThat(cfg.portMin()).isEqualTo(1024);
        assertThat(cfg.portMax()).isEqualTo(65535);
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                Arguments.of("127.0.0.1", 10001, 10100, 1, "even"),
                Arguments.of("127.0.0.1", 10000, 10000, 1, "below portMax"),
                Arguments.of("127.0.0.1", 10100, 10000, 1, "below portMax"),
                Arguments.of("127.0.0.1", 1022, 10000, 1, "1024..65535"),
                Arguments.of("127.0.0.1", 10000, 65536, 1, "1024..65535"),
                Arguments.of("127.0.0.1", 10000, 10100, 0, "ioThreads"),
                Arguments.of(" ", 10000, 10100, 1, "bindHost"));
    }

    @ParameterizedTest
    @MethodSource("invalid")
    void rejectsInvalidSettingsNamingTheProblem(String host, int min, int max, int threads, String message) {
        assertThatThrownBy(() -> new MediaRelayConfig(host, min, max, threads))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }

    @Test
    void theBuilderRefusesANegativeLatchWindow() {
        MediaRelay.Builder builder = MediaRelay.builder(new MediaRelayConfig("127.0.0.1", 10000, 10100, 1));

        assertThatThrownBy(() -> builder.latchWindow(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("latch window");
        assertThat(builder.latchWindow(Duration.ZERO)).isSameAs(builder);
    }
}
