package dev.softswitch.gateway.transport;

/** A listen point could not be bound (address in use, not local, no permission). */
public final class TransportBindException extends RuntimeException {

    public TransportBindException(ListenPoint listenPoint, Throwable cause) {
        super("Cannot bind " + listenPoint.transport() + " " + listenPoint.host() + ":" + listenPoint.port(), cause);
    }
}
