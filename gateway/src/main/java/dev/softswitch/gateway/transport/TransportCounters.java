package dev.softswitch.gateway.transport;

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
