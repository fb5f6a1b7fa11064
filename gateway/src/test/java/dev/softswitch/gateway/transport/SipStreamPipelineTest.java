package dev.softswitch.gateway.transport;

import static dev.softswitch.gateway.testing.SipMessageFixtures.buffer;
import static dev.softswitch.gateway.testing.SipMessageFixtures.options;
import static dev.softswitch.gateway.testing.SipMessageFixtures.readText;
import static dev.softswitch.gateway.transport.RemoteEmbeddedChannel.REMOTE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertFalse;

import gov.nist.javax.sip.message.SIPRequest;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** The whole TCP pipeline, bytes in and bytes out (RFC 3261 §18.2.1, §18.3, §21.4.1, §21.5.14). */
class SipStreamPipelineTest {

    private static final Instant NOW = Instant.parse("2025-01-01T00:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    private final RecordingSipMessageHandler handler = new RecordingSipMessageHandler();
    private final TransportCounters counters = new TransportCounters();
    private final SipConnectionRegistry registry = new SipConnectionRegistry();
    private final EmbeddedChannel channel = new RemoteEmbeddedChannel(new SipStreamChannelInitializer(TransportType.TCP,
            TransportSettings.defaults().withMaxMessageBytes(1024).withClock(CLOCK), handler, counters, registry));

    @Test
    void wellFormedRequestIsDeliveredWithSourceArrivalTimeAndStampedVia() {
        channel.writeInbound(buffer(options("ok-1").text()));

        assertThat(handler.messages).hasSize(1);
        InboundMessage inbound = handler.messages.get(0);
        assertThat(inbound.source()).isEqualTo(new Endpoint(REMOTE, TransportType.TCP));
        assertThat(inbound.receivedAt()).isEqualTo(NOW);
        assertThat(inbound.message().getTopmostVia().encode().trim()).isEqualTo(
                "Via: SIP/2.0/TCP client.example.com:5070;branch=z9hG4bK-ok-1;rport=40000;received=192.0.2.10");
        assertThat(counters.messagesReceived()).isEqualTo(1);
        assertThat(registry.find(new Endpoint(REMOTE, TransportType.TCP))).isSameAs(channel);
        assertThat((Object) channel.readOutbound()).isNull();
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void twoRequestsInOneReadAreBothDelivered() {
        channel.writeInbound(buffer(options("a").text() + options("b").text()));

        assertThat(handler.messages).extracting(m -> m.message().getCallId().getCallId()).containsExactly("a", "b");
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void missingCallIdIsAnsweredWith400NamingTheHeaderOnTheSameConnection() {
        channel.writeInbound(buffer(options("x").without("Call-ID").text()));

        String answer = readText(channel.readOutbound());
        assertThat(answer).startsWith("SIP/2.0 400 Bad Request (Missing Call-ID header)\r\n");
        assertThat(answer).contains("Via: SIP/2.0/TCP client.example.com:5070;branch=z9hG4bK-x;rport=40000;received=192.0.2.10\r\n");
        assertThat(answer).endsWith("Content-Length: 0\r\n\r\n");
        assertThat(handler.messages).isEmpty();
        assertThat(channel.isOpen()).isTrue();
        assertThat(counters.parseFailures()).isEqualTo(1);
        assertThat(counters.badRequestsSent()).isEqualTo(1);
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void malformedCSeqIsAnsweredWith400() {
        channel.writeInbound(buffer(options("c").text().replace("CSeq: 1 OPTIONS", "CSeq: one OPTIONS")));

        assertThat(statusLine(channel.readOutbound())).isEqualTo("SIP/2.0 400 Bad Request (Malformed CSeq)");
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void oversizedMessageIsAnsweredWith513AndTheConnectionClosed() {
        channel.writeInbound(buffer(options("big").text().replace("Content-Length: 0", "Content-Length: 2000")));

        assertThat(statusLine(channel.readOutbound())).isEqualTo("SIP/2.0 513 Message Too Large");
        assertThat(channel.isOpen()).isFalse();
        assertThat(counters.tooLargeSent()).isEqualTo(1);
        assertThat(registry.find(new Endpoint(REMOTE, TransportType.TCP))).isNull();
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void missingContentLengthOnAStreamIsAnsweredWith400AndTheConnectionClosed() {
        channel.writeInbound(buffer(options("nocl").without("Content-Length").text()));

        assertThat(statusLine(channel.readOutbound())).isEqualTo("SIP/2.0 400 Bad Request (Missing Content-Length header)");
        assertThat(channel.isOpen()).isFalse();
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void unanswerableGarbageIsDroppedAndCounted() {
        channel.writeInbound(buffer("HELLO\r\nContent-Length: 0\r\n\r\n"));

        assertThat((Object) channel.readOutbound()).isNull();
        assertThat(counters.dropped()).isEqualTo(1);
        assertThat(channel.isOpen()).isTrue();
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void badAckIsNeverAnswered() {
        channel.writeInbound(buffer(options("ack").text().replace("OPTIONS", "ACK").replace("Call-ID: ack\r\n", "")));

        assertThat((Object) channel.readOutbound()).isNull();
        assertThat(counters.dropped()).isEqualTo(1);
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void encoderWritesTheMessageWithTheStreamTransportInTheTopVia() throws Exception {
        channel.writeInbound(buffer(options("enc").text()));
        SIPRequest request = (SIPRequest) handler.messages.get(0).message();

        channel.writeOutbound(request.createResponse(200));

        assertThat(readText(channel.readOutbound())).startsWith("SIP/2.0 200 OK\r\n")
                .contains("Via: SIP/2.0/TCP client.example.com:5070;");
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void aThrowingHandlerDoesNotCostTheConnection() {
        EmbeddedChannel ch = new RemoteEmbeddedChannel(new SipStreamChannelInitializer(TransportType.TCP,
                TransportSettings.defaults(), m -> {
                    throw new IllegalStateException("boom");
                }, counters, registry));

        ch.writeInbound(buffer(options("boom").text()));

        assertThat(ch.isOpen()).isTrue();
        assertFalse(ch.finishAndReleaseAll());
        assertFalse(channel.finishAndReleaseAll());
    }

    static String statusLine(ByteBuf buf) {
        String s = readText(buf);
        return s.substring(0, s.indexOf("\r\n"));
    }
}
