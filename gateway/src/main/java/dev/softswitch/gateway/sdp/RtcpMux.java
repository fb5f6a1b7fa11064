package dev.softswitch.gateway.sdp;

import gov.nist.javax.sdp.MediaDescriptionImpl;
import gov.nist.javax.sdp.fields.AttributeField;
import java.util.List;
import java.util.Set;
import java.util.Vector;

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

    /** Whether {@code audio} (a media section of an offer with the given formats) asks for mux the relay can give. */
    static boolean offeredAndDemultiplexable(MediaDescriptionImpl audio, List<String> formats) {
        Vector<?> attributes = audio.getAttributeFields();
        boolean offered = attributes != null && attributes.stream()
                .anyMatch(a -> ATTRIBUTES.contains(((AttributeField) a).getAttribute().getName()));
        return offered && formats.stream().noneMatch(RtcpMux::collidesWithRtcp);
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
