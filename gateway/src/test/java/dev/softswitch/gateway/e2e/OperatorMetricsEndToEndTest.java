package dev.softswitch.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.softswitch.gateway.Gateway;
import dev.softswitch.gateway.config.GatewayConfig;
import dev.softswitch.gateway.testing.TestAccounts;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator's metrics end to end (issue 13, OPS-1): a real gateway between SIPp clients and SIPp
 * carriers; ASR and ACD per trunk and per country read from {@code /metrics} after a scripted mix of
 * calls; and the alert rules and the Grafana dashboard in {@code docker/} loaded by {@code promtool}
 * against that real output, so that a renamed metric or label fails the build. Each test dials its own
 * countries through its own trunks, so they do not see each other's counts.
 */
@ExtendWith(SippAvailable.class)
class OperatorMetricsEndToEndTest {

    private static final Duration LIMIT = Duration.ofSeconds(20);
    private static final int MEDIA_PORTS = 40;
    private static final String JAPAN_MOBILE = "+819012345678";
    private static final String THAI_MOBILE = "+66812345678";
    private static final String GERMAN_MOBILE = "+4915112345678";
    private static final String FRENCH_MOBILE = "+33612345678";
    /** Names Prometheus adds itself (not scraped from the gateway). */
    private static final Set<String> SYNTHETIC = Set.of("up");

    @TempDir
    static Path dir;

    private static Gateway gateway;
    private static int sipPort;
    private static int jpCarrier;
    private static int thCarrier;
    private static int deCarrier;
    private static int frCarrier;

    private final List<SippProcess> processes = new ArrayList<>();

    @BeforeAll
    static void startGateway() throws Exception {
        sipPort = SippProcess.freePort();
        int mediaBase = SippProcess.freeRelayRange(MEDIA_PORTS);
        jpCarrier = SippProcess.freeUdpPort();
        thCarrier = SippProcess.freeUdpPort();
        deCarrier = SippProcess.freeUdpPort();
        frCarrier = SippProcess.freeUdpPort();
        String yaml = """
                sip:
                  listen:
                    - { transport: udp, host: 127.0.0.1, port: %1$d }
                http: { host: 127.0.0.1, port: %2$d }
                media: { host: 127.0.0.1, portMin: %3$d, portMax: %4$d }
                trunks:
                  - { name: ops-jp, host: 127.0.0.1, port: %5$d, transport: udp, prefixes: ["81"], probe: false }
                  - { name: ops-th, host: 127.0.0.1, port: %6$d, transport: udp, prefixes: ["66"], probe: false }
                  - { name: ops-de, host: 127.0.0.1, port: %8$d, transport: udp, prefixes: ["49"], probe: false }
                  - { name: ops-fr, host: 127.0.0.1, port: %9$d, transport: udp, prefixes: ["33"], probe: false }
                charging:
                  products:
                    - name: ops
                      currency: USD
                      rates:
                        - { prefix: "33", destination: France, perMinute: "0.05", increments: 1/1 }
                        - { prefix: "49", destination: Germany, perMinute: "0.05", increments: 1/1 }
                        - { prefix: "66", destination: Thailand, perMinute: "0.05", increments: 1/1 }
                        - { prefix: "81", destination: Japan, perMinute: "0.05", increments: 1/1 }
                      fairUse:   # never trips here: its series are exported from 0 for the alert and the panel
                        shortCalls: { shorterThan: 1s, window: 1m, steps: [ { above: 1000, action: warn } ] }
                        concurrentCalls: { steps: [ { above: 50, action: refuse-call } ] }
                  accounts:
                    - { id: alice, balance: "10.00", number: "+447400000001" }
                cdr: { file: "%7$s" }
                routing: { maxAttempts: 1 }
                """.formatted(sipPort, SippProcess.freeTcpPort(), mediaBase, mediaBase + MEDIA_PORTS - 1,
                jpCarrier, thCarrier, dir.resolve("calls.jsonl"), deCarrier, frCarrier);
        Path config = dir.resolve("gateway.yaml");
        Files.writeString(config, TestAccounts.withPasswords(yaml));
        gateway = Gateway.start(GatewayConfig.load(config), config);
    }

    @AfterAll
    static void stopGateway() {
        if (gateway != null) {
            gateway.close();
        }
    }

    @AfterEach
    void stopEverything() {
        processes.forEach(SippProcess::close);
        await(() -> activeCalls() == 0, Duration.ofSeconds(10), "calls still active");
    }

    @Test
    void asrAndAcdPerTrunkAndCountryAfterAnsweredBusyAndFailedCalls() throws Exception {
        // The histogram and the teardowns are not per trunk: the other test's call may be in them already.
        String before = metrics();
        call("basic-call", "basic-call", Map.of(), Map.of());
        call("basic-call", "basic-call", Map.of(), Map.of());
        call("busy", "busy", Map.of(), Map.of());
        call("rejected", "rejected", Map.of("code", "500"), Map.of("expected", "500"));

        String metrics = metrics();
        Map<String, String> jp = Map.of("trunk", "ops-jp", "country", "JP");
        double attempts = value(metrics, "calls_trunk_attempts_total", jp);
        double answers = value(metrics, "calls_trunk_answers_total", jp);
        double seconds = value(metrics, "calls_trunk_answered_seconds_total", jp);
        assertThat(attempts).isEqualTo(4.0);
        assertThat(answers).isEqualTo(2.0);
        assertThat(answers / attempts).as("ASR").isEqualTo(0.5);
        assertThat(seconds / answers).as("ACD, seconds").isGreaterThan(0.2);
        // Both answered calls rang (180) first; the busy and failed ones never did.
        assertThat(value(metrics, "calls_post_dial_delay_seconds_count", Map.of())
                - valueOrZero(before, "calls_post_dial_delay_seconds_count", Map.of())).isEqualTo(2.0);
        assertThat(value(metrics, "calls_teardowns_total", Map.of("reason", "caller_bye"))
                - valueOrZero(before, "calls_teardowns_total", Map.of("reason", "caller_bye"))).isEqualTo(2.0);
        assertThat(value(metrics, "charging_debited_micros_total", Map.of("currency", "USD"))
                - valueOrZero(before, "charging_debited_micros_total", Map.of("currency", "USD"))).isGreaterThan(0.0);
    }

    @Test
    void everyMetricTheAlertsAndTheDashboardQueryIsExportedByTheGateway() throws Exception {
        call("basic-call", "basic-call", Map.of(), Map.of(), THAI_MOBILE, thCarrier);
        Set<String> exported = exportedNames(metrics());

        Path docker = MonitoringConfig.dockerDirectory();
        List<String> exprs = new ArrayList<>();
        for (JsonNode group : new ObjectMapper(new YAMLFactory()).readTree(docker.resolve("alerts.yml").toFile()).get("groups")) {
            group.get("rules").forEach(rule -> exprs.add(rule.get("expr").asText()));
        }
        new ObjectMapper().readTree(docker.resolve("grafana/dashboards/softswitch.json").toFile()).findValues("expr")
                .forEach(e -> exprs.add(e.asText()));
        assertThat(exprs).hasSizeGreaterThan(10);

        Set<String> referenced = new TreeSet<>();
        exprs.forEach(e -> referenced.addAll(MonitoringConfig.metricNames(e)));
        assertThat(referenced).contains("calls_trunk_attempts_total", "calls_trunk_answers_total",
                "calls_trunk_answered_seconds_total", "calls_post_dial_delay_seconds_bucket");
        referenced.removeAll(SYNTHETIC);
        assertThat(exported).as("names exported by /metrics").containsAll(referenced);
    }

    /**
     * promtool loads alerts.yml and every dashboard query against the series of this real run (OPS-1):
     * ops-de answers 1 of 4 attempts, ops-fr 2 of 2. Alerts not named here must stay silent on the run;
     * every panel query (any panel added later too) must return data with its legend's labels filled.
     */
    @Test
    void promtoolLoadsTheAlertRulesAndEveryDashboardQueryAgainstTheRealScrape() throws Exception {
        Promtool promtool = Promtool.onPath();
        call("basic-call", "basic-call", Map.of(), Map.of(), GERMAN_MOBILE, deCarrier);
        call("busy", "busy", Map.of(), Map.of(), GERMAN_MOBILE, deCarrier);
        call("rejected", "rejected", Map.of("code", "500"), Map.of("expected", "500"), GERMAN_MOBILE, deCarrier);
        call("rejected", "rejected", Map.of("code", "404"), Map.of("expected", "404"), GERMAN_MOBILE, deCarrier);
        call("basic-call", "basic-call", Map.of(), Map.of(), FRENCH_MOBILE, frCarrier);
        call("basic-call", "basic-call", Map.of(), Map.of(), FRENCH_MOBILE, frCarrier);
        PromExposition scrape = PromExposition.parse(metrics());

        Path out = Files.createDirectories(Path.of("target", "promtool"));
        Path alerts = MonitoringConfig.dockerDirectory().resolve("alerts.yml");
        List<MonitoringConfig.AlertRule> rules = MonitoringConfig.alertRules(alerts);
        List<MonitoringConfig.PanelQuery> panels = MonitoringConfig.panelQueries(
                MonitoringConfig.dockerDirectory().resolve("grafana/dashboards/softswitch.json"));
        assertThat(rules).extracting(MonitoringConfig.AlertRule::name).contains("TrunkAnswerSeizureRatioDrop",
                "TrunkDown", "GatewayOverloaded", "ChargingUnavailable");
        assertThat(panels).hasSizeGreaterThan(10);
        Path panelRules = PromtoolRuleTests.panelRules(out.resolve("dashboard-panels.yml"), panels);
        assertThat(promtool.checkRules(alerts).output()).contains("SUCCESS: " + rules.size() + " rules found");
        assertThat(promtool.checkRules(panelRules).output()).contains("SUCCESS: " + panels.size() + " rules found");

        PromtoolRuleTests tests = new PromtoolRuleTests(scrape, rules);
        Map<String, List<Map<String, String>>> firing = Map.of(
                "TrunkAnswerSeizureRatioDrop", List.of(Map.of("trunk", "ops-de")));
        List<Map<String, Object>> realRun = new ArrayList<>();
        rules.forEach(r -> realRun.add(tests.alertFires(r.name(), firing.getOrDefault(r.name(), List.of()))));
        panels.forEach(q -> realRun.add(tests.panelReturnsData(q)));
        tests.group("the scripted calls, once a minute", Map.of(), realRun);

        conditionsTheRunCannotProduce(tests);
        Path testFile = tests.write(out.resolve("softswitch-test.yml"), alerts, panelRules);
        assertThat(promtool.testRules(testFile).output()).contains("SUCCESS");
    }

    /** Each alert the real run leaves silent, firing on the scraped series with one or a few changed. */
    private static void conditionsTheRunCannotProduce(PromtoolRuleTests tests) {
        Map<String, String> target = PromtoolRuleTests.TARGET;
        Map<String, String> fr = tests.scraped("routing_trunk_up", Map.of("trunk", "ops-fr")).labels();
        tests.group("ops-fr stops answering OPTIONS after 5 minutes",
                Map.of(tests.scraped("routing_trunk_up", fr), "1x10 0x50"),
                List.of(tests.alertFires("TrunkDown", List.of(fr))));
        for (String[] refusal : new String[][] {{"overload", "GatewayOverloaded"},
                {"charging_unavailable", "ChargingUnavailable"}, {"no_media_ports", "MediaPortsRunningOut"}}) {
            PromExposition.Sample refused = tests.variant("calls_attempts_total", Map.of("outcome", refusal[0]));
            tests.group("a call refused with outcome " + refusal[0] + " every 30 s", Map.of(refused, "0+1x60"),
                    List.of(tests.alertFires(refusal[1], List.of(refused.labels()))));
        }
        PromExposition.Sample suspensions = tests.variant("fair_use_actions_total",
                Map.of("detector", "short_calls", "action", "suspend_account"));
        tests.group("an account suspended for short calls every 30 s", Map.of(suspensions, "0+1x60"),
                List.of(tests.alertFires("FairUseActionsSpike",
                        List.of(Map.of("detector", "short_calls", "action", "suspend_account")))));
        tests.group("the target stops answering /metrics", Map.of(new PromExposition.Sample("up", target, 0), "1x10 0x50"),
                List.of(tests.alertFires("GatewayDown", List.of(target))));
        tests.group("30 busy calls a minute (1/s) on top of the run",
                Map.of(tests.scraped("calls_attempts_total", Map.of("outcome", "busy")), "0+30x60"),
                List.of(tests.alertFires("LowAnswerSeizureRatio", List.of(Map.of()))));
        tests.group("5% of the relay's RTP packets lost",
                Map.of(tests.scraped("relay_rtp_expected_total", Map.of()), "0+1000x60",
                        tests.scraped("relay_rtp_lost_total", Map.of()), "0+50x60"),
                List.of(tests.alertFires("HighMediaLoss", List.of(target))));
        tests.group("the relay holds 95% of its socket budget",
                Map.of(tests.scraped("relay_sockets_budget", Map.of()), "1000x60",
                        tests.scraped("relay_sockets_open", Map.of()), "950x60"),
                List.of(tests.alertFires("RelaySocketsNearBudget", List.of(target))));
        // Four calls a minute, every one waiting between 8 and 13 s for ringing: p95 about 12.75 s.
        Map<PromExposition.Sample, String> slow = new HashMap<>();
        for (PromExposition.Sample bucket : tests.scrapedAll("calls_post_dial_delay_seconds_bucket")) {
            slow.put(bucket, !bucket.labels().get("le").equals("+Inf") && Double.parseDouble(bucket.labels().get("le")) <= 8 ? "0x60" : "0+2x60");
        }
        slow.put(tests.scraped("calls_post_dial_delay_seconds_count", Map.of()), "0+2x60");
        slow.put(tests.scraped("calls_post_dial_delay_seconds_sum", Map.of()), "0+22x60");
        tests.group("post-dial delay between 8 and 13 s", slow, List.of(tests.alertFires("HighPostDialDelay", List.of(Map.of()))));
    }

    @Test
    void withoutPromtoolOnThePathTheTestFailsAndSaysWhatToInstall() {
        assertThatThrownBy(() -> Promtool.locate(dir.resolve("empty-bin") + java.io.File.pathSeparator))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("apt-get install -y --no-install-recommends prometheus");
    }

    @Test
    void metricNamesAreReadFromPromqlWithoutLabelsFunctionsOrKeywords() {
        assertThat(MonitoringConfig.metricNames("sum by (trunk) (increase(calls_trunk_answers_total{trunk!=\"none\"}[15m]))"
                + " / clamp_min(sum by (trunk) (rate(calls_x_total[5m] offset 1h)), 1) > 1e6 and on (le) up == 0"))
                .containsExactlyInAnyOrder("calls_trunk_answers_total", "calls_x_total", "up");
    }

    private static Set<String> exportedNames(String exposition) {
        Set<String> names = new TreeSet<>();
        for (String line : exposition.split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                names.add(line.split("[{ ]", 2)[0]);
            }
        }
        return names;
    }

    private static double valueOrZero(String exposition, String name, Map<String, String> labels) {
        try {
            return value(exposition, name, labels);
        } catch (AssertionError absent) {
            return 0;
        }
    }

    /** The value of the one sample of {@code name} carrying every label of {@code labels}. */
    private static double value(String exposition, String name, Map<String, String> labels) {
        for (String line : exposition.split("\n")) {
            if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
                String labelPart = line.contains("{") ? line.substring(line.indexOf('{'), line.lastIndexOf('}') + 1) : "";
                if (labels.entrySet().stream().allMatch(e -> labelPart.contains(e.getKey() + "=\"" + e.getValue() + "\""))) {
                    return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
        }
        throw new AssertionError("no " + name + " with " + labels + " in\n" + exposition);
    }

    private void call(String clientFlow, String carrierFlow, Map<String, String> carrierVars, Map<String, String> clientVars) {
        call(clientFlow, carrierFlow, carrierVars, clientVars, JAPAN_MOBILE, jpCarrier);
    }

    private void call(String clientFlow, String carrierFlow, Map<String, String> carrierVars, Map<String, String> clientVars,
                      String number, int carrierPort) {
        SippProcess.Builder c = SippProcess.builder(SippScenario.uas(carrierFlow)).localPort(carrierPort).timeout(LIMIT);
        carrierVars.forEach(c::set);
        SippProcess carrier = track(c.start());
        carrier.awaitListening(Duration.ofSeconds(5));
        SippProcess.Builder u = SippProcess.builder(SippScenario.uac(clientFlow)).remote(sipPort).service(number)
                .set("account", "alice").callDuration(Duration.ofMillis(300)).timeout(LIMIT);
        clientVars.forEach(u::set);
        SippProcess client = track(u.start());
        assertThat(client.awaitExit(LIMIT)).as(client.describe()).isZero();
        assertThat(carrier.awaitExit(LIMIT)).as(carrier.describe()).isZero();
        await(() -> activeCalls() == 0, Duration.ofSeconds(10), "call still active");
    }

    private SippProcess track(SippProcess p) {
        processes.add(p);
        return p;
    }

    private static String metrics() throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + gateway.httpAddress().getPort() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }

    private static int activeCalls() {
        try {
            return gateway.activeCalls();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void await(BooleanSupplier condition, Duration limit, String what) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + ": not within " + limit);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }

}
