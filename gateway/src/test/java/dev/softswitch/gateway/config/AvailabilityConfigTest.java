package dev.softswitch.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class AvailabilityConfigTest {

    @Test
    void shippedExampleHoldsTheSeedSchedule() {
        AvailabilityConfig c = AvailabilityConfig.loadResource("availability-example.yaml");

        assertThat(c.countries()).extracting(CountryRuleConfig::country)
                .containsExactly("ID", "CN", "FR", "HK", "SG", "KR", "ES", "VN", "DE", "KH");
        assertThat(c.service().callsEnd()).isEqualTo(Instant.parse("2023-05-30T15:00:00Z"));
        CountryRuleConfig kh = c.countries().get(9);
        assertThat(kh.salesSuspended()).isEqualTo(Instant.parse("2015-05-22T15:00:00Z"));
        assertThat(kh.outboundOff()).isEqualTo(kh.inboundOff());
    }

    static Stream<Arguments> badFiles() {
        return Stream.of(
                Arguments.of("""
                        countries:
                          - { country: ID, inboundOff: 9 May 2015 }
                        """, "f.yaml:2:32: countries[0].inboundOff: \"9 May 2015\" is not a date and time with its UTC"
                        + " offset (use e.g. 2023-05-31T00:00+09:00)"),
                Arguments.of("""
                        countries:
                          - { country: ID, inboundOff: 2015-05-09T00:00 }
                        """, "f.yaml:2:32: countries[0].inboundOff: \"2015-05-09T00:00\" is not a date and time with"
                        + " its UTC offset (use e.g. 2023-05-31T00:00+09:00)"),
                Arguments.of("""
                        countries:
                          - { country: Indonesia, inboundOff: 2015-05-09T00:00+09:00 }
                        """, "f.yaml:2:16: countries[0].country: \"Indonesia\" is not an ISO 3166 country code"
                        + " (use two capital letters, e.g. ID for Indonesia)"),
                Arguments.of("""
                        countries:
                          - { country: ID, inboundOff: 2015-05-09T00:00+09:00 }
                          - { country: ID, outboundOff: 2015-05-09T00:00+09:00 }
                        """, "f.yaml:3:16: countries[1].country: duplicate country \"ID\" at lines 2 and 3 (keep one of them)"),
                Arguments.of("""
                        countries:
                          - { country: ID, inboundOf: 2015-05-09T00:00+09:00 }
                        """, "f.yaml:2:20: countries[0].inboundOf: unknown key (did you mean inboundOff?)"),
                Arguments.of("""
                        service:
                          refundsFrom: 2023-06-01T00:00+09:00
                          refundsUntil: 2023-05-01T00:00+09:00
                        """, "f.yaml:3:17: service.refundsUntil: must be after refundsFrom (2023-05-31T15:00:00Z)"));
    }

    @ParameterizedTest
    @MethodSource("badFiles")
    void badFileIsRefusedNamingTheLine(String yaml, String problem) {
        assertThatThrownBy(() -> AvailabilityConfig.parse(yaml, "f.yaml"))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems()).contains(problem));
    }

    @Test
    void gatewayConfigTakesTrunkRoutingAndAvailabilityKeys() {
        GatewayConfig c = GatewayConfig.parse("""
                sip: { listen: [{ transport: udp, host: 127.0.0.1, port: 5060 }] }
                http: { host: 127.0.0.1, port: 8080 }
                media: { host: 127.0.0.1, portMin: 30000, portMax: 39999 }
                trunks:
                  - name: carrier-a
                    host: 127.0.0.1
                    port: 5080
                    transport: udp
                    prefixes: ["81", "44"]
                    priority: 10
                    weight: 3
                    rates: carrier-a.csv
                    maxChannels: 30
                    callsPerSecond: 5
                    numberFormat: digits
                    techPrefix: "0123#"
                    callerIdMode: pai
                    fromUser: softswitch
                    failoverCodes: [404, 480]
                    probe: false
                charging: { currency: USD, rates: [], accounts: [] }
                cdr: { file: ./calls.jsonl }
                routing: { maxAttempts: 2, probeInterval: 10s, probeFailures: 2, refusedNumberTypes: [PREMIUM_RATE] }
                availability:
                  countries: [{ country: ID, inboundOff: 2015-05-09T00:00+09:00 }]
                """, "g.yaml");

        assertThat(c.trunks().get(0)).isEqualTo(new TrunkConfig("carrier-a", "127.0.0.1", 5080, "udp",
                List.of("81", "44"), 10, 3, "carrier-a.csv", 30, 5, "digits", "0123#", "pai", "softswitch",
                List.of(404, 480), false, false));
        assertThat(c.routing()).isEqualTo(new RoutingConfig(2, Duration.ofSeconds(10), 2, List.of("PREMIUM_RATE"), null));
        assertThat(c.availability().countries()).hasSize(1);
    }

    @Test
    void badTrunkKeysAreEachNamed() {
        assertThatThrownBy(() -> GatewayConfig.parse("""
                sip: { listen: [{ transport: udp, host: 127.0.0.1, port: 5060 }] }
                http: { host: 127.0.0.1, port: 8080 }
                media: { host: 127.0.0.1, portMin: 30000, portMax: 39999 }
                trunks:
                  - name: carrier-a
                    host: 127.0.0.1
                    port: 5080
                    transport: udp
                    prefixes: ["81"]
                    failoverCodes: [404, busy]
                    numberFormat: national
                charging: { currency: USD, rates: [], accounts: [] }
                cdr: { file: ./calls.jsonl }
                """, "g.yaml"))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems()).containsExactly(
                        "g.yaml:10:26: trunks[0].failoverCodes[1]: \"busy\" is not a whole number (use e.g. [404, 480])"));
    }

    @Test
    void defaultConfigurationSpellsOutTheRoutingDefaults() {
        GatewayConfig c = GatewayConfig.loadDefault();

        assertThat(c.routing()).isEqualTo(RoutingConfig.DEFAULTS);
        assertThat(c.availability()).isEqualTo(AvailabilityConfig.NONE);
    }

    @Test
    void paiModeWithoutFromUserIsRefused() {
        assertThatThrownBy(() -> new TrunkConfig("c", "h", 5060, "udp", List.of(""), 0, 1, null, 0, 0, "e164", "",
                "pai", null, List.of(), true, false))
                .isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("add fromUser");
    }

    @Test
    void aTrunksBuyCurrencyMustBeAnIsoCodeAndPriceADeck() {
        assertThatThrownBy(() -> new TrunkConfig("c", "h", 5060, "udp", List.of(""), 0, 1, "buy.csv", 0, 0, "e164",
                "", "both", null, List.of(), true, false, null, "usd"))
                .isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("currency").hasMessageContaining("ISO 4217");
        assertThatThrownBy(() -> new TrunkConfig("c", "h", 5060, "udp", List.of(""), 0, 1, null, 0, 0, "e164",
                "", "both", null, List.of(), true, false, null, "EUR"))
                .isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("no rates");
        assertThat(new TrunkConfig("c", "h", 5060, "udp", List.of(""), 0, 1, "buy.csv", 0, 0, "e164",
                "", "both", null, List.of(), true, false, null, "EUR").currency()).isEqualTo("EUR");
    }
}
