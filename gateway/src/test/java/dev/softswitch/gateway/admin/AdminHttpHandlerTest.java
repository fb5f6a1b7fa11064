package dev.softswitch.gateway.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.DecoderResult;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class AdminHttpHandlerTest {

    private final EmbeddedChannel channel =
            new EmbeddedChannel(new AdminHttpHandler(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)));

    @Test
    void deleteOnHealthIs405WithAllowGet() {
        FullHttpResponse response = exchange(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.DELETE, "/health"));

        assertThat(response.status()).isEqualTo(HttpResponseStatus.METHOD_NOT_ALLOWED);
        assertThat(response.headers().get(HttpHeaderNames.ALLOW)).isEqualTo("GET");
        response.release();
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void unknownPathIs404WhateverTheMethod() {
        FullHttpResponse response = exchange(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.PUT, "/nope"));

        assertThat(response.status()).isEqualTo(HttpResponseStatus.NOT_FOUND);
        response.release();
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void undecodableRequestIs400AndClosesTheConnection() {
        DefaultFullHttpRequest bad = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/health");
        bad.setDecoderResult(DecoderResult.failure(new IllegalArgumentException("bad header")));

        FullHttpResponse response = exchange(bad);

        assertThat(response.status()).isEqualTo(HttpResponseStatus.BAD_REQUEST);
        assertThat(response.content().toString(StandardCharsets.UTF_8)).isEqualTo("malformed HTTP request\n");
        assertThat(channel.isOpen()).isFalse();
        response.release();
        assertFalse(channel.finishAndReleaseAll());
    }

    private FullHttpResponse exchange(DefaultFullHttpRequest request) {
        channel.writeInbound(request);
        return channel.readOutbound();
    }
}
