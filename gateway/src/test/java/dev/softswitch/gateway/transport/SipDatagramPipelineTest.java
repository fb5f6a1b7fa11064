package dev.softswitch.gateway.transport;

import static dev.softswitch.gateway.transport.SipTestMessages.CLOCK;
import static dev.softswitch.gateway.transport.SipTestMessages.REMOTE;
import static dev.softswitch.gateway.transport.SipTestMessages.bytes;
import static dev.softswitch.gateway.transport.SipTestMessages.options;
import static dev.softswitch.gateway.transport.SipTestMessages.string;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.softswitch.gateway.transport.SipTestMessages.RecordingHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** The UDP pipeline: one datagram, one message (RFC 3261 §18.3) and answers per §18.2.2 / RFC 3581. */
class SipDatagramPipelineTest {

    private static final InetSocketAddress LOCAL = new InetSocketAddress("127.0.0.1", 5060);
    private static final String VIA = "SIP/2.0/UDP client.example.com:5070;branch=z9hG4bK-u;rport";

    private final RecordingHandler handler = new RecordingHandler();
    private final TransportCounters counters = new TransportCounters();
    private final EmbeddedChannel channel = new EmbeddedChannel(new SipDatagramChannelInitializer(
            TransportSettings.defaults().withMaxMessageBytes(1024).withClock(CLOCK), handler, counters));

    @Test
    void datagramIsDeliveredWithItsSender() {
        channel.writeInbound(datagram(options("u1", VIA)));

        assertThat(handler.messages).hasSize(1);
        assertThat(handler.messages.get(0).source()).isEqualTo(new Endpoint(REMOTE, TransportType.UDP));
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void contentLengthLargerThanTheDatagramIsAnsweredWith400ToTheRport() {
        channel.writeInbound(datagram(options("u2", VIA).replace("Content-Length: 0", "Content-Length: 50") + "short"));

        DatagramPacket answer = channel.readOutbound();
        assertThat(answer.recipient()).isEqualTo(REMOTE);
        assertThat(string(answer.content())).startsWith("SIP/2.0 400 Bad Request (Content-Length mismatch)\r\n");
        assertThat(handler.messages).isEmpty();
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void withoutRportTheAnswerGoesToTheSentByPortAtTheReceivedAddress() {
        String noRport = "SIP/2.0/UDP client.example.com:5070;branch=z9hG4bK-u";
        channel.writeInbound(datagram(options("u3", noRport).replace("Call-ID: u3\r\n", "")));

        DatagramPacket answer = channel.readOutbound();
        assertThat(answer.recipient()).isEqualTo(new InetSocketAddress("192.0.2.10", 5070));
        answer.release();
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void contentLengthSmallerThanTheDatagramTruncatesTheBody() throws Exception {
        channel.writeInbound(datagram(options("u4", VIA).replace("Content-Length: 0", "Content-Length: 3") + "abcdef"));

        assertThat(handler.messages).hasSize(1);
        assertThat(new String(handler.messages.get(0).message().getRawContent(), "US-ASCII")).isEqualTo("abc");
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void missingContentLengthIsAllowedOnUdp() {
        channel.writeInbound(datagram(options("u5", VIA).replace("Content-Length: 0\r\n", "")));

        assertThat(handler.messages).hasSize(1);
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void oversizedDatagramIsAnsweredWith513() {
        channel.writeInbound(datagram(options("u6", VIA).replace("Content-Length: 0", "Content-Length: 1200")
                + "x".repeat(1200)));

        DatagramPacket answer = channel.readOutbound();
        assertThat(string(answer.content())).startsWith("SIP/2.0 513 Message Too Large\r\n");
        assertThat(counters.tooLargeSent()).isEqualTo(1);
        assertThat(channel.isOpen()).isTrue();
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void crlfKeepAliveDatagramIsIgnored() {
        channel.writeInbound(datagram("\r\n\r\n"));

        assertThat(handler.messages).isEmpty();
        assertThat((Object) channel.readOutbound()).isNull();
        assertThat(counters.parseFailures()).isZero();
        assertFalse(channel.finishAndReleaseAll());
    }

    private static DatagramPacket datagram(String text) {
        return new DatagramPacket(bytes(text), LOCAL, REMOTE);
    }
}
