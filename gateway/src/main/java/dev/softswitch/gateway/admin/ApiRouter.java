package dev.softswitch.gateway.admin;

import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The admin API's routes: a method and a path template with {@code {name}} segments each, matched segment by
 * segment. A path no route has is 404; a path some route has with another method is 405 naming the methods.
 */
public final class ApiRouter {

    /** Answers one request; returns the JSON body (a map, list or record) or an {@link ApiResponse}. */
    @FunctionalInterface
    public interface Handler {
        Object handle(ApiRequest request) throws Exception;
    }

    /** One operation of the API. */
    public record Route(HttpMethod method, String template, Handler handler) {
        List<String> segments() {
            return List.of(template.substring(1).split("/"));
        }
    }

    /** A matched route and the values of its path parameters. */
    record Match(Route route, Map<String, String> params) {
    }

    private final List<Route> routes = new ArrayList<>();

    public ApiRouter add(HttpMethod method, String template, Handler handler) {
        for (Route r : routes) {
            if (r.method().equals(method) && r.template().equals(template)) {
                throw new IllegalArgumentException("route " + method + " " + template + " added twice");
            }
        }
        routes.add(new Route(method, template, handler));
        return this;
    }

    public ApiRouter get(String template, Handler handler) {
        return add(HttpMethod.GET, template, handler);
    }

    public ApiRouter post(String template, Handler handler) {
        return add(HttpMethod.POST, template, handler);
    }

    public ApiRouter delete(String template, Handler handler) {
        return add(HttpMethod.DELETE, template, handler);
    }

    /** Every route, in the order added. */
    public List<Route> routes() {
        return List.copyOf(routes);
    }

    /** The route for {@code method} and {@code path}; throws 404 or 405. */
    Match match(HttpMethod method, String path) {
        List<String> segments = List.of(path.substring(1).split("/", -1));
        Set<String> allowed = new LinkedHashSet<>();
        for (Route r : routes) {
            Map<String, String> params = bind(r.segments(), segments);
            if (params == null) {
                continue;
            }
            if (r.method().equals(method)) {
                return new Match(r, params);
            }
            allowed.add(r.method().name());
        }
        if (allowed.isEmpty()) {
            throw new ApiException(HttpResponseStatus.NOT_FOUND, "no such API path: " + path
                    + " (see GET /api/v1/openapi.json)", null);
        }
        throw new MethodNotAllowed(method + " is not allowed on " + path + ": use " + String.join(", ", allowed),
                String.join(", ", allowed));
    }

    private static Map<String, String> bind(List<String> template, List<String> path) {
        if (template.size() != path.size()) {
            return null;
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 0; i < template.size(); i++) {
            String t = template.get(i);
            String p = path.get(i);
            if (t.startsWith("{") && t.endsWith("}")) {
                if (p.isEmpty()) {
                    return null;
                }
                params.put(t.substring(1, t.length() - 1), p);
            } else if (!t.equals(p)) {
                return null;
            }
        }
        return params;
    }

    /** A 405 with its {@code Allow} header. */
    static final class MethodNotAllowed extends RuntimeException {
        private final String allow;

        MethodNotAllowed(String message, String allow) {
            super(message);
            this.allow = allow;
        }

        String allow() {
            return allow;
        }
    }
}
