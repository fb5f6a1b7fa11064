package dev.softswitch.gateway.transport;

import static dev.softswitch.gateway.testing.SipMessageFixtures.buffer;
import static dev.softswitch.gateway.testing.SipMessageFixtures.options;
import static dev.softswitch.gateway.transport.RemoteEmbeddedChannel.REMOTE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertFalse;

import gov.nist.javax.sip.message.SIPRequest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.Test;

/**
 * The TLS stream pipeline (RFC 3261 §26.2.1): the TCP pipeline behind an SslHandler, driven through
 * EmbeddedChannels that hand each other their TLS records.
 */
class SipTlsPipelineTest {

    private static final Instant NOW = Instant.parse("2025-01-01T00:00:00Z");
    private static final InetSocketAddress GATEWAY_ADDRESS = new InetSocketAddress("127.0.0.1", 5061);

    private final RecordingSipMessageHandler handler = new RecordingSipMessageHandler();
    private final TransportCounters counters = new TransportCounters();
    private final SipConnectionRegistry registry = new SipConnectionRegistry();
    private final TransportSettings settings = TransportSettings.defaults().withClock(Clock.fixed(NOW, ZoneOffset.UTC));

    private EmbeddedChannel server() throws SSLException {
        return new RemoteEmbeddedChannel(new SipStreamChannelInitializer(TransportType.TLS, settings, handler, counters,
                registry, SipTlsHandlerFactory.server(TlsTestCertificates.server())));
    }

    @Test
    void requestOverTlsIsDeliveredAsTlsAndItsAnswerGoesBackEncrypted() throws Exception {
        EmbeddedChannel server = server();
        EmbeddedChannel client = new EmbeddedChannel(SipTlsHandlerFactory.client(TlsTestCertificates.trustingClient(),
                GATEWAY_ADDRESS).newHandler(ByteBufAllocator.DEFAULT));
        exchange(client, server);

        client.writeOutbound(buffer(options("tls-1").via("SIP/2.0/TLS 192.0.2.10:40000;branch=z9hG4bK-tls1;rport").text()));
        exchange(client, server);

        assertThat(handler.messages).hasSize(1);
        InboundMessage inbound = handler.messages.get(0);
        assertThat(inbound.source()).isEqualTo(new Endpoint(REMOTE, TransportType.TLS));
        assertThat(registry.find(new Endpoint(REMOTE, TransportType.TLS))).isSameAs(server);
        assertThat(registry.find(new Endpoint(REMOTE, TransportType.TCP))).as("never reused for TCP").isNull();

        server.writeOutbound(((SIPRequest) inbound.message()).createResponse(200));
        exchange(client, server);

        assertThat(plainText(client)).startsWith("SIP/2.0 200 OK\r\n")
                .contains("Via: SIP/2.0/TLS 192.0.2.10:40000;branch=z9hG4bK-tls1;rport=40000;received=192.0.2.10\r\n");
        assertThat(counters.tlsHandshakeFailures()).isZero();
        // Closing leaves each side's close_notify alert (RFC 8446 §6.1) unsent, nothing else.
        assertThat(server.finishAndReleaseAll()).isTrue();
        assertThat(client.finishAndReleaseAll()).isTrue();
        assertThat(registry.find(new Endpoint(REMOTE, TransportType.TLS))).isNull();
    }

    @Test
    void plainSipOnTheTlsPortIsAFailedHandshakeThatClosesTheConnection() throws Exception {
        EmbeddedChannel server = server();

        server.writeInbound(buffer(options("plain-1").text()));

        assertThat(server.isOpen()).isFalse();
        assertThat(handler.messages).isEmpty();
        assertThat(counters.tlsHandshakeFailures()).isEqualTo(1);
        assertFalse(server.finishAndReleaseAll());
    }

    /** RFC 8996 §5: TLS 1.0 and 1.1 are refused with a fatal protocol_version alert (RFC 8446 §6.2, code 70). */
    @Test
    void tls10And11ClientHellosGetAProtocolVersionAlert() throws Exception {
        for (int minor : new int[] {1, 2}) {
            EmbeddedChannel server = server();

            server.writeInbound(TlsTestCertificates.oldClientHello(minor));

            ByteBuf alert = server.readOutbound();
            assertThat(alert).as("TLS 1.%d", minor - 1).isNotNull();
            assertThat(alert.getByte(0)).as("record type alert").isEqualTo((byte) 21);
            assertThat(alert.getShort(3)).as("length").isEqualTo((short) 2);
            assertThat(alert.getByte(5)).as("level fatal").isEqualTo((byte) 2);
            assertThat(alert.getByte(6)).as("protocol_version").isEqualTo((byte) 70);
            alert.release();
            assertThat(server.isOpen()).isFalse();
            server.finishAndReleaseAll();
        }
        assertThat(counters.tlsHandshakeFailures()).isEqualTo(2);
        assertThat(handler.messages).isEmpty();
    }

    @Test
    void anOutboundConnectionRefusesAServerItsTrustStoreDoesNotKnow() throws Exception {
        // The gateway as client with only the JDK's CAs: the self-signed server certificate fails.
        EmbeddedChannel client = new RemoteEmbeddedChannel(new SipStreamChannelInitializer(TransportType.TLS, settings,
                handler, counters, registry, SipTlsHandlerFactory.client(SipTlsContexts.client(List.of()), GATEWAY_ADDRESS)));
        EmbeddedChannel server = new EmbeddedChannel(TlsTestCertificates.server().newHandler(ByteBufAllocator.DEFAULT),
                new ChannelInboundHandlerAdapter() {
                    @Override
                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                        ctx.close(); // the client's certificate_unknown alert
                    }
                });

        exchange(client, server);

        assertThat(client.isOpen()).isFalse();
        assertThat(counters.tlsHandshakeFailures()).isEqualTo(1);
        assertFalse(client.finishAndReleaseAll());
        server.finishAndReleaseAll();
    }

    @Test
    void tlsNeedsItsHandlerFactoryAndTcpRefusesOne() throws Exception {
        assertThatThrownBy(() -> new SipStreamChannelInitializer(TransportType.TLS, settings, handler, counters, registry))
                .isInstanceOf(IllegalArgumentException.class);
        SipTlsHandlerFactory tls = SipTlsHandlerFactory.server(TlsTestCertificates.server());
        assertThatThrownBy(() -> new SipStreamChannelInitializer(TransportType.TCP, settings, handler, counters, registry, tls))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** Hands each channel's written records to the other until both are quiet. */
    private static void exchange(EmbeddedChannel a, EmbeddedChannel b) {
        while (move(a, b) | move(b, a)) {
            // until nothing moves
        }
    }

    private static boolean move(EmbeddedChannel from, EmbeddedChannel to) {
        boolean moved = false;
        for (ByteBuf record = from.readOutbound(); record != null; record = from.readOutbound()) {
            moved = true;
            if (to.isOpen()) {
                to.writeInbound(record);
            } else {
                record.release();
            }
        }
        return moved;
    }

    private static String plainText(EmbeddedChannel client) {
        StringBuilder text = new StringBuilder();
        for (ByteBuf b = client.readInbound(); b != null; b = client.readInbound()) {
            text.append(b.toString(StandardCharsets.US_ASCII));
            b.release();
        }
        return text.toString();
    }

}
