package dev.softswitch.gateway.admin;

import static dev.softswitch.gateway.admin.AdminApiFixture.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The OpenAPI 3.1 document ({@code GET /api/v1/openapi.json}) and the implementation agree: every route the
 * router serves is documented and every documented operation is served; every documented required field
 * (body or query) gets 400 naming it when it is missing.
 */
class OpenApiContractTest {

    private static final Map<String, String> PATH_VALUES = Map.of("{id}", "alice", "{callId}", "call-1",
            "{name}", "carrier-a");

    private final AdminApiFixture api = new AdminApiFixture();

    @AfterEach
    void close() {
        api.close();
    }

    @Test
    void theDocumentIsServedAsOpenApi31() throws Exception {
        HttpResponse<String> r = api.get("/api/v1/openapi.json");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(json(r).get("openapi").asText()).isEqualTo("3.1.0");
        assertThat(json(r).at("/components/securitySchemes/bearer/scheme").asText()).isEqualTo("bearer");
    }

    @Test
    void everyServedRouteIsDocumentedAndEveryDocumentedOperationIsServed() {
        Set<String> served = new TreeSet<>();
        for (ApiRouter.Route route : AdminRoutes.router(api.backend).routes()) {
            served.add(route.method().name() + " " + route.template());
        }

        assertThat(documented()).isEqualTo(served);
    }

    @Test
    void everyDocumentedRequiredFieldWhenMissingIs400NamingIt() throws Exception {
        JsonNode doc = OperationsRoutes.openApiDocument();
        List<String> checked = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = doc.get("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            for (Iterator<Map.Entry<String, JsonNode>> ops = path.getValue().fields(); ops.hasNext(); ) {
                Map.Entry<String, JsonNode> op = ops.next();
                String method = op.getKey().toUpperCase();
                String target = concrete(path.getKey());
                JsonNode content = op.getValue().at("/requestBody/content/application~1json");
                if (!content.isMissingNode()) {
                    ObjectNode example = (ObjectNode) content.get("example");
                    assertThat(example).as("%s %s documents an example body", method, path.getKey()).isNotNull();
                    for (JsonNode required : content.at("/schema/required")) {
                        ObjectNode without = example.deepCopy();
                        without.remove(required.asText());
                        HttpResponse<String> r = api.send(method, target, AdminApiFixture.OPERATOR_TOKEN,
                                without.toString(), Map.of());
                        assertThat(r.statusCode()).as("%s %s without %s: %s", method, target, required, r.body())
                                .isEqualTo(400);
                        assertThat(json(r).get("field").asText()).isEqualTo(required.asText());
                        checked.add(method + " " + path.getKey() + " " + required.asText());
                    }
                }
                for (JsonNode p : op.getValue().path("parameters")) {
                    if (p.get("in").asText().equals("query") && p.get("required").asBoolean()) {
                        HttpResponse<String> r = api.send(method, target, AdminApiFixture.OPERATOR_TOKEN, null,
                                Map.of());
                        assertThat(r.statusCode()).as("%s %s without %s", method, target, p.get("name")).isEqualTo(400);
                        assertThat(json(r).get("field").asText()).isEqualTo(p.get("name").asText());
                        checked.add(method + " " + path.getKey() + " ?" + p.get("name").asText());
                    }
                }
            }
        }
        assertThat(checked).contains("POST /api/v1/accounts password", "GET /api/v1/accounts/{id}/rate ?number");
    }

    private static Set<String> documented() {
        Set<String> out = new TreeSet<>();
        JsonNode doc = OperationsRoutes.openApiDocument();
        doc.get("paths").fields().forEachRemaining(path -> path.getValue().fieldNames()
                .forEachRemaining(method -> out.add(method.toUpperCase() + " " + path.getKey())));
        return out;
    }

    private static String concrete(String template) {
        String out = template;
        for (Map.Entry<String, String> e : PATH_VALUES.entrySet()) {
            out = out.replace(e.getKey(), e.getValue());
        }
        return out;
    }
}
