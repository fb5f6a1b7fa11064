package dev.softswitch.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.softswitch.gateway.config.AvailabilityConfig;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The seed-000 schedule as shipped in availability-example.yaml, checked 1 ms before and at each change. */
class CountryAvailabilityTest {

    private static final CountryAvailability SEED =
            CountryAvailability.from(AvailabilityConfig.loadResource("availability-example.yaml"));

    private static final Instant MAY_9 = jst("2015-05-09T00:00");
    private static final Instant MAY_23 = jst("2015-05-23T00:00");
    private static final Instant LATE_JUNE = jst("2015-06-25T00:00");
    private static final Instant SALES_END = jst("2023-04-01T00:00");
    private static final Instant CALLS_END = jst("2023-05-31T00:00");

    static Instant jst(String local) {
        return OffsetDateTime.parse(local + "+09:00").toInstant();
    }

    static Stream<Arguments> calls() {
        return Stream.of(
                // caller, callee, change instant, refusal phrase from that instant on
                Arguments.of("ID", "JP", MAY_9, "Calls from Indonesia are no longer available"),
                Arguments.of("JP", "ID", MAY_9, "Calls to Indonesia are no longer available"),
                Arguments.of("JP", "CN", MAY_9, "Calls to China are no longer available"),
                Arguments.of("JP", "FR", MAY_9, "Calls to France are no longer available"),
                Arguments.of("JP", "HK", MAY_9, "Calls to Hong Kong are no longer available"),
                Arguments.of("JP", "SG", MAY_9, "Calls to Singapore are no longer available"),
                Arguments.of("JP", "KR", MAY_9, "Calls to South Korea are no longer available"),
                Arguments.of("JP", "ES", MAY_9, "Calls to Spain are no longer available"),
                Arguments.of("JP", "VN", MAY_9, "Calls to Vietnam are no longer available"),
                Arguments.of("TH", "DE", MAY_23, "Calls to Germany are no longer available"),
                Arguments.of("KH", "JP", LATE_JUNE, "Calls from Cambodia are no longer available"),
                Arguments.of("JP", "KH", LATE_JUNE, "Calls to Cambodia are no longer available"),
                Arguments.of("JP", "TH", CALLS_END, "This calling service has ended"),
                Arguments.of("DE", "JP", CALLS_END, "This calling service has ended"));
    }

    @ParameterizedTest(name = "{0} -> {1} closes at {2}")
    @MethodSource("calls")
    void eachRuleTakesEffectAtItsInstant(String caller, String callee, Instant change, String phrase) {
        assertThat(SEED.check(caller, callee, change.minusMillis(1))).isEmpty();

        Optional<RoutingRefusal> refusal = SEED.check(caller, callee, change);

        assertThat(refusal).isPresent();
        assertThat(refusal.get().sipCode()).isEqualTo(403);
        assertThat(refusal.get().reasonPhrase()).isEqualTo(phrase);
    }

    @Test
    void inboundOnlyCountryStillLetsItsUsersCallOut() {
        assertThat(SEED.check("DE", "JP", MAY_23)).isEmpty();
        assertThat(SEED.check("CN", "TH", MAY_9)).isEmpty();
    }

    @Test
    void outboundIsCheckedBeforeInboundAndNamesTheOutcome() {
        RoutingRefusal r = SEED.check("ID", "KH", LATE_JUNE).orElseThrow();

        assertThat(r.outcome()).isEqualTo("country_outbound_closed");
        assertThat(SEED.check("JP", "ID", MAY_9).orElseThrow().outcome()).isEqualTo("country_inbound_closed");
    }

    @Test
    void cambodiaSalesAreSuspendedOnMay23BeforeItsCallsEnd() {
        assertThat(SEED.salesSuspended("KH", MAY_23.minusMillis(1))).isFalse();
        assertThat(SEED.salesSuspended("KH", MAY_23)).isTrue();
        assertThat(SEED.check("KH", "JP", MAY_23)).isEmpty();
        assertThat(SEED.salesSuspended("TH", MAY_23)).isFalse();
    }

    @Test
    void serviceWideSalesEndSuspendsSalesEverywhere() {
        assertThat(SEED.salesSuspended("JP", SALES_END.minusMillis(1))).isFalse();
        assertThat(SEED.salesSuspended("JP", SALES_END)).isTrue();
        assertThat(SEED.check("JP", "TH", SALES_END)).isEmpty();
    }

    @Test
    void refundWindowOpensJuneFirstAndClosesAfterAugust31() {
        ServiceSchedule s = SEED.service();
        Instant from = jst("2023-06-01T00:00");
        Instant until = jst("2023-09-01T00:00");

        assertThat(s.refundWindowOpen(from.minusMillis(1))).isFalse();
        assertThat(s.refundWindowOpen(from)).isTrue();
        assertThat(s.refundWindowOpen(until.minusMillis(1))).isTrue();
        assertThat(s.refundWindowOpen(until)).isFalse();
    }

    @Test
    void unknownCountriesAndNoScheduleAreOpen() {
        assertThat(SEED.check(null, null, MAY_9)).isEmpty();
        assertThat(CountryAvailability.OPEN.check("ID", "ID", Instant.MAX.minusSeconds(1))).isEmpty();
        assertThat(CountryAvailability.OPEN.salesSuspended("KH", CALLS_END)).isFalse();
    }

    @Test
    void lowerCaseCountryCodesMatch() {
        assertThat(SEED.check("jp", "id", MAY_9)).isPresent();
    }
}
