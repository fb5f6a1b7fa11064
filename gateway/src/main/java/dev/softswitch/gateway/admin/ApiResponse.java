package dev.softswitch.gateway.admin;

import io.netty.handler.codec.http.HttpResponseStatus;

/** A handler's answer when it is not 200: a status with its JSON body (e.g. 201 for a created account). */
public record ApiResponse(HttpResponseStatus status, Object body) {

    public static ApiResponse created(Object body) {
        return new ApiResponse(HttpResponseStatus.CREATED, body);
    }
}
