package dev.softswitch.gateway;

import dev.softswitch.charging.money.Money;
import dev.softswitch.charging.product.Feature;
import dev.softswitch.charging.product.Product;
import dev.softswitch.charging.product.ProductCatalog;
import dev.softswitch.charging.tariff.Tax;
import dev.softswitch.gateway.config.ConfigException;
import dev.softswitch.gateway.config.GatewayConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Products from the configuration: inline rates or dated CSV decks, tax, plans, packages, and refusals that name the fix. */
class ChargingProductsTest {

    private static final String HEADER = "prefix,destination,currency,price_per_minute,connect_fee,"
            + "initial_increment,subsequent_increment,tax_mode,tax_percent,number_type\n";

    @TempDir
    Path dir;

    private static String config(String charging) {
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
                """ + charging.indent(2);
    }

    private static final String TWO_PRODUCTS = """
            products:
              - name: line-out
                currency: USD
                creditValidity: 180d
                decks:
                  - { file: out-2026.csv }
                  - { file: out-2027.csv, from: 2027-01-01T00:00Z }
                plans:
                  - { name: usa-60, prefixes: ["1"], minutes: 60, price: "2.99" }
              - name: line-mobile-jp
                currency: JPY
                tax: { mode: added, percent: "10" }
                zone: Asia/Tokyo
                homeCountry: JP
                internationalCap: "20000"
                rates:
                  - { prefix: "1", destination: USA, perMinute: "40", increments: 30/30 }
            accounts:
              - { id: alice, balance: "5" }
              - { id: taro, product: line-mobile-jp, balance: "1000", zone: Asia/Tokyo }
            """;

    @Test
    void productsLoadWithDatedDecksTaxPlansAndCap() throws Exception {
        Files.writeString(dir.resolve("out-2026.csv"), HEADER + "1,USA,USD,0.02,0,60,60,included,0,landline\n");
        Files.writeString(dir.resolve("out-2027.csv"), HEADER + "1,USA,USD,0.03,0,60,60,included,0,landline\n");
        GatewayConfig c = GatewayConfig.parse(config(TWO_PRODUCTS), "test.yaml");

        ProductCatalog catalog = ChargingProducts.load(c.charging(), dir, "test.yaml");

        Product out = catalog.find("line-out").orElseThrow();
        assertThat(out.creditValidity()).isEqualTo(Duration.ofDays(180));
        assertThat(out.sell().deckAt(Instant.parse("2026-06-01T00:00:00Z")).lookup("12125550100").orElseThrow()
                .pricePerMinute()).isEqualTo(Money.parse("0.02", "USD"));
        assertThat(out.sell().deckAt(Instant.parse("2027-01-01T00:00:00Z")).lookup("12125550100").orElseThrow()
                .pricePerMinute()).isEqualTo(Money.parse("0.03", "USD"));
        assertThat(out.features()).containsExactlyInAnyOrder(Feature.CREDIT, Feature.PLANS);
        Product jp = catalog.find("line-mobile-jp").orElseThrow();
        assertThat(jp.tax()).isEqualTo(Tax.added(1000));
        assertThat(jp.homePrefix()).isEqualTo("81");
        assertThat(jp.zone()).isEqualTo(ZoneId.of("Asia/Tokyo"));
        assertThat(jp.internationalCap()).isEqualTo(Money.parse("20000", "JPY"));
        assertThat(c.charging().productOf(c.charging().accounts().get(0)).name()).isEqualTo("line-out");
    }

    @Test
    void aBadDeckLineIsNamedWithItsFileAndLineAndNothingLoads() throws Exception {
        Files.writeString(dir.resolve("out-2026.csv"), HEADER + "1,USA,USD,abc,0,60,60,included,0,landline\n");
        Files.writeString(dir.resolve("out-2027.csv"), HEADER + "1,USA,USD,0.03,0,60,60,included,0,landline\n");
        GatewayConfig c = GatewayConfig.parse(config(TWO_PRODUCTS), "test.yaml");

        assertThatThrownBy(() -> ChargingProducts.load(c.charging(), dir, "test.yaml"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(dir.resolve("out-2026.csv") + ":2:");
    }

    @Test
    void aDeckInAnotherCurrencyOrWithAnotherTaxThanItsProductIsRefused() throws Exception {
        Files.writeString(dir.resolve("out-2026.csv"), HEADER + "1,USA,EUR,0.02,0,60,60,included,0,landline\n");
        Files.writeString(dir.resolve("out-2027.csv"), HEADER + "1,USA,USD,0.03,0,60,60,added,7,landline\n");
        GatewayConfig c = GatewayConfig.parse(config(TWO_PRODUCTS), "test.yaml");

        assertThatThrownBy(() -> ChargingProducts.load(c.charging(), dir, "test.yaml"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("charging.products[line-out]")
                .hasMessageContaining("'1' in EUR, but product 'line-out' sells in USD")
                .hasMessageContaining("tax 7.00% added, but product 'line-out' has tax 0.00% included");
    }

    @Test
    void anAccountOnAnUnknownProductIsRefusedNamingTheProducts() {
        String yaml = config(TWO_PRODUCTS.replace("product: line-mobile-jp", "product: line-mobile-kr"));
        assertThatThrownBy(() -> GatewayConfig.parse(yaml, "test.yaml"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("line-mobile-kr")
                .hasMessageContaining("[line-out, line-mobile-jp]");
    }

    @Test
    void productsAndATopLevelCurrencyTogetherAreRefused() {
        assertThatThrownBy(() -> GatewayConfig.parse(config("currency: USD\n" + TWO_PRODUCTS), "test.yaml"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("test.yaml:")
                .hasMessageContaining("charging.currency");
    }

    @Test
    void aBadTaxModeOrZoneIsNamed() {
        assertThatThrownBy(() -> GatewayConfig.parse(config(TWO_PRODUCTS.replace("mode: added", "mode: plus")),
                "test.yaml")).isInstanceOf(ConfigException.class).hasMessageContaining("\"plus\" is not included or added");
        assertThatThrownBy(() -> GatewayConfig.parse(config(TWO_PRODUCTS.replace("zone: Asia/Tokyo\n", "zone: Tokio\n")),
                "test.yaml")).isInstanceOf(ConfigException.class).hasMessageContaining("\"Tokio\" is not a time zone");
    }
}
