package dev.softswitch.gateway.config;

import java.util.List;

/**
 * SIP signalling: the sockets to listen on, the largest message accepted, the RFC 3261 timers, and
 * whether a client may offer SDES keys ({@code a=crypto}, RFC 4568 §8.1: they need a secure signalling
 * channel) over UDP or TCP, where anyone on the path reads them; by default only TLS may carry them;
 * and the bounds on TCP and TLS connections.
 */
public record SipConfig(List<ListenConfig> listen, int maxMessageBytes, TimersConfig timers, boolean sdesWithoutTls,
        TcpConfig tcp) {

    /** Largest message accepted when the file does not say; bigger ones get 513 (RFC 3261 §21.5.14). */
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 16384;

    public SipConfig {
        listen = List.copyOf(Checks.nonEmpty("listen", listen, "- { transport: udp, host: 127.0.0.1, port: 5060 }"));
        Checks.unique("listen", listen, l -> l.transport() + ":" + l.host() + ":" + l.port(), "listen address");
        Checks.between("maxMessageBytes", maxMessageBytes, 1024, 65535);
        Checks.present("timers", timers);
        Checks.present("tcp", tcp);
    }

    /** The default TCP bounds. */
    public SipConfig(List<ListenConfig> listen, int maxMessageBytes, TimersConfig timers, boolean sdesWithoutTls) {
        this(listen, maxMessageBytes, timers, sdesWithoutTls, TcpConfig.DEFAULT);
    }

    /** SDES keys over TLS only. */
    public SipConfig(List<ListenConfig> listen, int maxMessageBytes, TimersConfig timers) {
        this(listen, maxMessageBytes, timers, false);
    }

    /** Whether a tls listen point is configured. */
    public boolean hasTls() {
        return listen.stream().anyMatch(ListenConfig::isTls);
    }
}
