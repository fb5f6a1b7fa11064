package dev.softswitch.gateway.transport;

import static dev.softswitch.gateway.testing.SipMessageFixtures.buffer;
import static dev.softswitch.gateway.testing.SipMessageFixtures.options;
import static dev.softswitch.gateway.testing.SipMessageFixtures.readText;
import static dev.softswitch.gateway.transport.RemoteEmbeddedChannel.REMOTE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertFalse;

import gov.nist.javax.sip.message.SIPRequest;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** The UDP pipeline: one datagram, one message (RFC 3261 §18.3) and answers per §18.2.2 / RFC 3581. */
class SipDatagramPipelineTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2025-01-01T00:00:00Z"), ZoneOffset.UTC);
    private static final InetSocketAddress LOCAL = new InetSocketAddress("127.0.0.1", 5060);
    private static final String VIA = "SIP/2.0/UDP client.example.com:5070;branch=z9hG4bK-u;rport";

    private final RecordingSipMessageHandler handler = new RecordingSipMessageHandler();
    private final TransportCounters counters = new TransportCounters();
    private final EmbeddedChannel channel = new EmbeddedChannel(new SipDatagramChannelInitializer(
            TransportSettings.defaults().withMaxMessageBytes(1024).withClock(CLOCK), handler, counters));

    @Test
    void datagramIsDeliveredWithItsSender() {
        channel.writeInbound(datagram(options("u1").via(VIA).text()));

        assertThat(handler.messages).hasSize(1);
        assertThat(handler.messages.get(0).source()).isEqualTo(new Endpoint(REMOTE, TransportType.UDP));
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void contentLengthLargerThanTheDatagramIsAnsweredWith400ToTheRport() {
        channel.writeInbound(datagram(options("u2").via(VIA).text().replace("Content-Length: 0", "Content-Length: 50")
                + "short"));

        DatagramPacket answer = channel.readOutbound();
        assertThat(answer.recipient()).isEqualTo(REMOTE);
        assertThat(readText(answer.content())).startsWith("SIP/2.0 400 Bad Request (Content-Length mismatch)\r\n");
        assertThat(handler.messages).isEmpty();
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void withoutRportTheAnswerGoesToTheSentByPortAtTheReceivedAddress() {
        String noRport = "SIP/2.0/UDP client.example.com:5070;branch=z9hG4bK-u";
        channel.writeInbound(datagram(options("u3").via(noRport).without("Call-ID").text()));

        DatagramPacket answer = channel.readOutbound();
        assertThat(answer.recipient()).isEqualTo(new InetSocketAddress("192.0.2.10", 5070));
        answer.release();
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void aClientSuppliedReceivedAndRportAreNotObeyed() {
        String reflecting = "SIP/2.0/UDP client.example.com:5070;branch=z9hG4bK-u;received=192.0.2.55;rport=6379";
        channel.writeInbound(datagram(options("u7").via(reflecting).text()));

        SIPRequest delivered = (SIPRequest) handler.messages.get(0).message();
        assertThat(ViaResponseAddress.resolve(delivered.createResponse(200).getTopmostVia())).isEqualTo(REMOTE);
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void theAnswerToABadRequestWithAReflectingViaGoesToTheRealSource() {
        String reflecting = "SIP/2.0/UDP client.example.com:5070;branch=z9hG4bK-u;received=192.0.2.55;rport=6379";
        channel.writeInbound(datagram(options("u8").via(reflecting).without("Call-ID").text()));

        DatagramPacket answer = channel.readOutbound();
        assertThat(answer.recipient()).isEqualTo(REMOTE);
        assertThat(readText(answer.content())).startsWith("SIP/2.0 400 Bad Request").contains(
                "Via: SIP/2.0/UDP client.example.com:5070;branch=z9hG4bK-u;received=192.0.2.10;rport=40000\r\n");
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void contentLengthSmallerThanTheDatagramTruncatesTheBody() throws Exception {
        channel.writeInbound(datagram(options("u4").via(VIA).text().replace("Content-Length: 0", "Content-Length: 3")
                + "abcdef"));

        assertThat(handler.messages).hasSize(1);
        assertThat(new String(handler.messages.get(0).message().getRawContent(), "US-ASCII")).isEqualTo("abc");
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void missingContentLengthIsAllowedOnUdp() {
        channel.writeInbound(datagram(options("u5").via(VIA).without("Content-Length").text()));

        assertThat(handler.messages).hasSize(1);
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void oversizedDatagramIsAnsweredWith513() {
        channel.writeInbound(datagram(options("u6").via(VIA).body(null, "x".repeat(1200)).text()));

        DatagramPacket answer = channel.readOutbound();
        assertThat(readText(answer.content())).startsWith("SIP/2.0 513 Message Too Large\r\n");
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
        return new DatagramPacket(buffer(text), LOCAL, REMOTE);
    }
}
