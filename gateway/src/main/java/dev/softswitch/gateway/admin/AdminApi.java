package dev.softswitch.gateway.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The authenticated JSON admin API under {@code /api/v1/} (OPS-2): {@link ApiGuard} admits the caller, the
 * {@link ApiRouter} finds the operation, the operation answers. Every error is JSON
 * {@code {"error": ..., "field": ...}}; a request body over {@link #MAX_BODY_BYTES} is 413.
 */
public final class AdminApi {

    /** Where the API lives. */
    public static final String PREFIX = "/api/v1";
    /** The largest request body the API reads. */
    public static final int MAX_BODY_BYTES = 16 * 1024;

    private static final Logger log = LoggerFactory.getLogger(AdminApi.class);

    private final ApiGuard guard;
    private final ApiRouter router;
    private final ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    /** The body fields each operation documents ("POST /api/v1/accounts" → its properties), from the OpenAPI. */
    private final Map<String, Set<String>> bodyFields;

    public AdminApi(ApiGuard guard, ApiRouter router) {
        this.guard = guard;
        this.router = router;
        this.bodyFields = bodyFields(OperationsRoutes.openApiDocument());
    }

    /** The API of {@code backend}: every operation {@link AdminRoutes} defines. */
    public static AdminApi of(ApiGuard guard, AdminBackend backend) {
        return new AdminApi(guard, AdminRoutes.router(backend));
    }

    public ApiRouter router() {
        return router;
    }

    /** Whether {@code path} is the API's. */
    static boolean owns(String path) {
        return path.equals(PREFIX) || path.startsWith(PREFIX + "/");
    }

    /** Answers {@code request}: status, JSON bytes and extra headers. */
    Answer handle(FullHttpRequest request) {
        try {
            ApiCaller caller = guard.admit(request.method(), request.headers());
            if (request.content().readableBytes() > MAX_BODY_BYTES) {
                throw new ApiException(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "the body is larger than "
                        + MAX_BODY_BYTES + " bytes", "body");
            }
            QueryStringDecoder uri = new QueryStringDecoder(request.uri());
            ApiRouter.Match match = router.match(request.method(), decodedPath(uri.rawPath()));
            ApiRequest apiRequest = new ApiRequest(caller, match.params(), uri.parameters(),
                    ByteBufUtil.getBytes(request.content()), json);
            rejectUnknownFields(match.route(), apiRequest);
            Object body = match.route().handler().handle(apiRequest);
            if (!request.method().name().equals("GET")) {
                log.info("admin API: {} {} by {}", request.method(), uri.path(), caller.name());
            }
            if (body instanceof ApiResponse r) {
                return answer(r.status(), r.body(), Map.of());
            }
            return answer(HttpResponseStatus.OK, body, Map.of());
        } catch (ApiGuard.Unauthorised e) {
            return answer(HttpResponseStatus.UNAUTHORIZED, error(e.getMessage(), "Authorization"),
                    Map.of(HttpHeaderNames.WWW_AUTHENTICATE.toString(), e.challenge()));
        } catch (ApiRouter.MethodNotAllowed e) {
            return answer(HttpResponseStatus.METHOD_NOT_ALLOWED, error(e.getMessage(), null),
                    Map.of(HttpHeaderNames.ALLOW.toString(), e.allow()));
        } catch (ApiException e) {
            return answer(e.status(), error(e.getMessage(), e.field()), Map.of());
        } catch (Exception e) {
            log.error("admin API {} {} failed", request.method(), request.uri(), e);
            return answer(HttpResponseStatus.INTERNAL_SERVER_ERROR, error("internal error: " + e, null), Map.of());
        }
    }

    /** A body field the operation does not document is a 400 naming it, as an unknown configuration key is. */
    private void rejectUnknownFields(ApiRouter.Route route, ApiRequest request) {
        Set<String> known = bodyFields.getOrDefault(route.method().name() + " " + route.template(), Set.of());
        Iterator<String> names = request.body().fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!known.contains(name)) {
                throw ApiException.badRequest(name, "unknown field " + name + (known.isEmpty()
                        ? " (this operation takes no body)" : " (use " + String.join(", ", new TreeSet<>(known)) + ")"));
            }
        }
    }

    private static Map<String, Set<String>> bodyFields(JsonNode doc) {
        Map<String, Set<String>> out = new LinkedHashMap<>();
        doc.path("paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(op -> {
            Set<String> fields = new LinkedHashSet<>();
            op.getValue().at("/requestBody/content/application~1json/schema/properties").fieldNames()
                    .forEachRemaining(fields::add);
            out.put(op.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey(), fields);
        }));
        return out;
    }

    private static String decodedPath(String rawPath) {
        List<String> segments = new ArrayList<>();
        for (String s : rawPath.split("/", -1)) {
            segments.add(QueryStringDecoder.decodeComponent(s, StandardCharsets.UTF_8).replace("/", "%2F"));
        }
        return String.join("/", segments);
    }

    private static Map<String, Object> error(String message, String field) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", message);
        body.put("field", field);
        return body;
    }

    private Answer answer(HttpResponseStatus status, Object body, Map<String, String> headers) {
        try {
            return new Answer(status, json.writeValueAsBytes(body), headers);
        } catch (JsonProcessingException e) {
            log.error("admin API answer cannot be written as JSON", e);
            return new Answer(HttpResponseStatus.INTERNAL_SERVER_ERROR,
                    "{\"error\":\"answer not serialisable\",\"field\":null}".getBytes(StandardCharsets.UTF_8),
                    Map.of());
        }
    }

    /** What the HTTP handler sends. */
    record Answer(HttpResponseStatus status, byte[] json, Map<String, String> headers) {
    }
}
