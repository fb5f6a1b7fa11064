package dev.softswitch.gateway.config;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The configuration schema: walks the YAML tree section by section and builds the records. TLS PEM
 * files are read here too, so that a bad certificate or key is refused with the line that names it.
 */
final class GatewayConfigReader {

    private static final Pattern DURATION = Pattern.compile("([0-9]{1,9})(ms|s|m|h|d)");
    private static final Pattern INCREMENTS = Pattern.compile("([0-9]{1,5})/([0-9]{1,5})");

    private GatewayConfigReader() {
    }

    static GatewayConfig read(YamlNode root, String source, Path baseDir) {
        Problems problems = new Problems(source);
        MappingReader r = MappingReader.of(root, "", "sip: ...", problems);
        GatewayConfig config = r == null ? null : gateway(r, baseDir);
        problems.throwIfAny();
        return config;
    }

    private static GatewayConfig gateway(MappingReader r, Path baseDir) {
        SipConfig sip = r.mapping("sip", "{ listen: [{ transport: udp, host: 127.0.0.1, port: 5060 }] }",
                s -> sip(s, baseDir));
        HttpConfig http = r.mapping("http", "{ host: 127.0.0.1, port: 8080 }", GatewayConfigReader::http);
        MediaConfig media = r.mapping("media", "{ host: 127.0.0.1, portMin: 30000, portMax: 39999 }",
                GatewayConfigReader::media);
        var trunks = r.mappings("trunks", "- { name: carrier, host: 192.0.2.10, port: 5060, transport: udp,"
                + " prefixes: [\"\"] }", "name", "trunk name", t -> trunk(t, baseDir));
        ChargingConfig charging = r.mapping("charging", "{ currency: USD, rates: [...], accounts: [...] }",
                ChargingConfigReader::charging);
        CdrConfig cdr = r.mapping("cdr", "{ file: ./var/cdr/calls.jsonl }", GatewayConfigReader::cdr);
        RoutingConfig routing = r.mapping("routing", "{ maxAttempts: 3, probeInterval: 30s, probeFailures: 3 }",
                GatewayConfigReader::routing, RoutingConfig.DEFAULTS);
        AvailabilityConfig availability = r.mapping("availability", "{ service: {...}, countries: [...] }",
                GatewayConfigReader::availability, AvailabilityConfig.NONE);
        AuthConfig auth = r.mapping("auth", "{ realm: softswitch, nonceTtl: 5m, algorithms: [SHA-256, MD5] }",
                GatewayConfigReader::auth, AuthConfig.DEFAULTS);
        ClientsConfig clients = r.mapping("clients", "{ app: SoftphoneApp, minimumVersions: [...] }",
                GatewayConfigReader::clients, ClientsConfig.NONE);
        return r.build(() -> new GatewayConfig(sip, http, media, trunks, charging, cdr, routing, availability, auth,
                clients));
    }

    private static ClientsConfig clients(MappingReader r) {
        String app = r.text("app", "SoftphoneApp");
        var minimums = r.mappings("minimumVersions", "- { platform: Android, version: \"4.0.0\" }", "platform",
                "platform", GatewayConfigReader::minimumVersion, List.of());
        return r.build(() -> {
            Map<String, String> m = new LinkedHashMap<>();
            minimums.forEach(p -> m.put(p[0], p[1]));
            return new ClientsConfig(app, m);
        });
    }

    private static String[] minimumVersion(MappingReader r) {
        String platform = r.text("platform", "Android");
        String version = r.text("version", "\"4.0.0\"");
        return r.build(() -> new String[] {platform, version});
    }

    private static AuthConfig auth(MappingReader r) {
        AuthConfig d = AuthConfig.DEFAULTS;
        String realm = r.text("realm", "softswitch", d.realm());
        Duration nonceTtl = duration(r, "nonceTtl", d.nonceTtl());
        var algorithms = r.texts("algorithms", "[SHA-256, MD5]", d.algorithms());
        ThrottleConfig throttle = r.mapping("throttle", "{ sourceFailuresPerMinute: 30, accountFailuresPerMinute: 5,"
                + " sourceInvitesPerSecond: 50, banFor: 10m }", GatewayConfigReader::throttle, d.throttle());
        return r.build(() -> new AuthConfig(realm, nonceTtl, algorithms, throttle));
    }

    private static ThrottleConfig throttle(MappingReader r) {
        ThrottleConfig d = ThrottleConfig.DEFAULTS;
        Integer sourceFailures = r.integer("sourceFailuresPerMinute", "30", d.sourceFailuresPerMinute());
        Integer accountFailures = r.integer("accountFailuresPerMinute", "5", d.accountFailuresPerMinute());
        Integer sourceInvites = r.integer("sourceInvitesPerSecond", "50", d.sourceInvitesPerSecond());
        Duration banFor = duration(r, "banFor", d.banFor());
        Integer maxTracked = r.integer("maxTracked", "100000", d.maxTracked());
        return r.build(() -> new ThrottleConfig(sourceFailures, accountFailures, sourceInvites, banFor, maxTracked));
    }

    private static SipConfig sip(MappingReader r, Path baseDir) {
        var listen = r.mappings("listen", "- { transport: udp, host: 127.0.0.1, port: 5060 }", null, null,
                l -> listen(l, baseDir));
        Integer maxMessageBytes = r.integer("maxMessageBytes", "16384", SipConfig.DEFAULT_MAX_MESSAGE_BYTES);
        TimersConfig timers = r.mapping("timers", "{ t1: 500ms, t2: 4s, t4: 5s }", GatewayConfigReader::timers,
                TimersConfig.RFC_3261);
        Boolean sdesWithoutTls = r.bool("sdesWithoutTls", false);
        TcpConfig tcp = r.mapping("tcp", "{ maxConnections: 10000, maxPerAddress: 100, idleTimeout: 120s, messageTimeout: 10s }",
                GatewayConfigReader::tcp, TcpConfig.DEFAULT);
        SessionTimersConfig sessionTimers = r.mapping("sessionTimers", "{ expires: 1800s, minSe: 90s }",
                GatewayConfigReader::sessionTimers, SessionTimersConfig.DEFAULTS);
        return r.build(() -> new SipConfig(listen, maxMessageBytes, timers, sdesWithoutTls, tcp, sessionTimers));
    }

    private static TcpConfig tcp(MappingReader r) {
        TcpConfig d = TcpConfig.DEFAULT;
        Integer maxConnections = r.integer("maxConnections", "10000", d.maxConnections());
        Integer maxPerAddress = r.integer("maxPerAddress", "100", d.maxPerAddress());
        Duration idleTimeout = duration(r, "idleTimeout", d.idleTimeout());
        Duration messageTimeout = duration(r, "messageTimeout", d.messageTimeout());
        return r.build(() -> new TcpConfig(maxConnections, maxPerAddress, idleTimeout, messageTimeout));
    }

    private static SessionTimersConfig sessionTimers(MappingReader r) {
        SessionTimersConfig d = SessionTimersConfig.DEFAULTS;
        Duration expires = duration(r, "expires", d.expires());
        Duration minSe = duration(r, "minSe", d.minSe());
        return r.build(() -> new SessionTimersConfig(expires, minSe));
    }

    private static ListenConfig listen(MappingReader r, Path baseDir) {
        String transport = r.text("transport", "udp");
        String host = r.text("host", "127.0.0.1");
        Integer port = r.integer("port", "5060");
        String certificate = r.text("certificate", "cert.pem", null);
        String key = r.text("key", "key.pem", null);
        return r.build(() -> {
            ListenConfig listen = new ListenConfig(transport, host, port, certificate, key);
            if (certificate != null) {
                PemFiles.credentials("certificate", baseDir.resolve(certificate), "key", baseDir.resolve(key));
            }
            return listen;
        });
    }

    private static TimersConfig timers(MappingReader r) {
        TimersConfig d = TimersConfig.RFC_3261;
        Duration t1 = duration(r, "t1", d.t1());
        Duration t2 = duration(r, "t2", d.t2());
        Duration t4 = duration(r, "t4", d.t4());
        Duration wait = duration(r, "wait", null);
        return r.build(() -> new TimersConfig(t1, t2, t4, wait));
    }

    static Duration duration(MappingReader r, String key, Duration fallback) {
        String text = r.text(key, "500ms", null);
        return text == null ? fallback : r.parsed(key, "500ms, 4s or 2m", GatewayConfigReader::parseDuration,
                "a duration");
    }

    /** Parses {@code 500ms}, {@code 4s}, {@code 2m} or {@code 1h}; null for anything else. */
    static Duration parseDuration(String text) {
        Matcher m = DURATION.matcher(text.trim());
        if (!m.matches()) {
            return null;
        }
        long n = Long.parseLong(m.group(1));
        switch (m.group(2)) {
            case "ms":
                return Duration.ofMillis(n);
            case "s":
                return Duration.ofSeconds(n);
            case "m":
                return Duration.ofMinutes(n);
            case "d":
                return Duration.ofDays(n);
            default:
                return Duration.ofHours(n);
        }
    }

    private static HttpConfig http(MappingReader r) {
        String host = r.text("host", "127.0.0.1");
        Integer port = r.integer("port", "8080");
        var tokens = r.mappings("tokens", "- { name: ops, role: operator, sha256: \"<java -jar gateway.jar hash-token>\" }",
                "name", "token name", GatewayConfigReader::apiToken, List.of());
        var allowedHosts = r.texts("allowedHosts", "[\"admin.example.net:8080\"]", List.of());
        return r.build(() -> new HttpConfig(host, port, tokens, allowedHosts));
    }

    private static ApiTokenConfig apiToken(MappingReader r) {
        String name = r.text("name", "ops");
        String role = r.text("role", "operator or read-only");
        String sha256 = r.text("sha256", "\"<java -jar gateway.jar hash-token>\"");
        return r.build(() -> new ApiTokenConfig(name, role, sha256));
    }

    private static MediaConfig media(MappingReader r) {
        String host = r.text("host", "127.0.0.1");
        Integer portMin = r.integer("portMin", "30000");
        Integer portMax = r.integer("portMax", "39999");
        Duration timeout = duration(r, "timeout", MediaConfig.DEFAULT_TIMEOUT);
        Duration holdTimeout = duration(r, "holdTimeout", MediaConfig.DEFAULT_HOLD_TIMEOUT);
        RelayPoolConfig socketPool = r.mapping("socketPool",
                "{ maxPairs: 4096, prebindPairs: 0, quarantine: 500ms, reserveDescriptors: 1024 }",
                GatewayConfigReader::socketPool, RelayPoolConfig.DEFAULT);
        List<String> moreHosts = r.texts("moreHosts", "[127.0.0.2, 127.0.0.3]", List.of());
        Boolean clientRtcpMux = r.bool("clientRtcpMux", true);
        return r.build(() -> new MediaConfig(host, portMin, portMax, timeout, holdTimeout, socketPool, moreHosts,
                clientRtcpMux));
    }

    private static RelayPoolConfig socketPool(MappingReader r) {
        RelayPoolConfig d = RelayPoolConfig.DEFAULT;
        Integer maxPairs = r.integer("maxPairs", "4096", d.maxPairs());
        Integer prebindPairs = r.integer("prebindPairs", "0", d.prebindPairs());
        Duration quarantine = duration(r, "quarantine", d.quarantine());
        Integer reserve = r.integer("reserveDescriptors", "1024", d.reserveDescriptors());
        return r.build(() -> new RelayPoolConfig(maxPairs, prebindPairs, quarantine, reserve));
    }

    private static TrunkConfig trunk(MappingReader r, Path baseDir) {
        String name = r.text("name", "demo-carrier");
        String host = r.text("host", "127.0.0.1");
        Integer port = r.integer("port", "5080");
        String transport = r.text("transport", "udp");
        var prefixes = r.texts("prefixes", "[\"\"] for every number, or [\"44\", \"49\"]");
        Integer priority = r.integer("priority", "0 (lower is tried first)", 0);
        Integer weight = r.integer("weight", "1 (share among trunks of equal cost and priority)", 1);
        String rates = r.text("rates", "carrier-a-rates.csv", null);
        Integer maxChannels = r.integer("maxChannels", "30 (0 = no limit)", 0);
        Integer callsPerSecond = r.integer("callsPerSecond", "5 (0 = no limit)", 0);
        String numberFormat = r.text("numberFormat", "e164 or digits", TrunkConfig.FORMAT_E164);
        String techPrefix = r.text("techPrefix", "\"0123#\"", "");
        String callerIdMode = r.text("callerIdMode", "from, pai or both", "both");
        String fromUser = r.text("fromUser", "softswitch", null);
        var failoverCodes = r.integers("failoverCodes", "[404, 480]", java.util.List.of());
        Boolean probe = r.bool("probe", true);
        Boolean inbound = r.bool("inbound", false);
        String ca = r.text("ca", "carrier-ca.pem", null);
        String currency = r.text("currency", "USD (the buy deck's currency)", null);
        return r.build(() -> {
            TrunkConfig trunk = new TrunkConfig(name, host, port, transport, prefixes, priority, weight, rates,
                    maxChannels, callsPerSecond, numberFormat, techPrefix, callerIdMode, fromUser, failoverCodes, probe,
                    inbound, ca, currency);
            if (ca != null) {
                PemFiles.certificates("ca", baseDir.resolve(ca));
            }
            return trunk;
        });
    }

    private static RoutingConfig routing(MappingReader r) {
        RoutingConfig d = RoutingConfig.DEFAULTS;
        Integer maxAttempts = r.integer("maxAttempts", "3", d.maxAttempts());
        Duration probeInterval = duration(r, "probeInterval", d.probeInterval());
        Integer probeFailures = r.integer("probeFailures", "3", d.probeFailures());
        var refused = r.texts("refusedNumberTypes", "[TOLL_FREE, PREMIUM_RATE, SHARED_COST, UAN]",
                d.refusedNumberTypes());
        String availabilityFile = r.text("availabilityFile", "availability.yaml", null);
        Duration ringTimeout = duration(r, "ringTimeout", RoutingConfig.DEFAULT_RING_TIMEOUT);
        return r.build(() -> new RoutingConfig(maxAttempts, probeInterval, probeFailures, refused, availabilityFile,
                ringTimeout));
    }

    /** Reads a stand-alone availability file, whose top level is the {@code availability:} section. */
    static AvailabilityConfig readAvailability(YamlNode root, String source) {
        Problems problems = new Problems(source);
        MappingReader r = MappingReader.of(root, "", "countries: [...]", problems);
        AvailabilityConfig config = r == null ? null : availability(r);
        problems.throwIfAny();
        return config;
    }

    private static AvailabilityConfig availability(MappingReader r) {
        ServiceScheduleConfig service = r.mapping("service", "{ salesEnd: 2023-04-01T00:00+09:00,"
                + " callsEnd: 2023-05-31T00:00+09:00 }", GatewayConfigReader::service, ServiceScheduleConfig.NONE);
        var countries = r.mappings("countries", "- { country: ID, inboundOff: 2015-05-09T00:00+09:00 }",
                "country", "country", GatewayConfigReader::country, java.util.List.of());
        return r.build(() -> new AvailabilityConfig(service, countries));
    }

    private static ServiceScheduleConfig service(MappingReader r) {
        Instant salesEnd = instant(r, "salesEnd");
        Instant callsEnd = instant(r, "callsEnd");
        Instant refundsFrom = instant(r, "refundsFrom");
        Instant refundsUntil = instant(r, "refundsUntil");
        return r.build(() -> new ServiceScheduleConfig(salesEnd, callsEnd, refundsFrom, refundsUntil));
    }

    private static CountryRuleConfig country(MappingReader r) {
        String country = r.text("country", "ID");
        String name = r.text("name", "Indonesia", null);
        Instant outboundOff = instant(r, "outboundOff");
        Instant inboundOff = instant(r, "inboundOff");
        Instant salesSuspended = instant(r, "salesSuspended");
        return r.build(() -> new CountryRuleConfig(country, name, outboundOff, inboundOff, salesSuspended));
    }

    static Instant instant(MappingReader r, String key) {
        return r.parsedOrNull(key, "2023-05-31T00:00+09:00", GatewayConfigReader::parseInstant,
                "a date and time with its UTC offset");
    }

    /** Parses an ISO 8601 date-time with offset, e.g. {@code 2023-05-31T00:00+09:00}; null for anything else. */
    static Instant parseInstant(String text) {
        try {
            return OffsetDateTime.parse(text.trim()).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** Parses {@code initial/subsequent} whole seconds, e.g. {@code 60/60}; null for anything else. */
    static int[] parseIncrements(String text) {
        Matcher m = INCREMENTS.matcher(text.trim());
        return m.matches() ? new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))} : null;
    }

    private static CdrConfig cdr(MappingReader r) {
        String file = r.text("file", "./var/cdr/calls.jsonl");
        return r.build(() -> new CdrConfig(file));
    }
}
