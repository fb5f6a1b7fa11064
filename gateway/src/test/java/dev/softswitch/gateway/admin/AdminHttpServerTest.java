package dev.softswitch.gateway.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AdminHttpServerTest {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private AdminHttpServer server;

    @BeforeEach
    void start() {
        server = new AdminHttpServer("127.0.0.1", 0, registry).start();
    }

    @AfterEach
    void stop() {
        server.close();
        registry.close();
    }

    @Test
    void metricsServesTheRegistryInPrometheusTextFormat() throws Exception {
        Counter.builder("softswitch.test.calls").tag("cause", "normal").register(registry).increment(3);

        HttpResponse<String> r = get("/metrics");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
        assertThat(r.body()).contains("softswitch_test_calls_total{cause=\"normal\"} 3.0");
    }

    @Test
    void healthIsUp() throws Exception {
        HttpResponse<String> r = get("/health");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValue("application/json; charset=utf-8");
        assertThat(r.body()).isEqualTo("{\"status\":\"up\"}");
    }

    @Test
    void queryStringIsIgnored() throws Exception {
        assertThat(get("/health?verbose=1").statusCode()).isEqualTo(200);
    }

    @Test
    void unknownPathIsNotFound() throws Exception {
        assertThat(get("/accounts").statusCode()).isEqualTo(404);
    }

    @Test
    void otherMethodIsNotAllowedAndSaysWhichIs() throws Exception {
        HttpResponse<String> r = send(request("/metrics").POST(HttpRequest.BodyPublishers.ofString("x")));

        assertThat(r.statusCode()).isEqualTo(405);
        assertThat(r.headers().firstValue("allow")).hasValue("GET");
    }

    @Test
    void closeReleasesThePortAndIsIdempotent() throws Exception {
        int port = server.localAddress().getPort();
        server.close();
        server.close();

        try (AdminHttpServer again = new AdminHttpServer("127.0.0.1", port, registry).start()) {
            assertThat(again.localAddress().getPort()).isEqualTo(port);
        }
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return send(request(path).GET());
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.localAddress().getPort() + path))
                .timeout(Duration.ofSeconds(5));
    }

    private HttpResponse<String> send(HttpRequest.Builder builder) throws IOException, InterruptedException {
        return client.send(builder.build(), HttpResponse.BodyHandlers.ofString());
    }
}
