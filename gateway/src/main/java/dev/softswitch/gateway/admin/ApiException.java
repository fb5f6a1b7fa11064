package dev.softswitch.gateway.admin;

import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * A request the admin API refuses, with the status and the JSON body {@code {"error": ..., "field": ...}} it
 * answers; {@code field} names the request field at fault (null when no one field is).
 */
public final class ApiException extends RuntimeException {

    private final transient HttpResponseStatus status;
    private final String field;

    public ApiException(HttpResponseStatus status, String message, String field) {
        super(message);
        this.status = status;
        this.field = field;
    }

    /** 400 naming the field and what is wrong with it. */
    public static ApiException badRequest(String field, String message) {
        return new ApiException(HttpResponseStatus.BAD_REQUEST, message, field);
    }

    public static ApiException notFound(String message) {
        return new ApiException(HttpResponseStatus.NOT_FOUND, message, null);
    }

    public static ApiException conflict(String message) {
        return new ApiException(HttpResponseStatus.CONFLICT, message, null);
    }

    public HttpResponseStatus status() {
        return status;
    }

    public String field() {
        return field;
    }
}
