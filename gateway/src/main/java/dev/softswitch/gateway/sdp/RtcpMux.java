package dev.softswitch.gateway.sdp;

import java.util.List;
import java.util.Set;

/**
 * RTCP multiplexed on the RTP port (RFC 5761; a=rtcp-mux-only, RFC 8858): whether an offer asks for it and
 * the relay can honour it. It can unless the offer uses an RTP payload type in 64..95, which the relay
 * could not tell from RTCP on one port (RFC 5761 §4).
 */
final class RtcpMux {

    static final String ATTRIBUTE = "rtcp-mux";
    static final Set<String> ATTRIBUTES = Set.of(ATTRIBUTE, "rtcp-mux-only");

    private RtcpMux() {
    }

    /** Whether an audio section of an offer (its lines under m=, its formats) asks for mux the relay can give. */
    static boolean offeredAndDemultiplexable(List<String> audioLines, List<String> formats) {
        return SdpBody.hasAttribute(audioLines, ATTRIBUTES::contains)
                && formats.stream().noneMatch(RtcpMux::collidesWithRtcp);
    }

    private static boolean collidesWithRtcp(String format) {
        try {
            int pt = Integer.parseInt(format.trim());
            return pt >= 64 && pt <= 95;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
