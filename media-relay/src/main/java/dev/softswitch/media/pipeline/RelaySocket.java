package dev.softswitch.media.pipeline;

import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;

/** A relay socket as the forwarding stage sends out of it; used on the socket's event loop. */
public interface RelaySocket {

    /** Whether a packet handed to {@link #send} now can leave: the socket is open and has room. */
    boolean canSend();

    /** Sends {@code packet}'s readable bytes to {@code target}; takes the packet over and releases it, sent or not. */
    void send(ByteBuf packet, InetSocketAddress target);
}
