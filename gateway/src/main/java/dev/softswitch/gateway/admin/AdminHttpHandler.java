package dev.softswitch.gateway.admin;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers one aggregated admin request: {@code /metrics} and {@code /health} for GET, open to all (OPS-1);
 * the authenticated admin API under {@code /api/v1/} through {@link AdminApi} (OPS-2); 405 with {@code Allow}
 * for other methods, 404 for other paths, 400 for a request the codec could not decode.
 */
@Sharable
public final class AdminHttpHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final Logger log = LoggerFactory.getLogger(AdminHttpHandler.class);

    /** The Prometheus text exposition format, version 0.0.4. */
    public static final String PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private static final String JSON = "application/json; charset=utf-8";
    private static final String TEXT = "text/plain; charset=utf-8";

    private final PrometheusMeterRegistry registry;
    private final AdminApi api;

    public AdminHttpHandler(PrometheusMeterRegistry registry) {
        this(registry, null);
    }

    /** A handler that also serves {@code api} (null: none, {@code /api/v1/} is 404). */
    public AdminHttpHandler(PrometheusMeterRegistry registry, AdminApi api) {
        this.registry = registry;
        this.api = api;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (!request.decoderResult().isSuccess()) {
            respond(ctx, request, HttpResponseStatus.BAD_REQUEST, TEXT, "malformed HTTP request\n", true);
            return;
        }
        String path = new QueryStringDecoder(request.uri()).path();
        if (api != null && AdminApi.owns(path)) {
            AdminApi.Answer answer = api.handle(request);
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, answer.status(),
                    Unpooled.wrappedBuffer(answer.json()));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, JSON);
            response.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
            answer.headers().forEach((k, v) -> response.headers().set(k, v));
            HttpUtil.setContentLength(response, response.content().readableBytes());
            send(ctx, request, response, false);
            return;
        }
        if (!path.equals("/metrics") && !path.equals("/health")) {
            respond(ctx, request, HttpResponseStatus.NOT_FOUND, TEXT,
                    "not found: use /metrics, /health or the API under /api/v1/ (GET /api/v1/openapi.json)\n", false);
            return;
        }
        if (!request.method().equals(HttpMethod.GET)) {
            FullHttpResponse response = response(HttpResponseStatus.METHOD_NOT_ALLOWED, TEXT,
                    request.method() + " is not allowed: use GET\n");
            response.headers().set(HttpHeaderNames.ALLOW, HttpMethod.GET.name());
            send(ctx, request, response, false);
            return;
        }
        if (path.equals("/metrics")) {
            respond(ctx, request, HttpResponseStatus.OK, PROMETHEUS_CONTENT_TYPE, registry.scrape(), false);
        } else {
            respond(ctx, request, HttpResponseStatus.OK, JSON, "{\"status\":\"up\"}", false);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.warn("Admin HTTP connection from {} failed; closing it", ctx.channel().remoteAddress(), cause);
        ctx.close();
    }
    private static void respond(ChannelHandlerContext ctx, FullHttpRequest request, HttpResponseStatus status,
                                String contentType, String body, boolean close) {
        send(ctx, request, response(status, contentType, body), close);
    }

    private static FullHttpResponse response(HttpResponseStatus status, String contentType, String body) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        HttpUtil.setContentLength(response, response.content().readableBytes());
        return response;
    }

    private static void send(ChannelHandlerContext ctx, FullHttpRequest request, FullHttpResponse response,
                             boolean close) {
        if (close) {
            HttpUtil.setKeepAlive(response, false);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        } else {
            HttpUtil.setKeepAlive(response, HttpUtil.isKeepAlive(request));
            ctx.writeAndFlush(response);
        }
    }
}
