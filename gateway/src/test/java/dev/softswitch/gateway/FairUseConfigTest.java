package dev.softswitch.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.softswitch.charging.fairuse.FairUseAction;
import dev.softswitch.charging.fairuse.FairUsePolicy;
import dev.softswitch.charging.fairuse.Hold;
import dev.softswitch.charging.fairuse.Step;
import dev.softswitch.charging.money.Money;
import dev.softswitch.charging.product.ProductCatalog;
import dev.softswitch.gateway.config.ConfigException;
import dev.softswitch.gateway.config.GatewayConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A product's {@code fairUse:} section (FUP-1, FUP-2): every detector loads, and a bad one is named with its line. */
class FairUseConfigTest {

    private static String config(String fairUse) {
        return """
                sip:
                  listen:
                    - { transport: udp, host: 127.0.0.1, port: 5060 }
                http: { host: 127.0.0.1, port: 8080 }
                media: { host: 127.0.0.1, portMin: 30000, portMax: 39999 }
                trunks:
                  - { name: carrier, host: 127.0.0.1, port: 5080, transport: udp, prefixes: [""] }
                cdr: { file: ./calls.jsonl }
                charging:
                  products:
                    - name: line-mobile-jp
                      currency: JPY
                      zone: Asia/Tokyo
                      rates:
                        - { prefix: "1", destination: USA, perMinute: "40", increments: 30/30 }
                      fairUse:
                """ + fairUse.indent(8) + """
                  accounts:
                    - { id: taro, balance: "1000" }
                """;
    }

    private static final String ALL = """
            shortCalls: { shorterThan: 6s, window: 10m, steps: [ { above: 20, action: warn }, { above: 30, action: suspend-account, for: 1h } ] }
            callBursts: { window: 1m, steps: [ { above: 40, action: refuse-call } ] }
            concurrentCalls: { steps: [ { above: 3, action: refuse-call } ] }
            riskyDestinations: { prefixes: ["882", "883"], premiumRate: true, window: 1h, steps: [ { above: 2, action: suspend_plan, until: lifted } ] }
            spendOutliers: { minimum: "20000", ownMultiple: 3, mads: 10, minPopulation: 100, action: suspend-account, until: end-of-month }
            """;

    @Test
    void everyDetectorLoadsIntoTheProduct() throws Exception {
        GatewayConfig c = GatewayConfig.parse(config(ALL), "test.yaml");
        ProductCatalog catalog = ChargingProducts.load(c.charging(), Path.of("."), "test.yaml");

        FairUsePolicy p = catalog.find("line-mobile-jp").orElseThrow().fairUse();
        assertThat(p.shortCalls()).isEqualTo(new FairUsePolicy.ShortCalls(Duration.ofSeconds(6),
                Duration.ofMinutes(10), List.of(new Step(20, FairUseAction.WARN, null),
                        new Step(30, FairUseAction.SUSPEND_ACCOUNT, Hold.of(Duration.ofHours(1))))));
        assertThat(p.callBursts().steps()).containsExactly(new Step(40, FairUseAction.REFUSE_CALL, null));
        assertThat(p.concurrentCalls().steps()).containsExactly(new Step(3, FairUseAction.REFUSE_CALL, null));
        assertThat(p.riskyDestinations().prefixes()).containsExactly("882", "883");
        assertThat(p.riskyDestinations().premiumRate()).isTrue();
        assertThat(p.riskyDestinations().steps().get(0).hold()).isEqualTo(Hold.UNTIL_LIFTED);
        assertThat(p.spendOutliers()).isEqualTo(new FairUsePolicy.SpendOutliers(Money.parse("20000", "JPY"), 3, 10,
                100, FairUseAction.SUSPEND_ACCOUNT, Hold.END_OF_MONTH));
    }

    @Test
    void aProductWithoutTheSectionIsNotWatched() throws Exception {
        GatewayConfig c = GatewayConfig.parse(config("{}").replace("      fairUse:\n        {}\n", ""), "test.yaml");
        assertThat(ChargingProducts.load(c.charging(), Path.of("."), "test.yaml").find("line-mobile-jp").orElseThrow()
                .fairUse().isEmpty()).isTrue();
    }

    @Test
    void badDetectorsAreNamedWithTheirFieldAndLine() {
        assertThatThrownBy(() -> GatewayConfig.parse(config(ALL.replace("action: warn", "action: scold")),
                "test.yaml")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("test.yaml:")
                .hasMessageContaining("shortCalls.steps[0].action")
                .hasMessageContaining("\"scold\" is not one of [warn, refuse-call, suspend-plan, suspend-account]");
        assertThatThrownBy(() -> GatewayConfig.parse(config(ALL.replace("above: 30", "above: 10")), "test.yaml"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("steps must rise, but 10 follows 20");
        assertThatThrownBy(() -> GatewayConfig.parse(config(ALL.replace(", for: 1h", "")), "test.yaml"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("suspend_account needs how long it lasts ('for' or 'until')");
        assertThatThrownBy(() -> GatewayConfig.parse(config(ALL.replace("window: 10m", "window: soon")), "test.yaml"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("shortCalls.window");
        assertThatThrownBy(() -> GatewayConfig.parse(config(ALL.replace("\"882\"", "\"+882\"")), "test.yaml"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("'+882' is not a string of digits");
        assertThatThrownBy(() -> GatewayConfig.parse(config(ALL.replace("callBursts", "callBurst")), "test.yaml"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("callBurst");
    }

    @Test
    void anOutlierMinimumThatIsNotAnAmountIsNamed() {
        assertThatThrownBy(() -> GatewayConfig.parse(config(ALL.replace("minimum: \"20000\"", "minimum: lots")),
                "test.yaml")).isInstanceOf(ConfigException.class).hasMessageContaining("spendOutliers.minimum");
    }
}
