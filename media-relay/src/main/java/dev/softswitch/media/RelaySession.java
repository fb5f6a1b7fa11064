package dev.softswitch.media;

import dev.softswitch.media.pipeline.DirectionCounter;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.EventLoop;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The media of one call through the relay: a client leg and a carrier leg, four UDP sockets on one
 * event loop. Closing it unbinds the sockets and returns the ports.
 */
public final class RelaySession implements AutoCloseable {

    private final String callId;
    private final RelayLeg clientLeg;
    private final RelayLeg carrierLeg;
    private final DirectionCounter clientToCarrier;
    private final DirectionCounter carrierToClient;
    private final EventLoop eventLoop;
    private final List<Channel> channels;
    private final Runnable onClosed;
    private final AtomicBoolean closed = new AtomicBoolean();

    RelaySession(String callId, RelayLeg clientLeg, RelayLeg carrierLeg,
                 DirectionCounter clientToCarrier, DirectionCounter carrierToClient,
                 EventLoop eventLoop, List<Channel> channels, Runnable onClosed) {
        this.callId = Objects.requireNonNull(callId, "callId");
        this.clientLeg = Objects.requireNonNull(clientLeg, "clientLeg");
        this.carrierLeg = Objects.requireNonNull(carrierLeg, "carrierLeg");
        this.clientToCarrier = Objects.requireNonNull(clientToCarrier, "clientToCarrier");
        this.carrierToClient = Objects.requireNonNull(carrierToClient, "carrierToClient");
        this.eventLoop = Objects.requireNonNull(eventLoop, "eventLoop");
        this.channels = List.copyOf(channels);
        this.onClosed = Objects.requireNonNull(onClosed, "onClosed");
    }

    public String callId() {
        return callId;
    }

    /** The leg facing the app client. */
    public RelayLeg clientLeg() {
        return clientLeg;
    }

    /** The leg facing the carrier trunk. */
    public RelayLeg carrierLeg() {
        return carrierLeg;
    }

    /** Packets and bytes relayed so far in each direction. */
    public MediaStats stats() {
        return new MediaStats(clientToCarrier.packets(), clientToCarrier.bytes(),
                carrierToClient.packets(), carrierToClient.bytes());
    }

    public boolean isClosed() {
        return closed.get();
    }

    /**
     * Unbinds the four sockets and returns the ports; idempotent. Called from outside the relay's
     * event loop it returns once the ports are free again; from inside, they are freed as soon as
     * the sockets have closed.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (eventLoop.inEventLoop()) {
            AtomicInteger pending = new AtomicInteger(channels.size());
            ChannelFutureListener whenAllClosed = f -> {
                if (pending.decrementAndGet() == 0) {
                    onClosed.run();
                }
            };
            channels.forEach(ch -> ch.close().addListener(whenAllClosed));
        } else {
            List<ChannelFuture> closing = channels.stream().map(Channel::close).toList();
            closing.forEach(ChannelFuture::awaitUninterruptibly);
            onClosed.run();
        }
    }

    @Override
    public String toString() {
        return "RelaySession[" + callId + " client " + clientLeg + ", carrier " + carrierLeg + "]";
    }
}
