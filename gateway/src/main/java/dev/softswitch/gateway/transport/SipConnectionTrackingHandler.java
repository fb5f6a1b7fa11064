package dev.softswitch.gateway.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/** Keeps a stream connection in the {@link SipConnectionRegistry} while it is open. */
public final class SipConnectionTrackingHandler extends ChannelInboundHandlerAdapter {

    private final SipConnectionRegistry registry;

    public SipConnectionTrackingHandler(SipConnectionRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        registry.register(ctx.channel());
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        registry.unregister(ctx.channel());
        ctx.fireChannelInactive();
    }
}
