package dev.softswitch.gateway.transport;

import static dev.softswitch.gateway.transport.RemoteEmbeddedChannel.REMOTE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * RFC 4475-style torture messages (test resources under {@code transport/torture}) must neither
 * crash nor hang either pipeline (PRODUCT §9); each gets the answer stated here, or none.
 */
class SipTortureMessageTest {

    private static final String NONE = "";

    static Stream<Arguments> tortureMessages() {
        return Stream.of(
                // file, TCP answer, UDP answer (status line; NONE = nothing sent, delivered = handler got it)
                Arguments.of("missing-call-id.sip", "SIP/2.0 400 Bad Request (Missing Call-ID header)",
                        "SIP/2.0 400 Bad Request (Missing Call-ID header)"),
                Arguments.of("malformed-cseq.sip", "SIP/2.0 400 Bad Request (Malformed CSeq)",
                        "SIP/2.0 400 Bad Request (Malformed CSeq)"),
                Arguments.of("cseq-method-mismatch.sip",
                        "SIP/2.0 400 Bad Request (CSeq method does not match the Request-Line)",
                        "SIP/2.0 400 Bad Request (CSeq method does not match the Request-Line)"),
                Arguments.of("negative-content-length.sip", "SIP/2.0 400 Bad Request (Malformed Content-Length)",
                        "SIP/2.0 400 Bad Request (Malformed Content-Length)"),
                Arguments.of("huge-content-length.sip", "SIP/2.0 513 Message Too Large",
                        "SIP/2.0 400 Bad Request (Content-Length mismatch)"),
                Arguments.of("malformed-request-line.sip", "SIP/2.0 400 Bad Request (Malformed Request-Line)",
                        "SIP/2.0 400 Bad Request (Malformed Request-Line)"),
                Arguments.of("nul-bytes.sip", null, null),
                Arguments.of("only-crlf.sip", NONE, NONE),
                Arguments.of("garbage.sip", NONE, NONE),
                Arguments.of("missing-via.sip", NONE, NONE),
                Arguments.of("bad-status-code.sip", NONE, NONE),
                Arguments.of("folded-headers.sip", "delivered", "delivered"),
                Arguments.of("unterminated.sip", NONE, null));
    }

    @ParameterizedTest(name = "{0} over TCP")
    @MethodSource("tortureMessages")
    void streamPipelineSurvives(String file, String tcpAnswer, String udpAnswer) {
        RecordingSipMessageHandler handler = new RecordingSipMessageHandler();
        EmbeddedChannel channel = new RemoteEmbeddedChannel(new SipStreamChannelInitializer(TransportType.TCP,
                TransportSettings.defaults(), handler, new TransportCounters(), new SipConnectionRegistry()));

        assertTimeoutPreemptively(Duration.ofSeconds(5),
                () -> channel.writeInbound(Unpooled.wrappedBuffer(crlf(resource("torture/" + file)))));

        assertAnswered(tcpAnswer, handler, channel.readOutbound());
        assertThat((Object) channel.readOutbound()).isNull();
        assertFalse(channel.finishAndReleaseAll());
    }

    @ParameterizedTest(name = "{0} over UDP")
    @MethodSource("tortureMessages")
    void datagramPipelineSurvives(String file, String tcpAnswer, String udpAnswer) {
        RecordingSipMessageHandler handler = new RecordingSipMessageHandler();
        EmbeddedChannel channel = new EmbeddedChannel(new SipDatagramChannelInitializer(
                TransportSettings.defaults(), handler, new TransportCounters()));
        DatagramPacket packet = new DatagramPacket(Unpooled.wrappedBuffer(crlf(resource("torture/" + file))),
                new InetSocketAddress("127.0.0.1", 5060), REMOTE);

        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> channel.writeInbound(packet));

        assertAnswered(udpAnswer, handler, channel.readOutbound());
        assertThat(channel.isOpen()).isTrue();
        assertFalse(channel.finishAndReleaseAll());
    }

    private static void assertAnswered(String expected, RecordingSipMessageHandler handler, Object outbound) {
        String statusLine = outbound == null ? NONE : statusLine(outbound);
        if (expected == null) {
            assertThat(handler.messages.size() + (outbound == null ? 0 : 1)).isLessThanOrEqualTo(1);
        } else if (expected.equals("delivered")) {
            assertThat(handler.messages).hasSize(1);
            assertThat(statusLine).isEqualTo(NONE);
        } else {
            assertThat(statusLine).isEqualTo(expected);
            assertThat(handler.messages).isEmpty();
        }
    }

    private static byte[] resource(String name) {
        try (InputStream in = SipTortureMessageTest.class.getResourceAsStream("/transport/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Torture resources are stored with LF line ends for readability; SIP wants CRLF. */
    private static byte[] crlf(byte[] lf) {
        String text = new String(lf, StandardCharsets.ISO_8859_1).replace("\r\n", "\n").replace("\n", "\r\n");
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String statusLine(Object outbound) {
        ByteBuf content = outbound instanceof ByteBufHolder holder ? holder.content() : (ByteBuf) outbound;
        try {
            String text = content.toString(StandardCharsets.ISO_8859_1);
            return text.substring(0, text.indexOf("\r\n"));
        } finally {
            content.release();
        }
    }
}
