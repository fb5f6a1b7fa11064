package dev.softswitch.media.session;

/** No free RTP/RTCP port pair is left in the configured range; the call should be refused. */
public final class PortsExhaustedException extends Exception {

    public PortsExhaustedException(String message) {
        super(message);
    }

    /** The same failure seen by another thread, e.g. the caller of a blocking allocation. */
    public PortsExhaustedException(String message, Throwable cause) {
        super(message, cause);
    }
}
