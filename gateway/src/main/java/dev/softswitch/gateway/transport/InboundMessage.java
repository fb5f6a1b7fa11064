package dev.softswitch.gateway.transport;

import gov.nist.javax.sip.message.SIPMessage;
import java.time.Instant;
import java.util.Objects;

/**
 * A SIP message as it arrived: the parsed message (requests already carry {@code received} and
 * {@code rport} on their top Via, RFC 3261 §18.2.1 and RFC 3581), where it came from, and when.
 */
public record InboundMessage(SIPMessage message, Endpoint source, Instant receivedAt) {

    public InboundMessage {
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(receivedAt, "receivedAt");
    }
}
