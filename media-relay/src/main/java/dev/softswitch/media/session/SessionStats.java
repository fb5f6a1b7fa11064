package dev.softswitch.media.session;

import java.util.Objects;

/**
 * A snapshot of one relayed call's figures, one {@link DirectionStats} per direction (MED-4): what
 * {@link RelaySession#stats()} returns, what a {@link MediaEvent} carries and what the relay reports
 * when a session closes, for the call record.
 */
public record SessionStats(String callId, DirectionStats clientToCarrier, DirectionStats carrierToClient) {

    public SessionStats {
        Objects.requireNonNull(callId, "callId");
        Objects.requireNonNull(clientToCarrier, "clientToCarrier");
        Objects.requireNonNull(carrierToClient, "carrierToClient");
    }
}
