package dev.softswitch.gateway.admin;

import dev.softswitch.gateway.config.ConfigException;
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
 * Answers one aggregated admin request: {@code /metrics} and {@code /health} for GET,
 * {@code /reload} for POST (200 with a summary, 400 naming every bad line of a refused file),
 * 405 with {@code Allow} for other methods, 404 for other paths, 400 for a request the codec could
 * not decode.
 */
@Sharable
public final class AdminHttpHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    /** The Prometheus text exposition format, version 0.0.4. */
    public static final String PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private static final Logger log = LoggerFactory.getLogger(AdminHttpHandler.class);
    private static final String JSON = "application/json; charset=utf-8";
    private static final String TEXT = "text/plain; charset=utf-8";

    private final PrometheusMeterRegistry registry;
    private final ReloadAction reload;

    public AdminHttpHandler(PrometheusMeterRegistry registry) {
        this(registry, ReloadAction.NONE);
    }

    public AdminHttpHandler(PrometheusMeterRegistry registry, ReloadAction reload) {
        this.registry = registry;
        this.reload = reload;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (!request.decoderResult().isSuccess()) {
            respond(ctx, request, HttpResponseStatus.BAD_REQUEST, TEXT, "malformed HTTP request\n", true);
            return;
        }
        String path = new QueryStringDecoder(request.uri()).path();
        if (path.equals("/reload")) {
            reload(ctx, request);
            return;
        }
        if (!path.equals("/metrics") && !path.equals("/health")) {
            respond(ctx, request, HttpResponseStatus.NOT_FOUND, TEXT,
                    "not found: use /metrics, /health or POST /reload\n", false);
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

    private void reload(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (!request.method().equals(HttpMethod.POST)) {
            FullHttpResponse response = response(HttpResponseStatus.METHOD_NOT_ALLOWED, TEXT,
                    request.method() + " is not allowed: use POST\n");
            response.headers().set(HttpHeaderNames.ALLOW, HttpMethod.POST.name());
            send(ctx, request, response, false);
            return;
        }
        try {
            String summary = reload.reload();
            respond(ctx, request, HttpResponseStatus.OK, JSON, "{\"reloaded\":true,\"summary\":" + quote(summary) + "}",
                    false);
        } catch (ConfigException e) {
            respond(ctx, request, HttpResponseStatus.BAD_REQUEST, JSON,
                    "{\"reloaded\":false,\"error\":" + quote(e.getMessage()) + "}", false);
        } catch (UnsupportedOperationException e) {
            respond(ctx, request, HttpResponseStatus.NOT_FOUND, TEXT, e.getMessage() + "\n", false);
        } catch (Exception e) {
            log.error("reload failed", e);
            respond(ctx, request, HttpResponseStatus.INTERNAL_SERVER_ERROR, JSON,
                    "{\"reloaded\":false,\"error\":" + quote(String.valueOf(e.getMessage())) + "}", false);
        }
    }

    private static String quote(String text) {
        StringBuilder out = new StringBuilder(text.length() + 2).append('"');
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
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
