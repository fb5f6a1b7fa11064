package dev.softswitch.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.softswitch.gateway.auth.DigestAlgorithm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class GatewayConfigTest {

    /** A small valid file; the error cases each change one thing in it. Line numbers matter. */
    private static final String VALID = """
            sip:
              listen:
                - { transport: udp, host: 127.0.0.1, port: 5060 }
            http: { host: 127.0.0.1, port: 8080 }
            media: { host: 127.0.0.1, portMin: 30000, portMax: 39999 }
            trunks:
              - name: carrier
                host: 127.0.0.1
                port: 5080
                transport: udp
                prefixes: [""]
            charging:
              currency: USD
              rates:
                - { prefix: "44", destination: UK, perMinute: "0.0250", increments: 60/60 }
                - { prefix: "447", destination: UK mobile, perMinute: "0.1000", increments: 30/6 }
              accounts:
                - { id: alice, balance: "10.00" }
                - { id: bob, balance: "0.1000" }
            cdr:
              file: ./calls.jsonl
            """;

    @Test
    void defaultConfigurationLoadsTheDemo() {
        GatewayConfig c = GatewayConfig.loadDefault();

        assertThat(c.sip().listen()).containsExactly(
                new ListenConfig("udp", "127.0.0.1", 5060), new ListenConfig("tcp", "127.0.0.1", 5060),
                new ListenConfig("tls", "127.0.0.1", 5061));
        assertThat(c.sip().listen().get(2).needsDemoCertificate()).isTrue();
        assertThat(c.sip().sdesWithoutTls()).as("the loopback demo takes SDES over udp").isTrue();
        assertThat(c.sip().maxMessageBytes()).isEqualTo(16384);
        assertThat(c.sip().timers()).isEqualTo(TimersConfig.RFC_3261);
        assertThat(c.http()).isEqualTo(new HttpConfig("127.0.0.1", 8080, java.util.List.of(new ApiTokenConfig("demo",
                ApiTokenConfig.OPERATOR, "91c16f0d6cc1bec3c3603972182a07c66ff4fa71618a975e963d6dbe42b6dd37")),
                java.util.List.of()));
        assertThat(c.media()).isEqualTo(new MediaConfig("127.0.0.1", 20000, 29999, Duration.ofSeconds(30), Duration.ofHours(2)));
        assertThat(c.trunks()).extracting(TrunkConfig::name, TrunkConfig::host, TrunkConfig::port, TrunkConfig::prefixes,
                TrunkConfig::probe).containsExactly(tuple("demo-carrier", "127.0.0.1", 5080, java.util.List.of(""), false));
        assertThat(c.charging().products()).extracting(ProductConfig::name, ProductConfig::currency)
                .containsExactly(tuple("line-out", "USD"));
        assertThat(c.charging().products().get(0).creditValidity()).isEqualTo(Duration.ofDays(180));
        assertThat(c.charging().products().get(0).rates()).extracting(RateConfig::prefix)
                .contains("1", "44", "447", "49", "4915", "4916", "4917", "66", "81", "8190");
        assertThat(rate(c, "81")).isEqualTo(new RateConfig("81", "Japan", "0.0530", "0", 60, 60));
        assertThat(rate(c, "8190").perMinute()).isEqualTo("0.1200");
        assertThat(c.charging().accounts()).extracting(AccountConfig::id, AccountConfig::balance, AccountConfig::number,
                AccountConfig::country).containsExactly(
                tuple("alice", "10.00", "+447400000001", null),
                tuple("bob", "0.1000", "+447400000002", null),
                tuple("carol", "0", "+66812345678", null));
        assertThat(c.cdr().file()).isEqualTo("./var/cdr/calls.jsonl");
    }

    @Test
    void theDemoAccountsHoldTheHashesOfTheirDemoPasswordsOnly() throws Exception {
        GatewayConfig c = GatewayConfig.loadDefault();
        assertThat(c.auth().realm()).isEqualTo("softswitch");
        assertThat(c.auth().algorithms()).containsExactly("MD5", "SHA-256"); // SIPp drives the demo
        for (AccountConfig a : c.charging().accounts()) {
            String password = a.id() + "-demo";
            assertThat(a.ha1Sha256()).isEqualTo(DigestAlgorithm.SHA_256.ha1(a.id(), "softswitch", password));
            assertThat(a.ha1Md5()).isEqualTo(DigestAlgorithm.MD5.ha1(a.id(), "softswitch", password));
        }
        String text = new String(getClass().getClassLoader().getResourceAsStream(GatewayConfig.DEFAULT_RESOURCE)
                .readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(text).doesNotContain("password:");
    }

    @Test
    void aPasswordHashOfTheWrongShapeIsRefusedNamingTheKeyAndTheFix() {
        String yaml = VALID.replace("- { id: bob, balance: \"0.1000\" }", "- { id: bob, balance: \"0.1000\", ha1Md5: \"secret\" }");
        assertThatThrownBy(() -> GatewayConfig.parse(yaml, "test.yaml"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("test.yaml:")
                .hasMessageContaining("ha1Md5")
                .hasMessageContaining("hash-password");
    }

    @Test
    void theJournalCommitIntervalDefaultsTo10msAndOneOutOfRangeIsRefusedNamingTheKey() {
        assertThat(GatewayConfig.parse(VALID, "test.yaml").charging().journalCommitInterval())
                .isEqualTo(java.time.Duration.ofMillis(10));
        String zero = VALID.replace("  currency: USD\n", "  currency: USD\n  journalCommitInterval: 0ms\n");
        assertThat(GatewayConfig.parse(zero, "test.yaml").charging().journalCommitInterval()).isZero();
        String slow = VALID.replace("  currency: USD\n", "  currency: USD\n  journalCommitInterval: 1s\n");
        assertThatThrownBy(() -> GatewayConfig.parse(slow, "test.yaml"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("test.yaml:")
                .hasMessageContaining("journalCommitInterval")
                .hasMessageContaining("50ms");
    }

    @Test
    void theUsageHistoryPeriodDefaultsTo180DaysAndOneShorterThanTheDisputeWindowIsRefused() {
        assertThat(GatewayConfig.parse(VALID, "test.yaml").charging().historyPeriod())
                .isEqualTo(java.time.Duration.ofDays(180));
        String shorter = VALID.replace("  currency: USD\n", "  currency: USD\n  historyPeriod: 90d\n");
        assertThat(GatewayConfig.parse(shorter, "test.yaml").charging().historyPeriod())
                .isEqualTo(java.time.Duration.ofDays(90));
        String month = VALID.replace("  currency: USD\n", "  currency: USD\n  historyPeriod: 30d\n");
        assertThatThrownBy(() -> GatewayConfig.parse(month, "test.yaml"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("test.yaml:")
                .hasMessageContaining("historyPeriod")
                .hasMessageContaining("is 30d; give 90d (a disputed call's charge can be adjusted for 90 days");
        String garbled = VALID.replace("  currency: USD\n", "  currency: USD\n  historyPeriod: half a year\n");
        assertThatThrownBy(() -> GatewayConfig.parse(garbled, "test.yaml"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("historyPeriod");
    }

    @Test
    void anUnknownDigestAlgorithmIsRefused() {
        assertThatThrownBy(() -> GatewayConfig.parse(VALID + "auth: { algorithms: [SHA-512] }\n", "test.yaml"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("algorithms")
                .hasMessageContaining("SHA-512");
        assertThat(GatewayConfig.parse(VALID, "test.yaml").auth()).isEqualTo(AuthConfig.DEFAULTS);
    }

    @Test
    void throttleLimitsAreReadAndABanOutOfRangeIsRefusedNamingTheKey() {
        GatewayConfig c = GatewayConfig.parse(VALID + "auth: { throttle: { sourceFailuresPerMinute: 60,"
                + " accountFailuresPerMinute: 3, sourceInvitesPerSecond: 20, banFor: 30m } }\n", "test.yaml");
        assertThat(c.auth().throttle()).isEqualTo(new ThrottleConfig(60, 3, 20, Duration.ofMinutes(30), 100_000));
        assertThat(GatewayConfig.loadDefault().auth().throttle()).isEqualTo(ThrottleConfig.DEFAULTS);
        assertThatThrownBy(() -> GatewayConfig.parse(VALID + "auth: { throttle: { banFor: 2d } }\n", "test.yaml"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("banFor");
        assertThatThrownBy(() -> GatewayConfig.parse(VALID + "auth: { throttle: { accountFailuresPerMinute: 0 } }\n",
                "test.yaml"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("accountFailuresPerMinute");
    }

    @Test
    void bobCanPayExactlyOneMinuteToAUkMobile() {
        GatewayConfig c = GatewayConfig.loadDefault();
        RateConfig ukMobile = rate(c, "447");

        assertThat(account(c, "bob").balance()).isEqualTo(ukMobile.perMinute());
        assertThat(ukMobile.connectFee()).isEqualTo("0");
        assertThat(ukMobile.initialIncrement()).isEqualTo(60);
    }

    @Test
    void validFileLoadsWithDefaultsForOptionalKeys() {
        GatewayConfig c = GatewayConfig.parse(VALID, "test.yaml");

        assertThat(c.sip().maxMessageBytes()).isEqualTo(SipConfig.DEFAULT_MAX_MESSAGE_BYTES);
        assertThat(c.sip().timers()).isEqualTo(TimersConfig.RFC_3261);
        assertThat(rate(c, "447")).isEqualTo(new RateConfig("447", "UK mobile", "0.1000", "0", 30, 6));
        assertThat(c.trunks().get(0).inbound()).as("a trunk sends no calls unless told (issue 10)").isFalse();
    }

    @Test
    void aTrunkMayBeOpenedForInboundCalls() {
        GatewayConfig c = GatewayConfig.parse(VALID.replace("    prefixes: [\"\"]\n", "    prefixes: [\"\"]\n    inbound: true\n"),
                "test.yaml");

        assertThat(c.trunks().get(0).inbound()).isTrue();
    }

    @Test
    void loadedConfigurationIsImmutable() {
        GatewayConfig c = GatewayConfig.parse(VALID, "test.yaml");

        assertThatThrownBy(() -> c.trunks().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> c.charging().products().get(0).rates().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> c.trunks().get(0).prefixes().add("1")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void timersAndMaxMessageBytesAreRead() {
        GatewayConfig c = GatewayConfig.parse(VALID.replace("    - { transport: udp, host: 127.0.0.1, port: 5060 }\n",
                "    - { transport: udp, host: 127.0.0.1, port: 5060 }\n  maxMessageBytes: 4096\n"
                        + "  timers: { t1: 250ms, t2: 2m }\n"), "test.yaml");

        assertThat(c.sip().maxMessageBytes()).isEqualTo(4096);
        assertThat(c.sip().timers()).isEqualTo(new TimersConfig(Duration.ofMillis(250), Duration.ofMinutes(2), Duration.ofSeconds(5)));
    }

    @Test
    void theTransactionWaitIsReadAndMayNotBeShorterThanT4() {
        String udp = "    - { transport: udp, host: 127.0.0.1, port: 5060 }\n";
        GatewayConfig c = GatewayConfig.parse(VALID.replace(udp, udp + "  timers: { wait: 5s }\n"), "test.yaml");
        assertThat(c.sip().timers().lastWait()).isEqualTo(Duration.ofSeconds(5));
        assertThat(GatewayConfig.parse(VALID, "test.yaml").sip().timers().lastWait()).as("the RFC's waits").isNull();

        assertThatThrownBy(() -> GatewayConfig.parse(VALID.replace(udp, udp + "  timers: { wait: 2s }\n"),
                "test.yaml")).hasMessageContaining("wait").hasMessageContaining("must not be shorter than t4");
    }

    @Test
    void tcpBoundsAreReadAndDefaulted() {
        GatewayConfig c = GatewayConfig.parse(VALID.replace("    - { transport: udp, host: 127.0.0.1, port: 5060 }\n",
                "    - { transport: udp, host: 127.0.0.1, port: 5060 }\n"
                        + "  tcp: { maxConnections: 500, maxPerAddress: 20, messageTimeout: 5s }\n"), "test.yaml");

        assertThat(c.sip().tcp()).isEqualTo(new TcpConfig(500, 20, Duration.ofSeconds(120), Duration.ofSeconds(5)));
        assertThat(GatewayConfig.parse(VALID, "test.yaml").sip().tcp()).isEqualTo(TcpConfig.DEFAULT);
    }

    @Test
    void sessionTimersAndTheRingTimeoutAreReadWithTheirDefaults() {
        GatewayConfig defaults = GatewayConfig.parse(VALID, "test.yaml");
        assertThat(defaults.sip().sessionTimers()).isEqualTo(new SessionTimersConfig(Duration.ofSeconds(1800), Duration.ofSeconds(90)));
        assertThat(defaults.routing().ringTimeout()).isEqualTo(Duration.ofSeconds(120));

        GatewayConfig c = GatewayConfig.parse(VALID.replace("    - { transport: udp, host: 127.0.0.1, port: 5060 }\n",
                "    - { transport: udp, host: 127.0.0.1, port: 5060 }\n  sessionTimers: { expires: 600s, minSe: 120s }\n")
                + "routing: { ringTimeout: 45s }\n", "test.yaml");
        assertThat(c.sip().sessionTimers()).isEqualTo(new SessionTimersConfig(Duration.ofSeconds(600), Duration.ofSeconds(120)));
        assertThat(c.routing().ringTimeout()).isEqualTo(Duration.ofSeconds(45));
    }

    @Test
    void loadNamesTheFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("config.yaml");
        Files.writeString(file, VALID.replace("port: 5080", "port: 70000"));

        assertThatThrownBy(() -> GatewayConfig.load(file))
                .isInstanceOf(ConfigException.class)
                .hasMessage(file + ":9:11: trunks[0].port: 70000 is not a valid port (use 1..65535)");
    }

    @Test
    void loadReadsAFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("config.yaml");
        Files.writeString(file, VALID);

        assertThat(GatewayConfig.load(file)).isEqualTo(GatewayConfig.parse(VALID, "other.yaml"));
    }

    @Test
    void missingFileIsAConfigException(@TempDir Path dir) {
        Path file = dir.resolve("absent.yaml");

        assertThatThrownBy(() -> GatewayConfig.load(file))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(file + ": cannot read the configuration file: java.nio.file.NoSuchFileException");
    }

    static Stream<Arguments> errors() {
        return Stream.of(
                Arguments.of("syntax error", "  currency: USD", "  currency: USD: dollars",
                        "test.yaml:13:16: YAML syntax error: mapping values are not allowed here"
                                + " (quote a value that contains ': ', or check the indentation)"),
                Arguments.of("unterminated quote", "  file: ./calls.jsonl", "  file: \"./calls.jsonl",
                        "test.yaml:22:1: YAML syntax error: found unexpected end of stream"
                                + " (while scanning a quoted scalar that starts at 21:9; close the quote or bracket)"),
                Arguments.of("tab indentation", "  currency: USD", "\tcurrency: USD",
                        "test.yaml:13:1: YAML syntax error: found a tab that cannot start any token"
                                + " (indent with spaces, not tabs)"),
                Arguments.of("unknown key", "  file: ./calls.jsonl", "  fiel: ./calls.jsonl",
                        "test.yaml:21:3: cdr: missing key file (add file: ./var/cdr/calls.jsonl)\n"
                                + "test.yaml:21:3: cdr.fiel: unknown key (did you mean file?)"),
                Arguments.of("unknown key with no near match", "port: 8080 }", "port: 8080, tls: true }",
                        "test.yaml:4:38: http.tls: unknown key (use one of host, port, tokens, allowedHosts)"),
                Arguments.of("unknown key in an API token", "port: 8080 }",
                        "port: 8080, tokens: [{ name: ops, role: operator, sha: x }] }",
                        "test.yaml:4:47: http.tokens[0]: missing key sha256 (add sha256: \"<java -jar gateway.jar"
                                + " hash-token>\")\n"
                                + "test.yaml:4:76: http.tokens[0].sha: unknown key (use one of name, role, sha256)"),
                Arguments.of("unknown API role", "port: 8080 }", "port: 8080, tokens: [{ name: ops, role: admin,"
                                + " sha256: \"" + "ab".repeat(32) + "\" }] }",
                        "test.yaml:4:66: http.tokens[0].role: unknown role \"admin\" (use read-only or operator)"),
                Arguments.of("API token stored in clear", "port: 8080 }", "port: 8080, tokens: [{ name: ops,"
                                + " role: operator, sha256: demo-admin-token }] }",
                        "test.yaml:4:84: http.tokens[0].sha256: not a SHA-256 in lower-case hex (64 characters):"
                                + " make it with java -jar gateway.jar hash-token"),
                Arguments.of("bad port", "port: 5080", "port: 70000",
                        "test.yaml:9:11: trunks[0].port: 70000 is not a valid port (use 1..65535)"),
                Arguments.of("certificate on udp", "transport: udp, host", "transport: udp, certificate: c.pem, host",
                        "test.yaml:3:38: sip.listen[0].certificate: only a tls listen point takes a certificate"
                                + " and key (remove it, or use transport: tls)"),
                Arguments.of("tls certificate without key", "transport: udp, host", "transport: tls, certificate: c.pem, host",
                        "test.yaml:3:38: sip.listen[0].certificate: a tls listen point needs both certificate and key"
                                + " (add key: key.pem, or leave both out for a self-signed demo certificate)"),
                Arguments.of("tls trunk without a tls listen point", "    transport: udp", "    transport: tls",
                        "test.yaml:7:3: trunks: trunk carrier uses tls, which needs a tls listen point for its Via"
                                + " and Contact (add - { transport: tls, host: ..., port: 5061 } to sip.listen)"),
                Arguments.of("unknown transport", "    transport: udp", "    transport: sctp",
                        "test.yaml:10:16: trunks[0].transport: sctp is not a transport (use udp, tcp or tls)"),
                Arguments.of("min-se below the rfc's 90 s", "http:", "  sessionTimers: { minSe: 30s }\nhttp:",
                        "test.yaml:4:27: sip.sessionTimers.minSe: 30s is below the 90s RFC 4028 allows (use 90s or more)"),
                Arguments.of("session expires under min-se", "http:", "  sessionTimers: { expires: 100s, minSe: 120s }\nhttp:",
                        "test.yaml:4:29: sip.sessionTimers.expires: 100s is shorter than minSe 120s (use e.g. 1800s)"),
                Arguments.of("session timer key misspelt", "http:", "  sessionTimers: { expire: 100s }\nhttp:",
                        "test.yaml:4:20: sip.sessionTimers.expire: unknown key (did you mean expires?)"),
                Arguments.of("ring timeout not a duration", "cdr:", "routing: { ringTimeout: 2 }\ncdr:",
                        "test.yaml:20:25: routing.ringTimeout: \"2\" is not a duration (use e.g. 500ms, 4s or 2m)"),
                Arguments.of("bad duration", "http:", "  timers: { t1: 500 }\nhttp:",
                        "test.yaml:4:17: sip.timers.t1: \"500\" is not a duration (use e.g. 500ms, 4s or 2m)"),
                Arguments.of("tcp per-address cap above the global one", "http:",
                        "  tcp: { maxConnections: 10, maxPerAddress: 50 }\nhttp:",
                        "test.yaml:4:45: sip.tcp.maxPerAddress: 50 is out of range (use 1..10, at most maxConnections)"),
                Arguments.of("tcp unknown key", "http:", "  tcp: { idleTimeOut: 5s }\nhttp:",
                        "test.yaml:4:10: sip.tcp.idleTimeOut: unknown key (did you mean idleTimeout?)"),
                Arguments.of("tcp bad duration", "http:", "  tcp: { messageTimeout: 10 }\nhttp:",
                        "test.yaml:4:26: sip.tcp.messageTimeout: \"10\" is not a duration (use e.g. 500ms, 4s or 2m)"),
                Arguments.of("bad decimal", "\"0.0250\"", "\"0,025\"",
                        "test.yaml:15:51: charging.rates[0].perMinute: \"0,025\" is not a decimal amount"
                                + " (use digits with at most 6 decimals, e.g. \"0.0530\")"),
                Arguments.of("too many decimals", "balance: \"10.00\"", "balance: \"10.0000001\"",
                        "test.yaml:18:29: charging.accounts[0].balance: \"10.0000001\" has more than 6 decimals"
                                + " (round it to at most 6)"),
                Arguments.of("negative decimal", "balance: \"10.00\"", "balance: \"-10.00\"",
                        "test.yaml:18:29: charging.accounts[0].balance: \"-10.00\" is negative (use 0 or more)"),
                Arguments.of("duplicate prefix", "prefix: \"447\"", "prefix: \"44\"",
                        "test.yaml:16:17: charging.rates[1].prefix: duplicate prefix \"44\" at lines 15 and 16"
                                + " (keep one of them)"),
                Arguments.of("duplicate account", "id: bob", "id: alice",
                        "test.yaml:19:13: charging.accounts[1].id: duplicate account id \"alice\" at lines 18 and 19"
                                + " (keep one of them)"),
                Arguments.of("odd portMin", "portMin: 30000", "portMin: 30001",
                        "test.yaml:5:36: media.portMin: 30001 is odd (RTP uses even ports; use 30000 or 30002)"),
                Arguments.of("portMax below portMin", "portMax: 39999", "portMax: 20000",
                        "test.yaml:5:52: media.portMax: 20000 is not above portMin 30000 (use a larger number, e.g. 39999)"),
                Arguments.of("missing required key", "  currency: USD\n", "",
                        "test.yaml:13:3: charging: missing key currency (add currency: USD)"),
                Arguments.of("empty value", "  currency: USD", "  currency:",
                        "test.yaml:13:12: charging.currency: no value given (use e.g. USD)"),
                Arguments.of("bad currency", "  currency: USD", "  currency: usd",
                        "test.yaml:13:13: charging.currency: \"usd\" is not a currency code (use three capital letters, e.g. USD)"),
                Arguments.of("not a number", "port: 5080", "port: fifty",
                        "test.yaml:9:11: trunks[0].port: \"fifty\" is not a whole number (use e.g. 5080)"),
                Arguments.of("bad increments", "increments: 30/6", "increments: 30",
                        "test.yaml:16:81: charging.rates[1].increments: \"30\" is not a pair of increments in seconds"
                                + " (use e.g. 60/60)"),
                Arguments.of("zero increment", "increments: 30/6", "increments: 0/6",
                        "test.yaml:16:81: charging.rates[1].increments: 0/6 has an increment below 1 second"
                                + " (use whole seconds above zero, e.g. 60/60)"),
                Arguments.of("bad trunk prefix", "prefixes: [\"\"]", "prefixes: [\"+44\"]",
                        "test.yaml:11:15: trunks[0].prefixes: \"+44\" is not a digit prefix"
                                + " (use digits only, without + or spaces, e.g. \"447\")"),
                Arguments.of("list expected", "  listen:\n    - { transport: udp, host: 127.0.0.1, port: 5060 }",
                        "  listen: udp",
                        "test.yaml:2:11: sip.listen: expected a list here, found \"udp\""
                                + " (e.g. - { transport: udp, host: 127.0.0.1, port: 5060 })"),
                Arguments.of("duplicate yaml key", "cdr:\n", "cdr:\n  file: x\n",
                        "test.yaml:22:3: cdr.file: duplicate key, already at line 21 (keep one of them)"),
                Arguments.of("alias", "  file: ./calls.jsonl", "  file: *x",
                        "test.yaml:21:9: cdr.file: aliases (*x) are not supported (write the value out)"),
                Arguments.of("second document", "cdr:", "---\ncdr:",
                        "test.yaml:21:1: a second YAML document starts here, after a --- line"
                                + " (keep the whole configuration in one document)"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("errors")
    void badFileIsRefusedWithLineColumnAndFix(String kind, String from, String to, String expected) {
        String yaml = VALID.replace(from, to);
        assertThat(yaml).as("the case changes the file").isNotEqualTo(VALID);

        assertThatThrownBy(() -> GatewayConfig.parse(yaml, "test.yaml"))
                .isInstanceOf(ConfigException.class)
                .hasMessage(expected);
    }

    @Test
    void everyProblemIsReportedInFileOrder() {
        String yaml = VALID.replace("port: 8080", "port: 0").replace("port: 5080", "port: 99999")
                .replace("  file: ./calls.jsonl", "  file: ./calls.jsonl\n  rotate: daily");

        assertThatThrownBy(() -> GatewayConfig.parse(yaml, "test.yaml"))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).containsExactly(
                        "test.yaml:4:32: http.port: 0 is not a valid port (use 1..65535)",
                        "test.yaml:9:11: trunks[0].port: 99999 is not a valid port (use 1..65535)",
                        "test.yaml:22:3: cdr.rotate: unknown key (use one of file)"));
    }

    @Test
    void theRelaySocketPoolIsReadWithDefaultsForWhatIsLeftOut() {
        GatewayConfig defaults = GatewayConfig.parse(VALID, "test.yaml");
        GatewayConfig tuned = GatewayConfig.parse(VALID.replace("portMax: 39999 }",
                "portMax: 39999, socketPool: { maxPairs: 100, quarantine: 2s } }"), "test.yaml");

        assertThat(defaults.media().socketPool()).isEqualTo(RelayPoolConfig.DEFAULT);
        assertThat(tuned.media().socketPool()).isEqualTo(new RelayPoolConfig(100, 0, Duration.ofSeconds(2)));
        GatewayConfig reserving = GatewayConfig.parse(VALID.replace("portMax: 39999 }",
                "portMax: 39999, socketPool: { reserveDescriptors: 4000 } }"), "test.yaml");
        assertThat(reserving.media().socketPool().reserveDescriptors()).isEqualTo(4000);
        assertThatThrownBy(() -> GatewayConfig.parse(VALID.replace("portMax: 39999 }",
                "portMax: 39999, socketPool: { reserveDescriptors: -1 } }"), "test.yaml"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("reserveDescriptors")
                .hasMessageContaining("-1 is negative");
    }

    @Test
    void clientRtcpMuxIsOnUnlessSwitchedOff() {
        assertThat(GatewayConfig.parse(VALID, "test.yaml").media().clientRtcpMux()).isTrue();
        assertThat(GatewayConfig.parse(VALID.replace("portMax: 39999 }", "portMax: 39999, clientRtcpMux: false }"),
                "test.yaml").media().clientRtcpMux()).isFalse();
        assertThatThrownBy(() -> GatewayConfig.parse(VALID.replace("portMax: 39999 }",
                "portMax: 39999, clientRtcpMux: sometimes }"), "test.yaml"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("clientRtcpMux");
    }

    @Test
    void furtherRelayAddressesAreReadAndEachMayBeNamedOnce() {
        GatewayConfig one = GatewayConfig.parse(VALID, "test.yaml");
        GatewayConfig three = GatewayConfig.parse(VALID.replace("portMax: 39999 }",
                "portMax: 39999, moreHosts: [127.0.0.2, 127.0.0.3] }"), "test.yaml");

        assertThat(one.media().moreHosts()).isEmpty();
        assertThat(three.media().moreHosts()).containsExactly("127.0.0.2", "127.0.0.3");
        assertThatThrownBy(() -> GatewayConfig.parse(VALID.replace("portMax: 39999 }",
                "portMax: 39999, moreHosts: [127.0.0.2, 127.0.0.2] }"), "test.yaml"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("127.0.0.2 is named twice");
    }

    @Test
    void aSocketPoolThatCannotBeBoundIsRefused() {
        assertThatThrownBy(() -> GatewayConfig.parse(VALID.replace("portMax: 39999 }",
                "portMax: 39999, socketPool: { maxPairs: 10, prebindPairs: 20 } }"), "test.yaml"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("prebindPairs: 20 must lie within 0..10 (maxPairs)");
        assertThatThrownBy(() -> GatewayConfig.parse(VALID.replace("portMax: 39999 }",
                "portMax: 39999, socketPool: { maxPairs: 8000, prebindPairs: 6000 } }"), "test.yaml"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("6000 is more than the 5000 port pairs in 30000..39999");
    }

    @Test
    void emptyFileIsRefused() {
        assertThatThrownBy(() -> GatewayConfig.parse("# nothing\n", "test.yaml"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("test.yaml:1:1: the file is empty (start from default-config.yaml)");
    }

    @Test
    void recordsRefuseBadValuesWhenBuiltInCode() {
        assertThatThrownBy(() -> new ListenConfig("sctp", "127.0.0.1", 5061))
                .isInstanceOf(InvalidValueException.class)
                .hasMessage("transport: sctp is not a transport (use udp, tcp or tls)");
        assertThatThrownBy(() -> new ListenConfig("tls", "127.0.0.1", 5061, null, "key.pem"))
                .isInstanceOf(InvalidValueException.class)
                .hasMessageStartingWith("key: a tls listen point needs both certificate and key (add certificate: cert.pem");
        assertThatThrownBy(() -> new RateConfig("44", "UK", "0.1", null, 60, 0))
                .isInstanceOf(InvalidValueException.class)
                .hasMessageStartingWith("increments: 60/0");
        assertThat(new RateConfig("44", "UK", "0.1", null, 60, 60).connectFee()).isEqualTo("0");
    }

    private static RateConfig rate(GatewayConfig c, String prefix) {
        return c.charging().products().get(0).rates().stream().filter(r -> r.prefix().equals(prefix)).findFirst().orElseThrow();
    }

    private static AccountConfig account(GatewayConfig c, String id) {
        return c.charging().accounts().stream().filter(a -> a.id().equals(id)).findFirst().orElseThrow();
    }

    @Test
    void dockerConfigurationLoads() {
        // docker/compose.yaml mounts this file; it must stay valid as the schema moves.
        GatewayConfig c = GatewayConfig.load(java.nio.file.Path.of("../docker/gateway.yaml"));
        assertThat(c.trunks()).extracting(TrunkConfig::host).containsExactly("carrier");
        assertThat(c.charging().journal()).isEqualTo("./journal");
        for (String node : java.util.List.of("gateway-1", "gateway-2")) { // the two nodes of compose.yaml
            GatewayConfig n = GatewayConfig.load(java.nio.file.Path.of("../docker/" + node + ".yaml"));
            assertThat(n.charging().store().shared()).isTrue();
            assertThat(n.charging().store().node()).isEqualTo(node);
            assertThat(n.charging().store().uris()).containsExactly("redis://redis:6379");
            assertThat(n.http().host()).isEqualTo(node);
        }
    }

    @Test
    void benchConfigurationLoadsAndKeepsThePerAddressInviteLimitOutOfTheLoadGeneratorsWay() {
        // bench/cps.sh drives this file from one address at thousands of INVITEs a second.
        GatewayConfig c = GatewayConfig.load(java.nio.file.Path.of("../bench/gateway-bench.yaml"));
        assertThat(c.auth().throttle().sourceInvitesPerSecond()).isGreaterThanOrEqualTo(10_000);
        assertThat(account(c, "bench").ha1Md5()).isEqualTo(DigestAlgorithm.MD5.ha1("bench", "softswitch", "bench-demo"));
    }
}
