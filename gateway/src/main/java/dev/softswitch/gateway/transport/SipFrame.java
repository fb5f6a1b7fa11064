package dev.softswitch.gateway.transport;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * The bytes of one SIP message as cut out of a stream or a datagram, before parsing. A failed frame
 * carries what could be read of the header section, so that the failure can still be answered;
 * {@code closeAfterReply} is set when a stream lost its framing and must be closed.
 */
public record SipFrame(byte[] bytes, InetSocketAddress sender, SipDecodeResult result, boolean closeAfterReply) {

    public SipFrame {
        Objects.requireNonNull(bytes, "bytes");
        Objects.requireNonNull(result, "result");
    }

    static SipFrame complete(byte[] bytes, InetSocketAddress sender) {
        return new SipFrame(bytes, sender, SipDecodeResult.SUCCESS, false);
    }
}
