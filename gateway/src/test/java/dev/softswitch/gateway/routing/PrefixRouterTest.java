package dev.softswitch.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.softswitch.gateway.transport.Endpoint;
import dev.softswitch.gateway.transport.TransportType;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PrefixRouterTest {

    private static final Trunk WORLD = trunk("world", "");
    private static final Trunk UK = trunk("uk", "44");
    private static final Trunk UK_MOBILE = trunk("uk-mobile", "447");
    private static final Trunk JAPAN = trunk("japan", "81", "8190");
    private static final Trunk JAPAN_BACKUP = trunk("japan-backup", "81");

    private final PrefixRouter router = new PrefixRouter(List.of(WORLD, UK, UK_MOBILE, JAPAN, JAPAN_BACKUP));

    static Stream<Arguments> longestPrefixWins() {
        return Stream.of(
                Arguments.of("447700900123", List.of(UK_MOBILE)),
                Arguments.of("442071838750", List.of(UK)),
                Arguments.of("44", List.of(UK)),
                Arguments.of("4", List.of(WORLD)),
                Arguments.of("819012345678", List.of(JAPAN)),
                Arguments.of("81312345678", List.of(JAPAN, JAPAN_BACKUP)),
                Arguments.of("66812345678", List.of(WORLD)),
                Arguments.of("", List.of(WORLD)));
    }

    @ParameterizedTest
    @MethodSource
    void longestPrefixWins(String digits, List<Trunk> expected) {
        assertThat(router.candidates(digits)).containsExactlyElementsOf(expected);
    }

    @Test
    void noTrunkServesAnUncoveredNumberWithoutDefault() {
        PrefixRouter narrow = new PrefixRouter(List.of(UK, JAPAN));
        assertThat(narrow.candidates("4917012345678")).isEmpty();
        assertThat(narrow.candidates("447700900123")).containsExactly(UK);
    }

    private static Trunk trunk(String name, String... prefixes) {
        return new Trunk(name, Endpoint.of("127.0.0.1", 5080, TransportType.UDP), List.of(prefixes));
    }
}
