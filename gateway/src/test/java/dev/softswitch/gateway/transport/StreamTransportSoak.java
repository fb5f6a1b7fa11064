package dev.softswitch.gateway.transport;

import java.time.Duration;
import java.util.List;

/**
 * Not a test: a TCP listener with issue 11's bounds, for measuring what slowloris connections cost
 * (connections held, RSS) from another process. Prints its pid, then once a second the open
 * connections and what was refused or timed out; stops after the given seconds. Loopback only.
 * <pre>java -cp ... dev.softswitch.gateway.transport.StreamTransportSoak PORT SECONDS [MAX PER_ADDR IDLE_S MSG_S]</pre>
 */
public final class StreamTransportSoak {

    private StreamTransportSoak() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int seconds = Integer.parseInt(args[1]);
        ConnectionLimits limits = args.length > 2
                ? new ConnectionLimits(Integer.parseInt(args[2]), Integer.parseInt(args[3]),
                        Duration.ofSeconds(Long.parseLong(args[4])), Duration.ofSeconds(Long.parseLong(args[5])))
                : ConnectionLimits.defaults();
        SipTransport transport = new SipTransport(List.of(new ListenPoint(TransportType.TCP, "127.0.0.1", port)),
                m -> { }, TransportSettings.defaults().withConnectionLimits(limits));
        transport.start();
        System.out.println("pid " + ProcessHandle.current().pid() + " listening on 127.0.0.1:" + port + " " + limits);
        for (int i = 0; i < seconds; i++) {
            Thread.sleep(1_000);
            TransportCounters c = transport.counters();
            System.out.printf("t=%ds open=%d refused_addr=%d refused_total=%d message_timeout=%d idle_timeout=%d%n", i + 1,
                    c.openConnections(), c.closed(StreamCloseReason.MAX_PER_ADDRESS),
                    c.closed(StreamCloseReason.MAX_CONNECTIONS), c.closed(StreamCloseReason.MESSAGE_TIMEOUT),
                    c.closed(StreamCloseReason.IDLE_TIMEOUT));
        }
        transport.close();
    }
}
