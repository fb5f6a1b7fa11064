package dev.softswitch.gateway.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One authenticated admin API request: who sent it, its path parameters, query and JSON body. Every accessor
 * of a required value throws a 400 {@link ApiException} naming the field when it is missing or malformed, so
 * that a handler reads all its input before it changes anything.
 */
public final class ApiRequest {

    private final ApiCaller caller;
    private final Map<String, String> pathParams;
    private final Map<String, List<String>> query;
    private final byte[] body;
    private final ObjectMapper json;
    private JsonNode parsed;

    ApiRequest(ApiCaller caller, Map<String, String> pathParams, Map<String, List<String>> query, byte[] body,
               ObjectMapper json) {
        this.caller = caller;
        this.pathParams = pathParams;
        this.query = query;
        this.body = body;
        this.json = json;
    }

    public ApiCaller caller() {
        return caller;
    }

    /** A path parameter, e.g. {@code id} of {@code /accounts/{id}}. */
    public String path(String name) {
        String v = pathParams.get(name);
        if (v == null) {
            throw new IllegalStateException("route has no path parameter " + name);
        }
        return v;
    }

    /** A required query parameter. */
    public String query(String name) {
        return optionalQuery(name).orElseThrow(() -> ApiException.badRequest(name, "query parameter " + name
                + " is required"));
    }

    public Optional<String> optionalQuery(String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() || values.get(0).isBlank() ? Optional.empty()
                : Optional.of(values.get(0));
    }

    /** A required, non-blank string field of the JSON body. */
    public String text(String field) {
        return optionalText(field).orElseThrow(() -> ApiException.badRequest(field, field + " is required"));
    }

    public Optional<String> optionalText(String field) {
        JsonNode v = body().get(field);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (!v.isTextual()) {
            throw ApiException.badRequest(field, field + " must be a string");
        }
        if (v.asText().isBlank()) {
            throw ApiException.badRequest(field, field + " must not be blank");
        }
        return Optional.of(v.asText());
    }

    /** An optional whole-number field. */
    public Optional<Long> optionalLong(String field) {
        JsonNode v = body().get(field);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw ApiException.badRequest(field, field + " must be a whole number");
        }
        return Optional.of(v.asLong());
    }

    /** An optional boolean field, {@code fallback} when absent. */
    public boolean bool(String field, boolean fallback) {
        JsonNode v = body().get(field);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isBoolean()) {
            throw ApiException.badRequest(field, field + " must be true or false");
        }
        return v.asBoolean();
    }

    /** The body as a JSON object (an empty body reads as {@code {}}). */
    JsonNode body() {
        if (parsed == null) {
            if (body.length == 0) {
                parsed = json.createObjectNode();
            } else {
                try {
                    parsed = json.readTree(body);
                } catch (IOException e) {
                    throw ApiException.badRequest("body", "the body is not JSON: " + e.getMessage());
                }
                if (parsed == null || !parsed.isObject()) {
                    throw ApiException.badRequest("body", "the body must be a JSON object");
                }
            }
        }
        return parsed;
    }
}
