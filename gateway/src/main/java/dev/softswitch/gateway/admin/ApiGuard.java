package dev.softswitch.gateway.admin;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Decides who may use the admin API, in order: the {@code Host} header must name this server (a DNS-rebinding
 * page names its own host) and a browser's {@code Origin}, when sent, must be this server too, else 403;
 * a valid bearer token (RFC 6750 §2.1), else 401 with {@code WWW-Authenticate: Bearer}; a read-only token may
 * only GET, else 403.
 */
public final class ApiGuard {

    static final String REALM = "Bearer realm=\"softswitch-admin\"";

    private final ApiTokens tokens;
    private final Set<String> allowedHosts;

    /** @param allowedHosts {@code host:port} values the {@code Host} header may carry, any case */
    public ApiGuard(ApiTokens tokens, List<String> allowedHosts) {
        this.tokens = tokens;
        this.allowedHosts = new LinkedHashSet<>();
        allowedHosts.forEach(h -> this.allowedHosts.add(h.toLowerCase(Locale.ROOT)));
    }

    /** The default allowed hosts of a server bound to {@code host:port}: that and its loopback forms. */
    public static List<String> defaultHosts(String host, int port) {
        Set<String> hosts = new LinkedHashSet<>();
        hosts.add(host + ":" + port);
        hosts.add("localhost:" + port);
        hosts.add("127.0.0.1:" + port);
        hosts.add("[::1]:" + port);
        return List.copyOf(hosts);
    }

    /** The caller of a request with {@code headers}; throws the 401 or 403 to answer otherwise. */
    ApiCaller admit(HttpMethod method, HttpHeaders headers) {
        String host = headers.get(HttpHeaderNames.HOST);
        if (host == null || !allowedHosts.contains(host.toLowerCase(Locale.ROOT))) {
            throw new ApiException(HttpResponseStatus.FORBIDDEN, "Host " + (host == null ? "(none)" : "'" + host + "'")
                    + " is not this server (allowed: " + String.join(", ", allowedHosts) + "; see http.allowedHosts)",
                    "Host");
        }
        String origin = headers.get(HttpHeaderNames.ORIGIN);
        if (origin != null && !originAllowed(origin)) {
            throw new ApiException(HttpResponseStatus.FORBIDDEN, "Origin '" + origin
                    + "' may not use the admin API (browser pages of other sites are refused)", "Origin");
        }
        String authorization = headers.get(HttpHeaderNames.AUTHORIZATION);
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new Unauthorised("missing bearer token: send Authorization: Bearer <token>", REALM);
        }
        ApiCaller caller = tokens.authenticate(authorization.substring(7).trim()).orElseThrow(
                () -> new Unauthorised("invalid token", REALM + ", error=\"invalid_token\""));
        if (caller.role() == ApiRole.READ_ONLY && !HttpMethod.GET.equals(method)) {
            throw new ApiException(HttpResponseStatus.FORBIDDEN, "token '" + caller.name()
                    + "' is read-only: " + method + " needs an operator token", "Authorization");
        }
        return caller;
    }

    private boolean originAllowed(String origin) {
        String o = origin.toLowerCase(Locale.ROOT);
        for (String host : allowedHosts) {
            if (o.equals("http://" + host) || o.equals("https://" + host)) {
                return true;
            }
        }
        return false;
    }

    /** A 401 with its {@code WWW-Authenticate} challenge. */
    static final class Unauthorised extends RuntimeException {
        private final String challenge;

        Unauthorised(String message, String challenge) {
            super(message);
            this.challenge = challenge;
        }

        String challenge() {
            return challenge;
        }
    }
}
