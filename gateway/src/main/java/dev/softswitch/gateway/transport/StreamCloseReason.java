package dev.softswitch.gateway.transport;

/**
 * Why the transport closed a TCP or TLS connection on its own (issue 11): refused at accept over a
 * {@link ConnectionLimits} cap, or closed later by a timeout. The label values are this closed set.
 */
public enum StreamCloseReason {
    MAX_CONNECTIONS("max_connections", true),
    MAX_PER_ADDRESS("max_per_address", true),
    IDLE_TIMEOUT("idle_timeout", false),
    MESSAGE_TIMEOUT("message_timeout", false);

    private final String label;
    private final boolean atAccept;

    StreamCloseReason(String label, boolean atAccept) {
        this.label = label;
        this.atAccept = atAccept;
    }

    /** The metric label value. */
    public String label() {
        return label;
    }

    /** Whether the connection was refused at accept (a cap) rather than closed later (a timeout). */
    public boolean atAccept() {
        return atAccept;
    }
}
