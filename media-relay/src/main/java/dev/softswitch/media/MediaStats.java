package dev.softswitch.media;

/**
 * Packets and bytes relayed by one session in each direction, RTP and RTCP together. Bytes are
 * UDP payload bytes (the RTP/RTCP packet, no IP or UDP header).
 */
public record MediaStats(long clientToCarrierPackets, long clientToCarrierBytes,
                         long carrierToClientPackets, long carrierToClientBytes) {

    public MediaStats {
        if (clientToCarrierPackets < 0 || clientToCarrierBytes < 0
                || carrierToClientPackets < 0 || carrierToClientBytes < 0) {
            throw new IllegalArgumentException("media counters must not be negative");
        }
    }
}
