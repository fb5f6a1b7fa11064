package dev.softswitch.gateway.transport;

import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import java.util.Objects;

/**
 * A response as it went out: its bytes, its status code and where its top Via sends it (RFC 3261
 * §18.2.2; null when the Via names no address). A server transaction keeps this, not the parsed
 * message, to send the response again on a retransmitted request or a timer (issue 14: a completed
 * transaction lives 64*T1, and the parsed message is several times the size of its bytes).
 */
public record EncodedResponse(byte[] bytes, int statusCode, Endpoint viaDestination) {

    public EncodedResponse {
        Objects.requireNonNull(bytes, "bytes");
    }

    /** {@code response} encoded as the transport writes it (a response keeps the Via it was given). */
    public static EncodedResponse of(SIPResponse response, Endpoint viaDestination) {
        return new EncodedResponse(SipMessageEncoder.encode(response, TransportType.UDP), response.getStatusCode(),
                viaDestination);
    }

    /**
     * 100 Trying to {@code request}, encoded from the request's own Via, From, To, Call-ID, CSeq and Timestamp
     * headers (RFC 3261 §8.2.6): the message {@code request.createResponse(100)} would encode, without first
     * copying those headers into a response (the INVITE server transaction sends one for every INVITE).
     */
    public static EncodedResponse trying(SIPRequest request, Endpoint viaDestination) {
        return new EncodedResponse(OutgoingResponse.to(request, SIPResponse.TRYING, "Trying").encode(),
                SIPResponse.TRYING, viaDestination);
    }

    /** The response parsed back, for senders that deal in messages rather than bytes (test fakes). */
    public SIPResponse parse() {
        return (SIPResponse) SipMessageEncoder.parse(bytes);
    }
}
