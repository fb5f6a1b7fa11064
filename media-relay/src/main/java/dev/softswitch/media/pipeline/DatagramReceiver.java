package dev.softswitch.media.pipeline;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.net.InetSocketAddress;

/** What a relay socket hands each datagram it receives to: a session's forwarding stage. Called on the socket's event loop. */
public interface DatagramReceiver {

    /**
     * One datagram from {@code sender}. {@code content} stays the caller's, who releases it after this returns;
     * retain it to keep it. {@code alloc} allocates any new buffer.
     */
    void receive(ByteBufAllocator alloc, ByteBuf content, InetSocketAddress sender);
}
