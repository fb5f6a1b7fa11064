package dev.softswitch.gateway.transport;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/** What the transport has seen and answered, for the gateway to bind as metrics. Thread-safe. */
public final class TransportCounters {

    private final LongAdder bytesReceived = new LongAdder();
    private final LongAdder messagesReceived = new LongAdder();
    private final LongAdder parseFailures = new LongAdder();
    private final LongAdder badRequestsSent = new LongAdder();
    private final LongAdder tooLargeSent = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private final LongAdder tlsHandshakeFailures = new LongAdder();
    private final AtomicInteger openConnections = new AtomicInteger();
    private final Map<StreamCloseReason, LongAdder> closed = new EnumMap<>(StreamCloseReason.class);

    public TransportCounters() {
        for (StreamCloseReason reason : StreamCloseReason.values()) {
            closed.put(reason, new LongAdder());
        }
    }

    void connectionOpened() {
        openConnections.incrementAndGet();
    }

    void connectionClosed() {
        openConnections.decrementAndGet();
    }

    void incrementClosed(StreamCloseReason reason) {
        closed.get(reason).increment();
    }

    /** TCP and TLS connections open now, inbound and outbound (refused ones never count). */
    public int openConnections() {
        return openConnections.get();
    }

    /** Connections the transport refused at accept or closed on a timeout, for {@code reason}. */
    public long closed(StreamCloseReason reason) {
        return closed.get(reason).sum();
    }

    void addBytesReceived(long n) {
        bytesReceived.add(n);
    }

    void incrementMessagesReceived() {
        messagesReceived.increment();
    }

    void incrementParseFailures() {
        parseFailures.increment();
    }

    void incrementRejectionsSent(int statusCode) {
        if (statusCode == 513) {
            tooLargeSent.increment();
        } else {
            badRequestsSent.increment();
        }
    }

    void incrementDropped() {
        dropped.increment();
    }

    void incrementTlsHandshakeFailures() {
        tlsHandshakeFailures.increment();
    }

    public long bytesReceived() {
        return bytesReceived.sum();
    }

    /** Messages parsed and handed to the {@link SipMessageHandler}. */
    public long messagesReceived() {
        return messagesReceived.sum();
    }

    /** Messages that failed framing or parsing, whether answered or dropped. */
    public long parseFailures() {
        return parseFailures.sum();
    }

    public long badRequestsSent() {
        return badRequestsSent.sum();
    }

    public long tooLargeSent() {
        return tooLargeSent.sum();
    }

    /** Failed messages that could not be answered (garbage, bad responses, ACKs) and were dropped. */
    public long dropped() {
        return dropped.sum();
    }

    /** TLS connections, inbound or outbound, whose handshake failed (RFC 3261 §26.2.1). */
    public long tlsHandshakeFailures() {
        return tlsHandshakeFailures.sum();
    }
}
