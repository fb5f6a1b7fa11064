package dev.softswitch.gateway.transport;

import static dev.softswitch.gateway.transport.RemoteEmbeddedChannel.REMOTE;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Found by the fuzz harness (seed 20261202): a request whose top Via names a port beyond 65535 made
 * the answer's addressing throw on the UDP input thread ({@code IllegalArgumentException: port out of
 * range}), logged as an unhandled exception for every such datagram.
 */
class SipViaPortTest {

    private final RecordingSipMessageHandler handler = new RecordingSipMessageHandler();
    private final EmbeddedChannel channel = new EmbeddedChannel(new SipDatagramChannelInitializer(
            TransportSettings.defaults(), handler, new TransportCounters()));

    private static String options(String via) {
        return "OPTIONS sip:gw@example.com SIP/2.0\r\n"
                + "Via: " + via + "\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <sip:a@example.com>;tag=1\r\n"
                + "To: <sip:gw@example.com>\r\n"
                + "Call-ID: via-port\r\n"
                + "CSeq: 1 OPTIONS\r\n"
                + "Content-Length: 0\r\n\r\n";
    }

    private void receive(String text) {
        channel.writeInbound(new DatagramPacket(Unpooled.copiedBuffer(text, StandardCharsets.ISO_8859_1),
                new InetSocketAddress("127.0.0.1", 5060), REMOTE));
    }

    @Test
    void aViaPortOutOfRangeWithRportIsAnswered400ToTheSourceAndNothingThrows() {
        receive(options("SIP/2.0/UDP 192.0.2.1:99823;branch=z9hG4bK1;rport"));

        channel.checkException();
        DatagramPacket answer = channel.readOutbound();
        assertThat(answer).isNotNull();
        assertThat(answer.recipient()).isEqualTo(REMOTE);
        assertThat(answer.content().toString(StandardCharsets.ISO_8859_1))
                .startsWith("SIP/2.0 400 Bad Request (Malformed Via: port 99823 is out of range)\r\n");
        answer.release();
        assertThat(handler.messages).isEmpty();
    }

    @Test
    void aViaPortOutOfRangeWithoutRportIsDroppedAndNothingThrows() {
        receive(options("SIP/2.0/UDP 192.0.2.1:99823;branch=z9hG4bK2"));

        channel.checkException();
        assertThat((Object) channel.readOutbound()).isNull();
        assertThat(handler.messages).isEmpty();
        assertThat(channel.isOpen()).isTrue();
    }
}
