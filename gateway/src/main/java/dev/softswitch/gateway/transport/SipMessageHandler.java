package dev.softswitch.gateway.transport;

/** Receives every SIP message the transport parsed successfully. Called on a Netty I/O thread. */
@FunctionalInterface
public interface SipMessageHandler {

    void onMessage(InboundMessage message);
}
