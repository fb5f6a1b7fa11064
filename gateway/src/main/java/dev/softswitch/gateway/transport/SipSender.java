package dev.softswitch.gateway.transport;

import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.message.SIPResponse;

/** Sends SIP messages on the wire; implemented by the Netty transport and by test fakes. */
public interface SipSender {

    /** Sends a request (or an ACK) to {@code destination}; over TCP a connection is reused or opened. */
    void send(SIPMessage message, Endpoint destination);

    /**
     * Sends a request as {@link #send} does and returns the bytes sent, so that a transaction can send it
     * again ({@link #resend}) without keeping the message (issue 14). The default encodes it for the record.
     */
    default byte[] sendEncoded(SIPMessage message, Endpoint destination) {
        send(message, destination);
        return SipMessageEncoder.encode(message, destination.transport());
    }

    /** Sends bytes from {@link #sendEncoded} to {@code destination} again. The default parses them back and sends the message. */
    default void resend(byte[] bytes, Endpoint destination) {
        send(SipMessageEncoder.parse(bytes), destination);
    }

    /**
     * Sends a response back to where the request came from, per RFC 3261 §18.2.2: over a reliable
     * transport on the connection the request arrived on (or a new one to the Via's received/rport),
     * over UDP to the top Via's received address and rport (or its sent-by).
     */
    void sendResponse(SIPResponse response);

    /**
     * Sends a response to a request that arrived from {@code requestSource} (RFC 3261 §18.2.2): over a
     * reliable transport on that very connection while it is open, whatever the Via says; otherwise as
     * {@link #sendResponse(SIPResponse)}. Server transactions answer through this.
     */
    default void sendResponse(SIPResponse response, Endpoint requestSource) {
        sendResponse(response);
    }

    /**
     * Sends a response as {@link #sendResponse(SIPResponse, Endpoint)} does and returns it encoded, so that a
     * server transaction can send it again ({@link #resendResponse}) without keeping the message (issue 14).
     * The default, for senders that deal in messages, sends the message and encodes it for the record.
     */
    default EncodedResponse sendEncodedResponse(SIPResponse response, Endpoint requestSource) {
        sendResponse(response, requestSource);
        return EncodedResponse.of(response, requestSource);
    }

    /**
     * {@link #sendEncodedResponse(SIPResponse, Endpoint)} for a response built or described. The default, for
     * senders that deal in messages, sends it as a message ({@link OutgoingResponse#toMessage}); the transport
     * writes a described one straight from its request.
     */
    default EncodedResponse sendEncodedResponse(OutgoingResponse response, Endpoint requestSource) {
        return sendEncodedResponse(response.toMessage(), requestSource);
    }

    /**
     * Sends 100 Trying to {@code request} as {@link #sendEncodedResponse} sends {@code request.createResponse(100)},
     * and returns it encoded. The default builds that response; the transport encodes it from the request's headers
     * ({@link EncodedResponse#trying}).
     */
    default EncodedResponse sendTrying(gov.nist.javax.sip.message.SIPRequest request, Endpoint requestSource) {
        return sendEncodedResponse(request.createResponse(SIPResponse.TRYING), requestSource);
    }

    /**
     * Sends {@code response} again the way {@link #sendEncodedResponse} sent it: over a reliable transport on
     * {@code requestSource}'s connection while it is open, otherwise to the address its Via named. The
     * default parses it back and sends the message.
     */
    default void resendResponse(EncodedResponse response, Endpoint requestSource) {
        sendResponse(response.parse(), requestSource);
    }

    /** The host and port this gateway puts in Via and Contact for {@code transport}. */
    java.net.InetSocketAddress localAddress(TransportType transport);
}
