package dev.softswitch.gateway.admin;

import static dev.softswitch.gateway.admin.AdminApiFixture.OPERATOR_TOKEN;
import static dev.softswitch.gateway.admin.AdminApiFixture.VIEWER_TOKEN;
import static dev.softswitch.gateway.admin.AdminApiFixture.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.softswitch.charging.account.AccountProfile;
import dev.softswitch.charging.account.AuditEntry;
import dev.softswitch.charging.money.Money;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The admin API (OPS-2) over a real server on port 0: who may use it, bad requests, and each operation. */
class AdminApiTest {

    private final AdminApiFixture api = new AdminApiFixture();

    @AfterEach
    void close() {
        api.close();
    }

    // ---- who may use it ------------------------------------------------------------------

    @Test
    void withoutATokenTheAnswerIs401WithABearerChallenge() throws Exception {
        HttpResponse<String> r = api.send("GET", "/api/v1/accounts/alice", null, null, Map.of());

        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("www-authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
        assertThat(json(r).get("field").asText()).isEqualTo("Authorization");
    }

    @Test
    void aConfiguredAccountShowsTheNumberAndCountryTheGatewayKnowsItBy() throws Exception {
        HttpResponse<String> r = api.send("GET", "/api/v1/accounts/alice", OPERATOR_TOKEN, null, Map.of());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("\"number\" : \"+447400000001\"").contains("\"country\" : \"GB\"");
    }

    @Test
    void aWrongTokenIs401() throws Exception {
        HttpResponse<String> r = api.send("GET", "/api/v1/accounts/alice", "not-the-token-at-all", null, Map.of());

        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("www-authenticate")).hasValue(
                "Bearer realm=\"softswitch-admin\", error=\"invalid_token\"");
    }

    @Test
    void aReadOnlyTokenMayReadButNotChange() throws Exception {
        assertThat(api.send("GET", "/api/v1/accounts/alice", VIEWER_TOKEN, null, Map.of()).statusCode()).isEqualTo(200);

        HttpResponse<String> r = api.send("POST", "/api/v1/accounts/alice/suspend", VIEWER_TOKEN,
                "{\"reason\":\"x\"}", Map.of());

        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(api.store.administration().profile("alice").suspended()).isFalse();
    }

    @Test
    void aHostHeaderNamingAnotherServerIs403() throws Exception {
        try (AdminApiFixture other = new AdminApiFixture(List.of("admin.example.net:8080"))) {
            HttpResponse<String> r = other.get("/api/v1/accounts/alice");

            assertThat(r.statusCode()).isEqualTo(403);
            assertThat(json(r).get("field").asText()).isEqualTo("Host");
        }
    }

    @Test
    void aBrowserOriginOfAnotherSiteIs403AndThisServersOwnIsAccepted() throws Exception {
        HttpResponse<String> foreign = api.send("GET", "/api/v1/accounts/alice", OPERATOR_TOKEN, null,
                Map.of("Origin", "http://evil.example"));
        HttpResponse<String> own = api.send("GET", "/api/v1/accounts/alice", OPERATOR_TOKEN, null,
                Map.of("Origin", api.base()));

        assertThat(foreign.statusCode()).isEqualTo(403);
        assertThat(json(foreign).get("field").asText()).isEqualTo("Origin");
        assertThat(own.statusCode()).isEqualTo(200);
    }

    @Test
    void theOpenReloadIsGoneAndMetricsAndHealthStayOpen() throws Exception {
        assertThat(api.send("POST", "/reload", null, null, Map.of()).statusCode()).isEqualTo(404);
        assertThat(api.send("GET", "/health", null, null, Map.of()).statusCode()).isEqualTo(200);
        assertThat(api.send("GET", "/metrics", null, null, Map.of()).statusCode()).isEqualTo(200);
        assertThat(api.send("POST", "/api/v1/reload", null, null, Map.of()).statusCode()).isEqualTo(401);
    }

    @Test
    void aBodyOverTheLimitIs413() throws Exception {
        String big = "{\"reason\":\"" + "x".repeat(AdminApi.MAX_BODY_BYTES) + "\"}";

        HttpResponse<String> r = api.post("/api/v1/accounts/alice/suspend", big);

        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(api.store.administration().profile("alice").suspended()).isFalse();
    }

    @Test
    void anUnknownPathIs404AndAWrongMethod405() throws Exception {
        assertThat(api.get("/api/v1/nothing").statusCode()).isEqualTo(404);
        HttpResponse<String> r = api.send("PUT", "/api/v1/accounts/alice", OPERATOR_TOKEN, "{}", Map.of());
        assertThat(r.statusCode()).isEqualTo(405);
        assertThat(r.headers().firstValue("allow")).hasValue("GET, DELETE");
    }

    // ---- bad requests: 400 naming the field --------------------------------------------------

    static Stream<Arguments> badBodies() {
        return Stream.of(
                Arguments.of("/api/v1/accounts", "{\"id\":\"dave\",\"product\":\"line-out\",\"number\":\"07400\","
                        + "\"password\":\"long-enough\"}", "number"),
                Arguments.of("/api/v1/accounts", "{\"id\":\"da ve\",\"product\":\"line-out\","
                        + "\"number\":\"+447400000009\",\"password\":\"long-enough\"}", "id"),
                Arguments.of("/api/v1/accounts", "{\"id\":\"dave\",\"product\":\"line-out\","
                        + "\"number\":\"+447400000009\",\"password\":\"short\"}", "password"),
                Arguments.of("/api/v1/accounts", "{\"id\":\"dave\",\"product\":\"line-out\",\"number\":\"+447400000009\","
                        + "\"timeZone\":\"Mars/Olympus\",\"password\":\"long-enough\"}", "timeZone"),
                Arguments.of("/api/v1/accounts", "{\"id\":\"dave\",\"product\":\"line-out\",\"number\":\"+447400000009\","
                        + "\"country\":\"gb\",\"password\":\"long-enough\"}", "country"),
                Arguments.of("/api/v1/accounts", "{\"id\":\"dave\",\"product\":\"nope\",\"number\":\"+447400000009\","
                        + "\"password\":\"long-enough\"}", "product"),
                Arguments.of("/api/v1/accounts", "[1,2]", "body"),
                Arguments.of("/api/v1/accounts", "{not json", "body"),
                Arguments.of("/api/v1/accounts/alice/credit", "{\"amount\":\"1,5\"}", "amount"),
                Arguments.of("/api/v1/accounts/alice/credit", "{\"amount\":5}", "amount"),
                Arguments.of("/api/v1/accounts/alice/credit", "{\"amount\":\"-5\"}", "amount"),
                Arguments.of("/api/v1/accounts/alice/credit", "{\"amount\":\"5\",\"validityDays\":0}", "validityDays"),
                Arguments.of("/api/v1/accounts/alice/credit", "{\"amount\":\"5\",\"validityDays\":\"x\"}", "validityDays"),
                Arguments.of("/api/v1/accounts/alice/suspend", "{\"reason\":\"  \"}", "reason"),
                Arguments.of("/api/v1/accounts/alice/adjustments", "{\"callId\":\"call-1\",\"amount\":\"0.0000001\","
                        + "\"reason\":\"x\"}", "amount"),
                Arguments.of("/api/v1/accounts/alice/coins", "{\"coins\":0}", "coins"),
                Arguments.of("/api/v1/accounts/alice/plans", "{\"plan\":\"UK 100\",\"autoRenew\":\"yes\"}", "autoRenew"),
                Arguments.of("/api/v1/accounts/alice/packages", "{\"package\":7}", "package"),
                Arguments.of("/api/v1/closure", "{\"serviceEnd\":\"tomorrow\"}", "serviceEnd"),
                Arguments.of("/api/v1/accounts/alice/credit", "{\"amount\":\"5\",\"validity\":30}", "validity"),
                Arguments.of("/api/v1/trunks/carrier-a/drain", "{\"now\":true}", "now"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("badBodies")
    void aBadBodyIs400NamingTheFieldAndChangesNothing(String path, String body, String field) throws Exception {
        Money before = api.store.balance("alice").orElseThrow();

        HttpResponse<String> r = api.post(path, body);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(json(r).get("field").asText()).isEqualTo(field);
        assertThat(json(r).get("error").asText()).isNotBlank();
        assertThat(api.store.accountIds()).containsExactly("alice");
        assertThat(api.store.balance("alice")).hasValue(before);
    }

    @Test
    void aRateLookupWithoutANumberIs400NamingIt() throws Exception {
        HttpResponse<String> r = api.get("/api/v1/accounts/alice/rate");

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(json(r).get("field").asText()).isEqualTo("number");
    }

    // ---- each operation ----------------------------------------------------------------------

    @Test
    void createAnAccountStoresHashesNeverThePasswordAndTheGatewayLearnsIt() throws Exception {
        HttpResponse<String> r = api.post("/api/v1/accounts", "{\"id\":\"dave\",\"product\":\"line-out\","
                + "\"number\":\"+447400000009\",\"country\":\"GB\",\"timeZone\":\"Europe/London\","
                + "\"password\":\"dave-secret-pw\"}");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        assertThat(json(r).get("id").asText()).isEqualTo("dave");
        assertThat(json(r).get("number").asText()).isEqualTo("+447400000009");
        assertThat(r.body()).doesNotContain("dave-secret-pw");
        AccountProfile p = api.store.administration().profile("dave");
        assertThat(p.ha1()).containsEntry("MD5", "md5-of-dave").containsEntry("SHA-256", "sha256-of-dave");
        assertThat(api.backend.subscriberChanges).isEqualTo(1);
        assertThat(api.store.administration().auditTrail("dave")).extracting(AuditEntry::operator).contains("ops");
        assertThat(api.post("/api/v1/accounts", "{\"id\":\"dave\",\"product\":\"line-out\","
                + "\"number\":\"+447400000009\",\"password\":\"dave-secret-pw\"}").statusCode()).isEqualTo(409);
    }

    @Test
    void readAnAccountShowsItsBalanceBrokenDown() throws Exception {
        JsonNode a = json(api.get("/api/v1/accounts/alice"));

        assertThat(a.get("currency").asText()).isEqualTo("USD");
        assertThat(a.at("/balance/total").asText()).isEqualTo("9.94");
        assertThat(a.at("/balance/reserved").asText()).isEqualTo("0");
        assertThat(a.at("/balance/lots/0/remaining").asText()).isEqualTo("9.94");
        assertThat(a.at("/balance/lots/0/expiresAt").isNull()).isTrue();
        assertThat(a.at("/balance/capSpentThisMonth").asText()).isEqualTo("0");
        assertThat(a.at("/balance/packageMinutesLeft").asInt()).isZero();
        assertThat(api.get("/api/v1/accounts/nobody").statusCode()).isEqualTo(404);
    }

    @Test
    void suspendAndResumeAreJournalledWithWhoAndWhy() throws Exception {
        HttpResponse<String> s = api.post("/api/v1/accounts/alice/suspend", "{\"reason\":\"unpaid invoice\"}");
        assertThat(s.statusCode()).isEqualTo(200);
        assertThat(json(s).get("suspension").asText()).isEqualTo("unpaid invoice");
        assertThat(api.engine.authorise("c9", "alice", "447700900123").toString()).contains("unpaid invoice");

        HttpResponse<String> r = api.post("/api/v1/accounts/alice/resume", "{\"reason\":\"paid\"}");
        assertThat(json(r).get("suspended").asBoolean()).isFalse();
    }

    @Test
    void deleteAnonymisesTheAccount() throws Exception {
        HttpResponse<String> r = api.send("DELETE", "/api/v1/accounts/alice", OPERATOR_TOKEN, null, Map.of());

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(json(r).get("deleted").asBoolean()).isTrue();
        assertThat(json(r).get("callRecordsAnonymised").asInt()).isEqualTo(1);
        assertThat(api.backend.forgotten).containsExactly("alice");
        assertThat(api.get("/api/v1/accounts/alice/history").body()).doesNotContain("447700900123");
        assertThat(api.backend.subscriberChanges).isEqualTo(1);
    }

    @Test
    void buyCreditWithValidityAddsALotThatExpires() throws Exception {
        HttpResponse<String> r = api.post("/api/v1/accounts/alice/credit", "{\"amount\":\"5.00\",\"validityDays\":30}");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        assertThat(json(r).at("/balance/total").asText()).isEqualTo("14.94");
        assertThat(json(r).at("/balance/lots/0/expiresAt").asText()).isEqualTo("2026-02-09T10:00:00Z");
    }

    @Test
    void plansPackagesAndCoinsAreSoldFromTheAccountsProduct() throws Exception {
        HttpResponse<String> plan = api.post("/api/v1/accounts/alice/plans", "{\"plan\":\"UK 100\",\"autoRenew\":true}");
        assertThat(plan.statusCode()).as(plan.body()).isEqualTo(201);
        assertThat(json(plan).at("/balance/plans/0/minutesLeft").asInt()).isEqualTo(100);

        HttpResponse<String> pkg = api.post("/api/v1/accounts/alice/packages", "{\"package\":\"UK 60\"}");
        assertThat(pkg.statusCode()).as(pkg.body()).isEqualTo(201);
        assertThat(json(pkg).at("/balance/packageMinutesLeft").asInt()).isEqualTo(60);

        HttpResponse<String> unknown = api.post("/api/v1/accounts/alice/plans", "{\"plan\":\"World 5\"}");
        assertThat(unknown.statusCode()).isEqualTo(409);
        assertThat(json(unknown).get("error").asText()).contains("UK 100");
        assertThat(api.post("/api/v1/accounts/alice/coins", "{\"coins\":5}").statusCode()).isEqualTo(409);

        assertThat(api.post("/api/v1/accounts", "{\"id\":\"erin\",\"product\":\"coin-wallet\","
                + "\"number\":\"+447400000010\",\"password\":\"erin-secret-pw\"}").statusCode()).isEqualTo(201);
        HttpResponse<String> coins = api.post("/api/v1/accounts/erin/coins", "{\"coins\":250}");
        assertThat(coins.statusCode()).as(coins.body()).isEqualTo(201);
        assertThat(json(coins).at("/balance/coins").asLong()).isEqualTo(250);
        assertThat(json(coins).get("product").asText()).isEqualTo("coin-wallet");
    }

    @Test
    void onceSalesHaveEndedNoCreditIsSoldWhateverItsValidity() throws Exception {
        api.engine.salesEnd(AdminApiFixture.NOW);

        assertThat(api.post("/api/v1/accounts/alice/credit", "{\"amount\":\"5\"}").statusCode()).isEqualTo(409);
        HttpResponse<String> r = api.post("/api/v1/accounts/alice/credit", "{\"amount\":\"5\",\"validityDays\":30}");
        assertThat(r.statusCode()).isEqualTo(409);
        assertThat(json(r).get("error").asText()).contains("sales ended");
        assertThat(api.store.balance("alice")).hasValue(Money.parse("9.94", "USD"));
    }

    @Test
    void theDialPadShowsThePricePerIncrementOrWhyNot() throws Exception {
        JsonNode ok = json(api.get("/api/v1/accounts/alice/rate?number=%2B447700900123"));
        assertThat(ok.get("callable").asBoolean()).isTrue();
        assertThat(ok.get("destination").asText()).isEqualTo("United Kingdom");
        assertThat(ok.get("numberType").asText()).isEqualTo("MOBILE");
        assertThat(ok.get("currency").asText()).isEqualTo("USD");
        assertThat(ok.get("product").asText()).isEqualTo("line-out");
        assertThat(ok.get("priceOfFirstIncrement").asText()).isEqualTo("0.06");

        JsonNode refused = json(api.get("/api/v1/accounts/alice/rate?number=%2B80012345678"));
        assertThat(refused.get("callable").asBoolean()).isFalse();
        assertThat(refused.get("reason").asText()).contains("Toll-Free");
    }

    @Test
    void historyListsPurchasesAndEachCallWithItsExplanation() throws Exception {
        JsonNode h = json(api.get("/api/v1/accounts/alice/history"));

        assertThat(h.at("/purchases/0/amount").asText()).isEqualTo("10");
        assertThat(h.at("/usage/0/callId").asText()).isEqualTo("call-1");
        assertThat(h.at("/usage/0/amount").asText()).isEqualTo("0.06");
        assertThat(h.at("/usage/0/explanation").asText()).isNotBlank();
        assertThat(json(api.get("/api/v1/accounts/alice/calls/call-1")).get("explanation").asText()).isNotBlank();
    }

    @Test
    void anAdjustmentGivesMoneyBackWithTheReason() throws Exception {
        HttpResponse<String> r = api.post("/api/v1/accounts/alice/adjustments",
                "{\"callId\":\"call-1\",\"amount\":\"0.06\",\"reason\":\"dropped call\"}");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        assertThat(api.store.balance("alice")).hasValue(Money.parse("10", "USD"));
        assertThat(json(r).at("/adjustments/0/reason").asText()).contains("dropped call").contains("ops");
        assertThat(api.post("/api/v1/accounts/alice/adjustments",
                "{\"callId\":\"call-1\",\"amount\":\"0.06\",\"reason\":\"again\"}").statusCode()).isEqualTo(409);
    }

    @Test
    void liveCallsAreListedAndOneIsHungUp() throws Exception {
        assertThat(json(api.get("/api/v1/calls")).at("/calls/0/callId").asText()).isEqualTo("live-1");

        assertThat(api.send("DELETE", "/api/v1/calls/live-1", OPERATOR_TOKEN, null, Map.of()).statusCode())
                .isEqualTo(200);
        assertThat(api.send("DELETE", "/api/v1/calls/gone", OPERATOR_TOKEN, null, Map.of()).statusCode())
                .isEqualTo(404);
        assertThat(api.store.administration().gatewayAuditTrail()).extracting(AuditEntry::action).contains("hang-up");
    }

    @Test
    void aTrunkIsDrainedAndUndrained() throws Exception {
        assertThat(json(api.get("/api/v1/trunks")).at("/trunks/0/name").asText()).isEqualTo("carrier-a");

        assertThat(json(api.post("/api/v1/trunks/carrier-a/drain", null)).get("drained").asBoolean()).isTrue();
        assertThat(json(api.post("/api/v1/trunks/carrier-a/undrain", null)).get("drained").asBoolean()).isFalse();
        assertThat(api.post("/api/v1/trunks/nope/drain", null).statusCode()).isEqualTo(404);
    }

    @Test
    void serviceClosureRefundsUnexpiredCreditWithTheReport() throws Exception {
        HttpResponse<String> r = api.post("/api/v1/closure", "{\"serviceEnd\":\"2026-01-10T10:00:00Z\"}");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(json(r).at("/refunds/0/refund").asText()).isEqualTo("9.94");
        assertThat(json(r).get("report").asText()).startsWith("account,currency,refund,lots,service_end\n")
                .contains("alice,USD,9.94,1,2026-01-10T10:00:00Z");
    }

    @Test
    void aClosureStillToComeOrBeforeTheCallsEndIsRefusedAndRefundsNothing() throws Exception {
        HttpResponse<String> early = api.post("/api/v1/closure", "{\"serviceEnd\":\"2026-01-11T10:00:00Z\"}");
        assertThat(early.statusCode()).as(early.body()).isEqualTo(409);
        assertThat(early.body()).contains("serviceEnd 2026-01-11T10:00:00Z is still to come");

        api.backend.callsEnd = Instant.parse("2026-01-10T12:00:00Z");
        HttpResponse<String> open = api.post("/api/v1/closure", "{\"serviceEnd\":\"2026-01-10T10:00:00Z\"}");
        assertThat(open.statusCode()).as(open.body()).isEqualTo(409);
        assertThat(open.body()).contains("calls run until 2026-01-10T12:00:00Z");

        api.backend.callsEnd = Instant.parse("2026-01-10T09:00:00Z");
        HttpResponse<String> done = api.post("/api/v1/closure", "{\"serviceEnd\":\"2026-01-10T10:00:00Z\"}");
        assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
        assertThat(json(done).at("/refunds/0/refund").asText()).as("the refused closures took nothing")
                .isEqualTo("9.94");
    }

    @Test
    void reloadNamesWhatItDidNotReload() throws Exception {
        JsonNode r = json(api.post("/api/v1/reload", null));

        assertThat(r.get("reloaded").get(0).asText()).isEqualTo("trunks");
        assertThat(r.get("notReloaded").get(0).asText()).isEqualTo("sip");
    }
}
