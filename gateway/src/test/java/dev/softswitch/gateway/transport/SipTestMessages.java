package dev.softswitch.gateway.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Wire bytes and fixtures shared by the transport tests. */
final class SipTestMessages {

    /** TEST-NET-1 (RFC 5737): differs from any Via sent-by in these tests. */
    static final InetSocketAddress REMOTE = new InetSocketAddress("192.0.2.10", 40_000);
    static final Instant NOW = Instant.parse("2025-01-01T00:00:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    private SipTestMessages() {
    }

    static String options(String callId, String via) {
        return "OPTIONS sip:gw@example.com SIP/2.0\r\n"
                + "Via: " + via + "\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <sip:alice@example.com>;tag=a1\r\n"
                + "To: <sip:gw@example.com>\r\n"
                + "Call-ID: " + callId + "\r\n"
                + "CSeq: 1 OPTIONS\r\n"
                + "Content-Length: 0\r\n"
                + "\r\n";
    }

    static String options(String callId) {
        return options(callId, "SIP/2.0/TCP client.example.com:5070;branch=z9hG4bK-" + callId + ";rport");
    }

    static ByteBuf bytes(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.ISO_8859_1);
    }

    static String string(ByteBuf buf) {
        try {
            return buf.toString(StandardCharsets.ISO_8859_1);
        } finally {
            buf.release();
        }
    }

    static String ascii(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    static byte[] resource(String name) {
        try (InputStream in = SipTestMessages.class.getResourceAsStream("/transport/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Torture resources are stored with LF line ends for readability; SIP wants CRLF. */
    static byte[] crlf(byte[] lf) {
        String text = ascii(lf).replace("\r\n", "\n").replace("\n", "\r\n");
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Collects what the pipeline delivers. */
    static final class RecordingHandler implements SipMessageHandler {
        final List<InboundMessage> messages = new CopyOnWriteArrayList<>();

        @Override
        public void onMessage(InboundMessage message) {
            messages.add(message);
        }
    }

    /** An {@link EmbeddedChannel} whose peer is {@link #REMOTE}, as a TCP connection from it would be. */
    static final class RemoteEmbeddedChannel extends EmbeddedChannel {
        RemoteEmbeddedChannel(ChannelHandler... handlers) {
            super(handlers);
        }

        @Override
        protected SocketAddress remoteAddress0() {
            return REMOTE;
        }
    }
}
