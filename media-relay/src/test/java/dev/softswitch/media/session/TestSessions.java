package dev.softswitch.media.session;

import dev.softswitch.media.pipeline.DirectionCounter;
import dev.softswitch.media.pipeline.RelayEndpoint;
import dev.softswitch.media.pipeline.RelayTotals;
import io.netty.channel.EventLoop;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.function.LongSupplier;

/** Sessions without sockets, on a given event loop, registered as the relay registers them. */
final class TestSessions {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private TestSessions() {
    }

    /** A session and the counters of its two directions, which a test feeds as the handlers would. */
    record TestSession(RelaySession session, DirectionCounter clientToCarrier, DirectionCounter carrierToClient) {
    }

    /** A registered session; closing it tells {@code registry}, as a relay session does. */
    static TestSession register(SessionRegistry registry, String callId, EventLoop loop, LongSupplier nanoTime) {
        RelayTotals totals = new RelayTotals();
        DirectionCounter clientToCarrier = new DirectionCounter(totals);
        DirectionCounter carrierToClient = new DirectionCounter(totals);
        RelaySession[] self = new RelaySession[1];
        self[0] = new RelaySession(callId,
                leg(callId + "/client", 30000, loop, nanoTime), leg(callId + "/carrier", 30002, loop, nanoTime),
                clientToCarrier, carrierToClient, loop, Runnable::run, () -> registry.closed(self[0]), nanoTime);
        registry.add(self[0]);
        return new TestSession(self[0], clientToCarrier, carrierToClient);
    }

    private static RelayLeg leg(String name, int port, EventLoop loop, LongSupplier nanoTime) {
        return new RelayLeg(new InetSocketAddress(LOOPBACK, port),
                new RelayEndpoint(name + "/rtp", nanoTime, RelayEndpoint.DEFAULT_LATCH_WINDOW),
                new RelayEndpoint(name + "/rtcp", nanoTime, RelayEndpoint.DEFAULT_LATCH_WINDOW), loop, name);
    }
}
