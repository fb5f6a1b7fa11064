package dev.softswitch.media.pipeline;

import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;

/** A relay socket as the forwarding stage sends out of it; used on the socket's event loop. */
public interface RelaySocket {

    /** Whether a packet handed to {@link #send} now can leave: the socket is open and has room. */
    boolean canSend();

    /**
     * Sends {@code packet}'s readable bytes to {@code target}, or drops it; the packet stays the caller's (a socket
     * that must keep it for a later write retains it), so the relay's hot path moves no reference count.
     */
    void send(ByteBuf packet, InetSocketAddress target);
}
