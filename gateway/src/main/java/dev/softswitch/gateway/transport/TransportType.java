package dev.softswitch.gateway.transport;

import java.util.Locale;

/** SIP transports (RFC 3261 §18; TLS §26): the Via token is the name, e.g. {@code TLS}. */
public enum TransportType {
    UDP(false),
    TCP(true),
    TLS(true);

    private final boolean reliable;

    TransportType(boolean reliable) {
        this.reliable = reliable;
    }

    /** True for stream transports, where retransmission timers A, E and G are not used. */
    public boolean isReliable() {
        return reliable;
    }

    /** The token used in Via headers, e.g. {@code UDP}. */
    public String viaToken() {
        return name();
    }

    /** Parses {@code udp}, {@code TCP}, … ignoring case. */
    public static TransportType parse(String s) {
        switch (s) { // as written in nearly every Via
            case "UDP": return UDP;
            case "TCP": return TCP;
            case "TLS": return TLS;
            default: return valueOf(s.trim().toUpperCase(Locale.ROOT));
        }
    }
}
