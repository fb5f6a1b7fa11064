package dev.softswitch.gateway.transport;

import static dev.softswitch.gateway.testing.SipMessageFixtures.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import gov.nist.javax.sip.message.SIPRequest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The real transport on loopback with a TLS listen point (RFC 3261 §26, §18.2.2): a JDK TLS client and server as peers. */
class SipTransportTlsLoopbackTest {

    private static final int TIMEOUT_MILLIS = 5_000;
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private final BlockingQueue<InboundMessage> received = new LinkedBlockingQueue<>();
    private SipTransport transport;
    private int port;

    @BeforeEach
    void start() throws Exception {
        port = freeTcpPort();
        transport = new SipTransport(List.of(ListenPoint.tls(LOOPBACK.getHostAddress(), port, TlsTestCertificates.server())),
                received::add, TransportSettings.defaults().withEventLoopThreads(1),
                new SipTlsClients(TlsTestCertificates.trustingClient(), Map.of()));
        transport.start();
    }

    @AfterEach
    void stop() {
        transport.close();
    }

    @Test
    void optionsOverTlsIsDeliveredAndTheResponseUsesTheSameConnection() throws Exception {
        try (SSLSocket client = (SSLSocket) TlsTestCertificates.jdkContext().getSocketFactory().createSocket(LOOPBACK, port)) {
            client.setSoTimeout(TIMEOUT_MILLIS);
            String request = options("tls-1").via("SIP/2.0/TLS 127.0.0.1:5999;branch=z9hG4bK-tls1;rport").text();
            client.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            client.getOutputStream().flush();

            InboundMessage inbound = received.poll(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
            assertThat(inbound).isNotNull();
            assertThat(inbound.source()).isEqualTo(new Endpoint(
                    new InetSocketAddress(LOOPBACK, client.getLocalPort()), TransportType.TLS));

            transport.sendResponse(((SIPRequest) inbound.message()).createResponse(200));

            assertThat(readMessage(client.getInputStream())).startsWith("SIP/2.0 200 OK\r\n")
                    .contains("Via: SIP/2.0/TLS 127.0.0.1:5999;branch=z9hG4bK-tls1;rport=" + client.getLocalPort());
            assertThat(client.getSession().getProtocol()).isIn("TLSv1.3", "TLSv1.2");
            assertThat(transport.openConnections()).isEqualTo(1);
        }
        assertThat(transport.tlsHandshakeFailures()).isZero();
    }

    /** Issue 11: TLS connections obey the same caps and message timeout as TCP ones. */
    @Test
    void tlsConnectionsOverThePerAddressCapOrHoldingHalfAHeaderAreClosed() throws Exception {
        transport.close();
        transport = new SipTransport(List.of(ListenPoint.tls(LOOPBACK.getHostAddress(), port, TlsTestCertificates.server())),
                received::add, TransportSettings.defaults().withEventLoopThreads(1).withConnectionLimits(
                        new ConnectionLimits(100, 1, Duration.ofMinutes(5), Duration.ofMillis(300))),
                new SipTlsClients(TlsTestCertificates.trustingClient(), Map.of()));
        transport.start();
        try (SSLSocket first = (SSLSocket) TlsTestCertificates.jdkContext().getSocketFactory().createSocket(LOOPBACK, port);
                SSLSocket second = (SSLSocket) TlsTestCertificates.jdkContext().getSocketFactory().createSocket(LOOPBACK, port)) {
            first.setSoTimeout(TIMEOUT_MILLIS);
            second.setSoTimeout(TIMEOUT_MILLIS);
            first.startHandshake();
            assertThatThrownBy(second::startHandshake).isInstanceOf(IOException.class);
            assertThat(transport.counters().closed(StreamCloseReason.MAX_PER_ADDRESS)).isEqualTo(1);

            first.getOutputStream().write("OPTIONS sip:gw@example.com SIP/2.0\r\nVia: SIP/2.0/TLS".getBytes(StandardCharsets.US_ASCII));
            first.getOutputStream().flush();
            try {
                assertThat(first.getInputStream().read()).isEqualTo(-1);
            } catch (SocketException reset) {
                // closed with a reset
            }
            assertThat(transport.counters().closed(StreamCloseReason.MESSAGE_TIMEOUT)).isEqualTo(1);
        }
    }

    /** RFC 8996: a client that offers TLS 1.0 at most gets a fatal protocol_version alert and no SIP. */
    @Test
    void aTls10ClientIsRefusedAndCounted() throws Exception {
        try (Socket client = new Socket(LOOPBACK, port)) {
            client.setSoTimeout(TIMEOUT_MILLIS);
            ByteBuf hello = TlsTestCertificates.oldClientHello(1);
            client.getOutputStream().write(ByteBufUtil.getBytes(hello));
            hello.release();

            byte[] alert = client.getInputStream().readNBytes(7);
            assertThat(alert).hasSize(7);
            assertThat(alert[0]).as("alert record").isEqualTo((byte) 21);
            assertThat(alert[5]).as("fatal").isEqualTo((byte) 2);
            assertThat(alert[6]).as("protocol_version").isEqualTo((byte) 70);
            assertThat(client.getInputStream().read()).as("then closed").isEqualTo(-1);
        }
        awaitCount(transport::tlsHandshakeFailures, 1);
        assertThat(received).isEmpty();
    }

    @Test
    void sendOverTlsOpensAVerifiedConnectionWithTheTlsViaToken() throws Exception {
        // The transport's fallback context trusts the demo certificate the JDK peer presents.
        try (SSLServerSocket peer = (SSLServerSocket) TlsTestCertificates.jdkContext().getServerSocketFactory()
                .createServerSocket(0, 1, LOOPBACK)) {
            peer.setSoTimeout(TIMEOUT_MILLIS);
            Endpoint destination = new Endpoint(new InetSocketAddress(LOOPBACK, peer.getLocalPort()), TransportType.TLS);

            transport.send(options("out-tls-1").build(), destination);
            transport.send(options("out-tls-2").build(), destination);

            try (SSLSocket accepted = (SSLSocket) peer.accept()) {
                accepted.setSoTimeout(TIMEOUT_MILLIS);
                InputStream in = accepted.getInputStream();
                assertThat(readMessage(in)).contains("Call-ID: out-tls-1\r\n")
                        .contains("Via: SIP/2.0/TLS client.example.com:5070;"); // the transport's token, the sender's sent-by
                assertThat(readMessage(in)).contains("Call-ID: out-tls-2\r\n");
            }
        }
        assertThat(transport.tlsHandshakeFailures()).isZero();
    }

    private static void awaitCount(java.util.function.LongSupplier count, long expected) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MILLIS);
        while (count.getAsLong() < expected && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
        assertThat(count.getAsLong()).isEqualTo(expected);
    }

    /** Reads one message with an empty body (up to CRLFCRLF). */
    private static String readMessage(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed after: " + out);
            }
            out.write(b);
            String text = out.toString(StandardCharsets.US_ASCII);
            if (text.endsWith("\r\n\r\n")) {
                return text;
            }
        }
    }

    private static int freeTcpPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, LOOPBACK)) {
            return socket.getLocalPort();
        }
    }
}
