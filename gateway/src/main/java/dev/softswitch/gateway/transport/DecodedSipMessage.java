package dev.softswitch.gateway.transport;

import gov.nist.javax.sip.message.SIPMessage;
import java.util.Objects;

/**
 * A parsed message travelling up the pipeline with its decode result. A failed one may carry a
 * partial {@code message} (null for garbage) from which the failure is answered.
 */
public record DecodedSipMessage(SIPMessage message, Endpoint source, SipDecodeResult result, boolean closeAfterReply) {

    public DecodedSipMessage {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(result, "result");
        if (message == null && result.isSuccess()) {
            throw new IllegalArgumentException("a successful decode needs a message");
        }
    }
}
