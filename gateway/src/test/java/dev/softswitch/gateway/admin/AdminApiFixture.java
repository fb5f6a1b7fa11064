package dev.softswitch.gateway.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.softswitch.charging.account.MonthlyPackage;
import dev.softswitch.charging.account.PlanProduct;
import dev.softswitch.charging.account.JournalledAccountStore;
import dev.softswitch.charging.journal.NoJournal;
import dev.softswitch.charging.money.Money;
import dev.softswitch.charging.product.Product;
import dev.softswitch.charging.product.ProductCatalog;
import dev.softswitch.charging.session.Authorisation;
import dev.softswitch.charging.session.ChargingEngine;
import dev.softswitch.charging.session.ChargingSession;
import dev.softswitch.charging.tariff.Rate;
import dev.softswitch.charging.tariff.RateSchedule;
import dev.softswitch.charging.tariff.RateTable;
import dev.softswitch.charging.tariff.Tax;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Map;

/**
 * A real {@link AdminHttpServer} on port 0 serving the admin API over an in-memory charging engine and a
 * scripted {@link AdminBackend}: products {@code line-out} (a plan, a package) and {@code coin-wallet}, an
 * operator token, a read-only token, account {@code alice} on line-out with 10 USD and
 * one settled call {@code call-1}, one live call, trunk {@code carrier-a}.
 */
final class AdminApiFixture implements AutoCloseable {

    static final String OPERATOR_TOKEN = "operator-token-0123456789";
    static final String VIEWER_TOKEN = "viewer-token-0123456789";
    static final Instant NOW = Instant.parse("2026-01-10T10:00:00Z");
    static final ObjectMapper JSON = new ObjectMapper();

    final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    final JournalledAccountStore store = new JournalledAccountStore(new NoJournal(), clock);
    static final RateSchedule SELL = RateSchedule.of(RateTable.of("test", List.of(
            new Rate("44", "United Kingdom", Money.parse("0.06", "USD"), Money.zero("USD"), 60, 60))));
    static final Product LINE_OUT = new Product("line-out", "USD", Tax.NONE, SELL, ZoneOffset.UTC, "", null, null,
            null, List.of(PlanProduct.thirtyDays("UK 100", List.of("44"), 100, Money.parse("5", "USD"))),
            List.of(new MonthlyPackage("UK 60", 60, List.of("44"))));
    static final Product COINS = new Product("coin-wallet", "USD", Tax.NONE, SELL, ZoneOffset.UTC, "", null,
            Money.parse("0.01", "USD"), null, List.of(), List.of());
    final ChargingEngine engine = new ChargingEngine(store, ProductCatalog.of(List.of(LINE_OUT, COINS)), clock,
            ChargingEngine.DEFAULT_RESERVATION_TTL);
    final ScriptedBackend backend = new ScriptedBackend();
    final AdminHttpServer server;
    final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    AdminApiFixture() {
        this(null);
    }

    /** @param allowedHosts null for the server's default hosts */
    AdminApiFixture(List<String> allowedHosts) {
        engine.openAccount("alice", "line-out", null);
        engine.purchaseCredit("alice", Money.parse("10", "USD"), "opening");
        ChargingSession s = ((Authorisation.Granted) engine.authorise("call-1", "alice", "447700900123")).session();
        s.start(NOW.minusSeconds(100));
        s.end(NOW.minusSeconds(70));
        ApiTokens tokens = new ApiTokens(List.of(
                new ApiTokens.Token("ops", ApiRole.OPERATOR, ApiTokens.hash(OPERATOR_TOKEN)),
                new ApiTokens.Token("viewer", ApiRole.READ_ONLY, ApiTokens.hash(VIEWER_TOKEN))));
        AdminHttpServer started = null;
        int port = 0;
        if (allowedHosts == null) {
            // the default hosts name the bound port, known once bound: bind, read it, bind again there
            try (AdminHttpServer probe = new AdminHttpServer("127.0.0.1", 0, registry).start()) {
                port = probe.localAddress().getPort();
            }
            allowedHosts = ApiGuard.defaultHosts("127.0.0.1", port);
        }
        started = new AdminHttpServer("127.0.0.1", port, registry,
                AdminApi.of(new ApiGuard(tokens, allowedHosts), backend)).start();
        this.server = started;
    }

    String base() {
        return "http://127.0.0.1:" + server.localAddress().getPort();
    }

    HttpResponse<String> send(String method, String path, String token, String body, Map<String, String> headers)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        headers.forEach(b::header);
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String path) throws Exception {
        return send("GET", path, OPERATOR_TOKEN, null, Map.of());
    }

    HttpResponse<String> post(String path, String body) throws Exception {
        return send("POST", path, OPERATOR_TOKEN, body, Map.of());
    }

    static JsonNode json(HttpResponse<String> r) throws Exception {
        return JSON.readTree(r.body());
    }

    @Override
    public void close() {
        server.close();
        registry.close();
    }

    /** The gateway side, scripted. */
    final class ScriptedBackend implements AdminBackend {
        int subscriberChanges;
        final List<String> hungUp = new ArrayList<>();
        final List<String> forgotten = new ArrayList<>();
        boolean drained;
        Instant callsEnd = Instant.MAX;

        @Override
        public ChargingEngine charging() {
            return engine;
        }

        @Override
        public void openAccount(String id, String product, ZoneId zone) {
            engine.openAccount(id, product, zone);
        }

        @Override
        public Map<String, String> passwordHashes(String accountId, String password) {
            return Map.of("MD5", "md5-of-" + accountId, "SHA-256", "sha256-of-" + accountId);
        }

        @Override
        public int forget(String accountId) {
            forgotten.add(accountId);
            return 1;
        }

        @Override
        public void subscribersChanged() {
            subscriberChanges++;
        }

        @Override
        public Identity identity(String accountId) {
            // alice is configured with a number, as accounts of the configuration file are
            return "alice".equals(accountId) ? new Identity("+447400000001", "GB") : new Identity(null, null);
        }

        @Override
        public Optional<String> salesRefusal(String accountId) {
            return Optional.empty();
        }

        @Override
        public Instant callsEnd() {
            return callsEnd;
        }

        @Override
        public Dialled dial(String accountId, String number) {
            if (number.startsWith("+800")) {
                return new Dialled(number.substring(1), "TOLL_FREE", "001", "Toll-Free Numbers Not Supported", 403);
            }
            return new Dialled(number.substring(1), "MOBILE", "GB", null, null);
        }

        @Override
        public List<LiveCallView> liveCalls() {
            return List.of(new LiveCallView("live-1", "alice", "+447700900123", "CONFIRMED", NOW.minusSeconds(5),
                    NOW.minusSeconds(3), "carrier-a"));
        }

        @Override
        public boolean hangUp(String callId) {
            hungUp.add(callId);
            return callId.equals("live-1");
        }

        @Override
        public List<TrunkView> trunks() {
            return List.of(new TrunkView("carrier-a", "127.0.0.1", 5080, "udp", true, drained, 1, 30));
        }

        @Override
        public boolean drain(String name, boolean on) {
            if (!name.equals("carrier-a")) {
                return false;
            }
            drained = on;
            return true;
        }

        @Override
        public ReloadReport reload() {
            return new ReloadReport(List.of("trunks"), List.of("sip"), "reloaded trunks; NOT reloaded: sip");
        }
    }
}
