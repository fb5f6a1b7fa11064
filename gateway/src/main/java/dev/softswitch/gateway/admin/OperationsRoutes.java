package dev.softswitch.gateway.admin;

import dev.softswitch.charging.account.AccountAdministration;
import dev.softswitch.charging.account.Refund;
import dev.softswitch.charging.account.RefundReportWriter;
import dev.softswitch.charging.session.ChargingEngine;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.softswitch.gateway.config.ConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The gateway operations of the admin API (OPS-2): live calls and hanging one up, trunk state and draining,
 * service closure with its refund report (ACC-3), reload (OPS-3) and the OpenAPI document itself.
 */
final class OperationsRoutes {

    /** The OpenAPI 3.1 document on the class path. */
    static final String OPENAPI_RESOURCE = "/admin/openapi.json";

    private final AdminBackend backend;
    private final ChargingEngine engine;
    private final AccountAdministration administration;
    private final JsonNode openApi;

    OperationsRoutes(AdminBackend backend) {
        this.backend = backend;
        this.engine = backend.charging();
        this.administration = engine.accounts().administration();
        this.openApi = openApiDocument();
    }

    void addTo(ApiRouter router) {
        router.get("/api/v1/openapi.json", r -> openApi)
                .get("/api/v1/calls", r -> Map.of("calls", backend.liveCalls().stream().map(OperationsRoutes::call)
                        .toList()))
                .delete("/api/v1/calls/{callId}", this::hangUp)
                .get("/api/v1/trunks", r -> Map.of("trunks", backend.trunks()))
                .post("/api/v1/trunks/{name}/drain", r -> drain(r, true))
                .post("/api/v1/trunks/{name}/undrain", r -> drain(r, false))
                .post("/api/v1/closure", this::close)
                .post("/api/v1/reload", this::reload);
    }

    private static Map<String, Object> call(AdminBackend.LiveCallView c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("callId", c.callId());
        m.put("account", c.account());
        m.put("callee", c.callee());
        m.put("state", c.state());
        m.put("startedAt", AccountViews.instant(c.startedAt()));
        m.put("answeredAt", AccountViews.instant(c.answeredAt()));
        m.put("trunk", c.trunk());
        return m;
    }

    private Object hangUp(ApiRequest r) throws Exception {
        String callId = r.path("callId");
        if (!backend.hangUp(callId)) {
            throw ApiException.notFound("no live call '" + callId + "' (see GET /api/v1/calls)");
        }
        administration.audit("", r.caller().name(), "hang-up", callId);
        return Map.of("callId", callId, "hungUp", true);
    }

    private Object drain(ApiRequest r, boolean drained) {
        String name = r.path("name");
        if (!backend.drain(name, drained)) {
            throw ApiException.notFound("no trunk '" + name + "' (see GET /api/v1/trunks)");
        }
        administration.audit("", r.caller().name(), drained ? AdminBackend.DRAIN_ACTION : AdminBackend.UNDRAIN_ACTION, name);
        return backend.trunks().stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow();
    }

    private Object close(ApiRequest r) throws IOException {
        String text = r.text("serviceEnd");
        Instant serviceEnd;
        try {
            serviceEnd = Instant.parse(text);
        } catch (DateTimeException e) {
            throw ApiException.badRequest("serviceEnd", "serviceEnd must be an ISO-8601 instant,"
                    + " e.g. 2026-03-31T15:00:00Z");
        }
        Instant now = engine.clock().instant();
        if (serviceEnd.isAfter(now)) {
            throw ApiException.conflict("serviceEnd " + serviceEnd + " is still to come: closing refunds the credit"
                    + " and hands back the reservations of calls that could still be made; close at or after it");
        }
        Instant callsEnd = backend.callsEnd();
        if (!callsEnd.equals(Instant.MAX) && serviceEnd.isBefore(callsEnd)) { // none scheduled: the operator decides
            throw ApiException.conflict("calls run until " + callsEnd + " (availability.service.callsEnd); close"
                    + " with a serviceEnd at or after it");
        }
        List<Refund> refunds = engine.accounts().operatorActions().closeService(serviceEnd);
        administration.audit("", r.caller().name(), "close-service", "service end " + serviceEnd);
        StringWriter csv = new StringWriter();
        RefundReportWriter.write(csv, refunds, serviceEnd);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("serviceEnd", serviceEnd.toString());
        out.put("refunds", refunds.stream().map(f -> Map.of("account", f.accountId(), "currency",
                f.amount().currency(), "refund", AccountViews.amount(f.amount()), "lots", f.lots())).toList());
        out.put("report", csv.toString());
        return out;
    }

    private Object reload(ApiRequest r) throws Exception {
        AdminBackend.ReloadReport report;
        try {
            report = backend.reload();
        } catch (ConfigException e) {
            throw ApiException.badRequest("configuration", "the new configuration is refused, the running one"
                    + " stays: " + e.getMessage());
        }
        administration.audit("", r.caller().name(), "reload", report.summary());
        return report;
    }

    /** The OpenAPI document this API serves. */
    static JsonNode openApiDocument() {
        try (InputStream in = OperationsRoutes.class.getResourceAsStream(OPENAPI_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(OPENAPI_RESOURCE + " is missing from the class path");
            }
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
