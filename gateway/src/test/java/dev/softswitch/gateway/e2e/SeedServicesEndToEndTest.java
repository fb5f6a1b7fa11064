package dev.softswitch.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.softswitch.charging.money.Money;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The three seed services of issue 12, each from its shipped {@code examples/*.yaml} through the real gateway and
 * SIPp (app client and carrier): every call is charged exactly as its seed says. The calls are real time, 31 and
 * 61 seconds long: each test places its calls side by side to keep the run short.
 */
@ExtendWith(SippAvailable.class)
class SeedServicesEndToEndTest {

    private static final Duration LIMIT = Duration.ofSeconds(120);
    private static final String USA = "+12125550100";

    private static long micros(JsonNode record) {
        return record.get("amount").get("micros").asLong();
    }

    private static JsonNode recordTo(SeedExample ex, String account, String number) throws Exception {
        String digits = number.substring(1);
        return CallRecords.lastWhere(ex.callRecords, 0, account, r -> r.get("callee").asText().contains(digits));
    }

    /**
     * LINE Out (seed 001): US dollars per started minute, tax included. A 61 s call to the USA is two minutes at
     * 0.023 = 0.046 USD, taken from the lot that expires first; the same call on a coin wallet is 4.6 coins,
     * rounded to 5 and up to even: 6 coins = 0.06 USD; a call covered by a 30-day plan takes two plan minutes and
     * no money.
     */
    @Test
    void lineOutChargesStartedMinutesEarliestLotFirstCoinsEvenAndPlansFirst(@TempDir Path dir) throws Exception {
        try (SeedExample ex = SeedExample.start("line-out", dir, root -> { })) {
            // a second lot, bought now, expires after the opening one: the opening lot pays first
            long later = ex.gateway.charging().purchaseCredit("demo", Money.parse("1.00", "USD"), "store");
            ex.gateway.charging().purchasePlan("demo", "japan-mobile-30", false);
            try (SippProcess carrier = ex.carrier(3, LIMIT);
                 SippProcess credit = ex.client("basic-call", "demo", USA).callDuration(Duration.ofMillis(61_000))
                         .timeout(LIMIT).start();
                 SippProcess plan = ex.client("basic-call", "demo", "+819087654321")
                         .callDuration(Duration.ofMillis(61_000)).timeout(LIMIT).start();
                 SippProcess coins = ex.client("basic-call", "demo-coin", USA).callDuration(Duration.ofMillis(61_000))
                         .timeout(LIMIT).start()) {
                assertThat(credit.awaitExit(LIMIT)).as(credit.describe()).isZero();
                assertThat(plan.awaitExit(LIMIT)).as(plan.describe()).isZero();
                assertThat(coins.awaitExit(LIMIT)).as(coins.describe()).isZero();
                assertThat(carrier.awaitExit(LIMIT)).as(carrier.describe()).isZero();
            }
            JsonNode onCredit = recordTo(ex, "demo", USA);
            assertThat(onCredit.get("billedSeconds").asLong()).isEqualTo(120);
            assertThat(micros(onCredit)).isEqualTo(46_000);
            assertThat(onCredit.get("charge").get("lots")).singleElement()
                    .satisfies(lot -> assertThat(lot.get("lotId").asLong()).isNotEqualTo(later));
            assertThat(ex.gateway.accounts().lots("demo")).extracting(l -> l.remaining().micros())
                    .containsExactly(5_000_000L - 46_000, 1_000_000L);

            JsonNode onPlan = recordTo(ex, "demo", "+819087654321");
            assertThat(micros(onPlan)).isZero();
            assertThat(onPlan.get("charge").get("planMinutes").asInt()).isEqualTo(2);
            assertThat(ex.gateway.accounts().plans("demo")).singleElement()
                    .satisfies(p -> assertThat(p.minutesLeft()).isEqualTo(28));

            JsonNode onCoins = recordTo(ex, "demo-coin", USA);
            assertThat(micros(onCoins)).isEqualTo(60_000);
            assertThat(ex.gateway.accounts().balance("demo-coin")).contains(Money.parse("4.94", "USD"));
        }
    }

    /**
     * Seed 000 / RTE-3: "credit sales suspended for users in Cambodia". With sales suspended in the country an account
     * calls from, the admin API refuses to sell it credit or a plan (409 naming the country); users elsewhere buy.
     */
    @Test
    void salesSuspendedInACountryRefuseItsUsersCreditAndPlans(@TempDir Path dir) throws Exception {
        String yesterday = Instant.now().minus(Duration.ofDays(1)).toString();
        for (String country : List.of("JP", "KH")) {
            Path here = Files.createDirectories(dir.resolve(country));
            int[] http = new int[1];
            try (SeedExample ex = SeedExample.start("line-out", here, root -> {
                http[0] = root.get("http").get("port").asInt();
                ((ObjectNode) root.get("availability")).putArray("countries").addObject()
                        .put("country", country).put("salesSuspended", yesterday);
            })) {
                java.net.http.HttpResponse<String> credit = post(http[0], "/api/v1/accounts/demo/credit",
                        "{\"amount\": \"1.00\"}");
                java.net.http.HttpResponse<String> plan = post(http[0], "/api/v1/accounts/demo/plans",
                        "{\"plan\": \"usa-canada-60\"}");
                if (country.equals("JP")) { // demo calls from Japan
                    assertThat(credit.statusCode()).as(credit.body()).isEqualTo(409);
                    assertThat(credit.body()).contains("sales to users in JP are suspended");
                    assertThat(plan.statusCode()).as(plan.body()).isEqualTo(409);
                    assertThat(ex.gateway.accounts().lots("demo")).as("nothing sold").hasSize(1);
                    assertThat(ex.gateway.accounts().plans("demo")).isEmpty();
                } else {
                    assertThat(credit.statusCode()).as(credit.body()).isEqualTo(201);
                    assertThat(plan.statusCode()).as(plan.body()).isEqualTo(201);
                }
            }
        }
    }

    private static java.net.http.HttpResponse<String> post(int port, String path, String body) throws Exception {
        return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer demo-admin-token").header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
    }

    /**
     * Seed 000: once LINE Out's end is announced (the example schedules it for 2027) a 30-day plan is no longer sold
     * with auto-renewal; without a closure it is.
     */
    @Test
    void aPlanBoughtAfterTheClosureIsAnnouncedDoesNotRenewItself(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("announced"));
        Files.createDirectories(dir.resolve("open"));
        try (SeedExample announced = SeedExample.start("line-out", dir.resolve("announced"), root -> { })) {
            announced.gateway.charging().purchasePlan("demo", "usa-canada-60", true);
            assertThat(announced.gateway.accounts().plans("demo")).singleElement()
                    .satisfies(p -> assertThat(p.autoRenew()).isFalse());
        }
        try (SeedExample open = SeedExample.start("line-out", dir.resolve("open"),
                root -> ((ObjectNode) root.get("availability")).remove("service"))) {
            open.gateway.charging().purchasePlan("demo", "usa-canada-60", true);
            assertThat(open.gateway.accounts().plans("demo")).singleElement()
                    .satisfies(p -> assertThat(p.autoRenew()).isTrue());
        }
    }

    /**
     * LINE Out's closure (seed 000), brought forward to now: sales have ended (a purchase is refused), and at the
     * end of calls a running call is hung up at that instant on both legs and charged its started minute; a new
     * call is refused; the refund report holds the remaining credit.
     */
    @Test
    void lineOutClosureEndsRunningCallsAtTheInstantAndStopsSales(@TempDir Path dir) throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Instant callsEnd = now.plusSeconds(10);
        int[] http = new int[1];
        try (SeedExample ex = SeedExample.start("line-out", dir, root -> {
            http[0] = root.get("http").get("port").asInt();
            ObjectNode service = (ObjectNode) root.get("availability").get("service");
            service.put("salesEnd", now.minusSeconds(1).toString()).put("callsEnd", callsEnd.toString())
                    .put("refundsFrom", callsEnd.toString()).put("refundsUntil", callsEnd.plusSeconds(86_400).toString());
        })) {
            assertThatThrownBy(() -> ex.gateway.charging().purchaseCredit("demo", Money.parse("1", "USD"), "store"))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("sales ended");
            java.net.http.HttpResponse<String> early = post(http[0], "/api/v1/closure",
                    "{\"serviceEnd\": \"" + callsEnd + "\"}");
            assertThat(early.statusCode()).as("no closure while calls may still be made: " + early.body())
                    .isEqualTo(409);
            try (SippProcess carrier = ex.carrier(1, LIMIT);
                 SippProcess call = ex.client("credit-exhausted", "demo", USA).timeout(LIMIT).traceMessages().start()) {
                assertThat(call.awaitExit(LIMIT)).as(call.describe()).isZero();
                assertThat(carrier.awaitExit(LIMIT)).as(carrier.describe()).isZero();
            }
            JsonNode record = recordTo(ex, "demo", USA);
            assertThat(record.get("disconnectCause").asText()).isEqualTo("service_ended");
            assertThat(record.get("hungUpBy").asText()).isEqualTo("gateway");
            Instant ended = Instant.parse(record.get("end").asText());
            assertThat(Duration.between(callsEnd, ended).abs()).isLessThan(Duration.ofMillis(500));
            assertThat(micros(record)).isEqualTo(23_000);

            try (SippProcess late = ex.client("refused", "demo", USA).set("expected", "403").traceMessages()
                    .timeout(Duration.ofSeconds(20)).start()) {
                assertThat(late.awaitExit(Duration.ofSeconds(20))).as(late.describe()).isZero();
                assertThat(late.finalResponse()).contains("SIP/2.0 403 This calling service has ended");
            }
            java.net.http.HttpResponse<String> closure = post(http[0], "/api/v1/closure",
                    "{\"serviceEnd\": \"" + callsEnd + "\"}");
            assertThat(closure.statusCode()).as(closure.body()).isEqualTo(200);
            JsonNode refunds = new com.fasterxml.jackson.databind.ObjectMapper().readTree(closure.body()).get("refunds");
            assertThat(refunds).filteredOn(r -> r.get("account").asText().equals("demo")).singleElement()
                    .satisfies(r -> assertThat(r.get("refund").asText()).isEqualTo("4.977"));
        }
    }

    /**
     * LINE Mobile JP (seed 003): 20 yen per 30 s with 10% tax added, so a 31 s call is 2 steps = 44 yen. The
     * monthly international cap (20,000 yen in the example, 22 yen here so that one 30 s step reaches it) ends the
     * international call that reaches it at the end of that step and refuses the next one; domestic calls go on.
     */
    @Test
    void lineMobileJapanChargesThirtySecondStepsWithTaxAndStopsAtTheCap(@TempDir Path dir) throws Exception {
        try (SeedExample ex = SeedExample.start("line-mobile-jp", dir,
                root -> SeedExample.product(root).put("internationalCap", "22"))) {
            try (SippProcess carrier = ex.carrier(2, LIMIT);
                 SippProcess domestic = ex.client("basic-call", "demo", "+81312345678")
                         .callDuration(Duration.ofMillis(31_000)).timeout(LIMIT).start();
                 SippProcess abroad = ex.client("credit-exhausted", "demo", USA).timeout(LIMIT).start()) {
                assertThat(domestic.awaitExit(LIMIT)).as(domestic.describe()).isZero();
                assertThat(abroad.awaitExit(LIMIT)).as(abroad.describe()).isZero();
                assertThat(carrier.awaitExit(LIMIT)).as(carrier.describe()).isZero();
            }
            JsonNode domestic = recordTo(ex, "demo", "+81312345678");
            assertThat(domestic.get("billedSeconds").asLong()).isEqualTo(60);
            assertThat(domestic.get("amount").get("decimal").asText()).isEqualTo("44.000000");
            assertThat(domestic.get("charge").get("taxMicros").asLong()).isEqualTo(4_000_000);

            JsonNode abroad = recordTo(ex, "demo", USA);
            assertThat(abroad.get("disconnectCause").asText()).as("the cap ended it, not the credit")
                    .isEqualTo("spend_cap_reached");
            assertThat(micros(abroad)).isEqualTo(22_000_000);
            assertThat(abroad.get("durationMillis").asLong()).isBetween(29_500L, 30_600L);

            try (SippProcess refused = ex.client("refused", "demo", USA).set("expected", "403").traceMessages()
                    .timeout(Duration.ofSeconds(20)).start()) {
                assertThat(refused.awaitExit(Duration.ofSeconds(20))).as(refused.describe()).isZero();
                String resume = java.time.YearMonth.now(java.time.ZoneId.of("Asia/Tokyo")).plusMonths(1).atDay(1)
                        + " 00:00 Asia/Tokyo";
                assertThat(refused.finalResponse()).contains("SIP/2.0 403 Monthly international spending cap reached:"
                        + " calls abroad resume " + resume);
            }
            assertThat(ex.gateway.accounts().balance("demo")).contains(Money.parse("49934", "JPY"));
        }
    }

    /**
     * LINE MOBILE TH (seed 004): free minutes of the monthly package first (the example's XS package has 100; one
     * here, used by a first short call), then 0.99 baht per started minute with 7% VAT added: a 61 s call beyond
     * the package is 2 x 0.99 = 1.98 + 7% = 2.1186 baht.
     */
    @Test
    void lineMobileThailandUsesThePackageThenChargesExcessMinutesWithVat(@TempDir Path dir) throws Exception {
        try (SeedExample ex = SeedExample.start("line-mobile-th", dir,
                root -> ((ObjectNode) SeedExample.product(root).get("packages").get(0)).put("freeMinutes", 1))) {
            String thai = "+66812345678";
            try (SippProcess carrier = ex.carrier(2, LIMIT)) {
                try (SippProcess free = ex.client("basic-call", "demo", thai).callDuration(Duration.ofMillis(1_000))
                        .timeout(LIMIT).start()) {
                    assertThat(free.awaitExit(LIMIT)).as(free.describe()).isZero();
                }
                JsonNode first = CallRecords.lastOf(ex.callRecords, 0, "demo");
                assertThat(micros(first)).isZero();
                assertThat(first.get("charge").get("packageMinutes").asInt()).isEqualTo(1);
                try (SippProcess excess = ex.client("basic-call", "demo", thai).callDuration(Duration.ofMillis(61_000))
                        .timeout(LIMIT).start()) {
                    assertThat(excess.awaitExit(LIMIT)).as(excess.describe()).isZero();
                }
                assertThat(carrier.awaitExit(LIMIT)).as(carrier.describe()).isZero();
            }
            JsonNode excess = CallRecords.awaitOf(ex.callRecords, 0, "demo", 2).get(1);
            assertThat(excess.get("charge").get("packageMinutes").asInt()).isZero();
            assertThat(excess.get("billedSeconds").asLong()).isEqualTo(120);
            assertThat(excess.get("amount").get("decimal").asText()).isEqualTo("2.118600");
            assertThat(ex.gateway.accounts().balance("demo")).contains(Money.parse("497.8814", "THB"));
        }
    }
}
