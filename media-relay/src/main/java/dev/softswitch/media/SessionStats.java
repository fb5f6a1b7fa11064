package dev.softswitch.media;

import java.util.Objects;

/** The quality figures of both directions of one relayed call (MED-4), for the call record. */
public record SessionStats(String callId, DirectionStats clientToCarrier, DirectionStats carrierToClient) {

    public SessionStats {
        Objects.requireNonNull(callId, "callId");
        Objects.requireNonNull(clientToCarrier, "clientToCarrier");
        Objects.requireNonNull(carrierToClient, "carrierToClient");
    }
}
