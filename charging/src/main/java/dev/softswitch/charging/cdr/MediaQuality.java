package dev.softswitch.charging.cdr;

/**
 * Media figures of a call, each direction as the relay received it (MED-4, privacy policy: kept
 * to investigate interrupted calls). Jitter is in microseconds so the record stays integral.
 */
public record MediaQuality(Direction clientToCarrier, Direction carrierToClient) {

    /** One direction: packets and bytes relayed, RTP packets lost on the way in, jitter (RFC 3550 A.8). */
    public record Direction(long packets, long bytes, long lost, long jitterMicros) {
    }
}
