package dev.softswitch.gateway.transport;

import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.message.SIPResponse;

/** Sends SIP messages on the wire; implemented by the Netty transport and by test fakes. */
public interface SipSender {

    /** Sends a request (or an ACK) to {@code destination}; over TCP a connection is reused or opened. */
    void send(SIPMessage message, Endpoint destination);

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

    /** The host and port this gateway puts in Via and Contact for {@code transport}. */
    java.net.InetSocketAddress localAddress(TransportType transport);
}
