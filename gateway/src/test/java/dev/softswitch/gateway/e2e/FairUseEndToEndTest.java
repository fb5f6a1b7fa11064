package dev.softswitch.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.softswitch.charging.money.Money;
import dev.softswitch.charging.session.Authorisation;
import dev.softswitch.charging.session.ChargingSession;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fair use through the real gateway and SIPp (issue 13, FUP-1, FUP-2): the embedded demo's short-call detector
 * warns at 21 short calls and suspends at 31, ending the account's running call on both legs; the next INVITE gets
 * 403 saying why and until when; an operator lifts it through the admin API and the account calls again. And seed
 * 003: a LINE Mobile JP line whose month's spend is far above the product's population is suspended until the end
 * of the month in Asia/Tokyo.
 */
@ExtendWith(SippAvailable.class)
class FairUseEndToEndTest {

    private static final Duration LIMIT = Duration.ofSeconds(120);
    private static final String UK_MOBILE = "+447400123456";
    private static final String TOKEN = "demo-admin-token";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theDemoWarnsThenSuspendsShortCallsEndsTheRunningCallAndAnOperatorLiftsIt(@TempDir Path dir)
            throws Exception {
        try (SeedExample demo = SeedExample.demo(dir, root -> { })) {
            // one long call, 31 short ones (1 s each, well under 6 s), one after the lift
            try (SippProcess carrier = demo.carrier(33, LIMIT);
                 SippProcess running = demo.client("credit-exhausted", "alice", UK_MOBILE).timeout(LIMIT).start()) {
                await(() -> liveCalls(demo) == 1, "the long call is up");
                shortCalls(demo, 21, 21);
                JsonNode warned = account(demo);
                assertThat(warned.get("fairUse").get("actions")).singleElement().satisfies(a -> {
                    assertThat(a.get("detector").asText()).isEqualTo("short_calls");
                    assertThat(a.get("action").asText()).isEqualTo("warn");
                    assertThat(a.get("reason").asText())
                            .isEqualTo("21 answered calls shorter than 6 s within 10 min (more than 20)");
                });
                assertThat(warned.get("suspended").asBoolean()).isFalse();
                assertThat(metric(demo, "short_calls", "warn")).isEqualTo(1.0);
                assertThat(metric(demo, "short_calls", "suspend_account")).isEqualTo(0.0);

                shortCalls(demo, 10, 32);
                // the 31st short call suspended alice: her running call is ended by the gateway on both legs
                assertThat(running.awaitExit(Duration.ofSeconds(20))).as(running.describe()).isZero();
                JsonNode ended = CallRecords.lastWhere(demo.callRecords, 0, "alice",
                        r -> r.get("disconnectCause").asText().equals("fair_use_suspended"));
                assertThat(ended.get("hungUpBy").asText()).isEqualTo("gateway");
                assertThat(ended.get("amount").get("micros").asLong()).isPositive();
                assertThat(metric(demo, "short_calls", "suspend_account")).isEqualTo(1.0);

                JsonNode suspended = account(demo);
                assertThat(suspended.get("suspended").asBoolean()).isTrue();
                JsonNode fairUse = suspended.get("fairUse");
                Instant until = Instant.parse(fairUse.get("accountSuspendedUntil").asText());
                assertThat(Duration.between(Instant.now(), until)).isBetween(Duration.ofMinutes(55),
                        Duration.ofHours(1));
                String reason = "31 answered calls shorter than 6 s within 10 min (more than 30)";
                assertThat(fairUse.get("accountReason").asText()).isEqualTo(reason);

                try (SippProcess refused = demo.client("refused", "alice", UK_MOBILE).set("expected", "403")
                        .traceMessages().timeout(Duration.ofSeconds(20)).start()) {
                    assertThat(refused.awaitExit(Duration.ofSeconds(20))).as(refused.describe()).isZero();
                    assertThat(refused.finalResponse()).hasValueSatisfying(line -> assertThat(line)
                            .startsWith("SIP/2.0 403 Account Suspended: fair use until ")
                            .endsWith(" UTC: " + reason));
                }

                HttpResponse<String> lift = api(demo, "POST", "/api/v1/accounts/alice/resume",
                        "{\"reason\":\"checked with the subscriber\"}");
                assertThat(lift.statusCode()).as(lift.body()).isEqualTo(200);
                JsonNode lifted = JSON.readTree(lift.body());
                assertThat(lifted.get("suspended").asBoolean()).isFalse();
                assertThat(lifted.get("fairUse").get("liftedAt").isNull()).isFalse();

                try (SippProcess again = demo.client("basic-call", "alice", UK_MOBILE)
                        .callDuration(Duration.ofMillis(500)).timeout(LIMIT).start()) {
                    assertThat(again.awaitExit(LIMIT)).as(again.describe()).isZero();
                }
                assertThat(carrier.awaitExit(LIMIT)).as(carrier.describe()).isZero();
            }
            assertThat(metric(demo, "short_calls", "suspend_account")).isEqualTo(1.0);
        }
    }

    /**
     * Seed 003: the JP example's spend-outlier detector (here judging from a population of 3 and a 30-yen floor)
     * suspends the line whose month's spend (44 yen) is far above the population's (22 yen each) until the first of
     * next month in Tokyo, and says so in the 403.
     */
    @Test
    void aJapaneseLineSpendingFarAboveThePopulationIsSuspendedUntilTheEndOfTheMonthInTokyo(@TempDir Path dir)
            throws Exception {
        try (SeedExample jp = SeedExample.start("line-mobile-jp", dir, root -> {
            ObjectNode outliers = (ObjectNode) SeedExample.node(SeedExample.product(root), "fairUse", "spendOutliers");
            outliers.put("minimum", "30").put("mads", 5).put("minPopulation", 3);
        })) {
            // the population: three lines that spent one 30-second step (20 yen + 10 % tax) this month
            for (String line : new String[] {"jp-a", "jp-b", "jp-c"}) {
                jp.gateway.charging().openAccount(line, "line-mobile-jp", null);
                jp.gateway.charging().purchaseCredit(line, Money.parse("1000", "JPY"), "store");
                Authorisation a = jp.gateway.charging().authorise("population-" + line, line, "81312345678");
                ChargingSession s = ((Authorisation.Granted) a).session();
                Instant answered = Instant.now();
                s.start(answered);
                s.end(answered.plusSeconds(20));
            }
            try (SippProcess carrier = jp.carrier(2, LIMIT)) {
                for (int i = 0; i < 2; i++) { // 22 yen, then 44 yen: above 22 + 5 robust deviations (2.2)
                    try (SippProcess call = jp.client("basic-call", "demo", "+81312345678")
                            .callDuration(Duration.ofMillis(500)).timeout(LIMIT).start()) {
                        assertThat(call.awaitExit(LIMIT)).as(call.describe()).isZero();
                    }
                }
                assertThat(carrier.awaitExit(LIMIT)).as(carrier.describe()).isZero();
            }
            ZoneId tokyo = ZoneId.of("Asia/Tokyo");
            String firstOfNextMonth = YearMonth.now(tokyo).plusMonths(1).atDay(1) + " 00:00 Asia/Tokyo";
            try (SippProcess refused = jp.client("refused", "demo", "+81312345678").set("expected", "403")
                    .traceMessages().timeout(Duration.ofSeconds(20)).start()) {
                assertThat(refused.awaitExit(Duration.ofSeconds(20))).as(refused.describe()).isZero();
                assertThat(refused.finalResponse()).contains("SIP/2.0 403 Account Suspended: fair use until "
                        + firstOfNextMonth + ": this month's spend 44 JPY is above the product's median 22 JPY"
                        + " + 5 robust deviations (MAD 0 JPY, 4 accounts): 33 JPY");
            }
            assertThat(jp.gateway.accounts().administration().fairUse("demo").accountUntil())
                    .isEqualTo(YearMonth.now(tokyo).plusMonths(1).atDay(1).atStartOfDay(tokyo).toInstant());
        }
    }

    /**
     * {@code n} answered calls of 1 s as alice, 5 a second, then waits until {@code records} call records are
     * written: each after its settlement, so after the detectors counted it.
     */
    private static void shortCalls(SeedExample demo, int n, int records) throws Exception {
        try (SippProcess calls = demo.client("basic-call", "alice", UK_MOBILE).calls(n).rate(5)
                .callDuration(Duration.ofSeconds(1)).timeout(LIMIT).start()) {
            assertThat(calls.awaitExit(LIMIT)).as(calls.describe()).isZero();
        }
        await(() -> {
            try {
                return CallRecords.count(demo.callRecords) >= records;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, records + " call records");
    }

    private static int liveCalls(SeedExample demo) {
        try {
            return demo.gateway.activeCalls();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode account(SeedExample demo) throws Exception {
        HttpResponse<String> r = api(demo, "GET", "/api/v1/accounts/alice", null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private static double metric(SeedExample demo, String detector, String action) throws Exception {
        String body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + demo.gateway.httpAddress().getPort() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString())
                .body();
        for (String line : body.split("\n")) {
            if (line.startsWith("fair_use_actions_total{") && line.contains("detector=\"" + detector + "\"")
                    && line.contains("action=\"" + action + "\"")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        throw new AssertionError("no fair_use_actions_total{detector=" + detector + ",action=" + action + "} in\n"
                + body);
    }

    private static HttpResponse<String> api(SeedExample demo, String method, String path, String body)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + demo.gateway.httpAddress().getPort() + path)).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + TOKEN)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + ": not within 20 s");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }
}
