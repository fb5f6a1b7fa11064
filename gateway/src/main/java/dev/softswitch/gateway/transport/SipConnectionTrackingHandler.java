package dev.softswitch.gateway.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/** Keeps a stream connection in the {@link SipConnectionRegistry} while it is open. */
public final class SipConnectionTrackingHandler extends ChannelInboundHandlerAdapter {

    private final SipConnectionRegistry registry;
    private final TransportType transport;

    public SipConnectionTrackingHandler(SipConnectionRegistry registry, TransportType transport) {
        this.registry = registry;
        this.transport = transport;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        registry.register(ctx.channel(), transport);
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        registry.unregister(ctx.channel(), transport);
        ctx.fireChannelInactive();
    }
}
