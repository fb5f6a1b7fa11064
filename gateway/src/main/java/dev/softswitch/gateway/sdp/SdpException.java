package dev.softswitch.gateway.sdp;

import java.util.Objects;

/**
 * An SDP body the gateway cannot relay. The message is a short phrase fit for the reason phrase of
 * a 488 Not Acceptable Here (RFC 3261 section 21.4.26), e.g. "SDP has no audio stream".
 */
public final class SdpException extends Exception {

    public SdpException(String reason) {
        super(Objects.requireNonNull(reason, "reason"));
    }

    public SdpException(String reason, Throwable cause) {
        super(Objects.requireNonNull(reason, "reason"), cause);
    }

    /** The short human phrase, without line breaks. */
    public String reason() {
        return getMessage();
    }
}
