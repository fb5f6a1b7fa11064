package dev.softswitch.gateway.transport;

import static dev.softswitch.gateway.testing.SipMessageFixtures.options;
import static org.assertj.core.api.Assertions.assertThat;

import gov.nist.javax.sip.message.SIPRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The real transport on loopback: UDP and TCP bound on the same port, requests in, responses back. */
class SipTransportLoopbackTest {

    private static final int TIMEOUT_MILLIS = 5_000;
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private final BlockingQueue<InboundMessage> received = new LinkedBlockingQueue<>();
    private SipTransport transport;
    private int port;

    @BeforeEach
    void start() throws Exception {
        port = freeTcpPort();
        String host = LOOPBACK.getHostAddress();
        transport = new SipTransport(
                List.of(new ListenPoint(TransportType.UDP, host, port), new ListenPoint(TransportType.TCP, host, port)),
                received::add, TransportSettings.defaults().withEventLoopThreads(1));
        transport.start();
    }

    @AfterEach
    void stop() {
        transport.close();
    }

    @Test
    void bothListenPointsShareThePort() {
        assertThat(transport.localAddress(TransportType.UDP).getPort()).isEqualTo(port);
        assertThat(transport.localAddress(TransportType.TCP).getPort()).isEqualTo(port);
    }

    @Test
    void optionsOverUdpIsDeliveredAndTheResponseGoesToTheRport() throws Exception {
        try (DatagramSocket client = new DatagramSocket(0, LOOPBACK)) {
            client.setSoTimeout(TIMEOUT_MILLIS);
            byte[] request = options("udp-1").via("SIP/2.0/UDP 127.0.0.1:5999;branch=z9hG4bK-udp1;rport").bytes();
            client.send(new DatagramPacket(request, request.length, new InetSocketAddress(LOOPBACK, port)));

            InboundMessage inbound = received.poll(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
            assertThat(inbound).isNotNull();
            assertThat(inbound.source().transport()).isEqualTo(TransportType.UDP);
            assertThat(inbound.source().address().getPort()).isEqualTo(client.getLocalPort());
            assertThat(inbound.message().getTopmostVia().getRPort()).isEqualTo(client.getLocalPort());

            transport.sendResponse(((SIPRequest) inbound.message()).createResponse(200));

            DatagramPacket answer = new DatagramPacket(new byte[4096], 4096);
            client.receive(answer);
            assertThat(new String(answer.getData(), 0, answer.getLength(), StandardCharsets.US_ASCII))
                    .startsWith("SIP/2.0 200 OK\r\n").contains("Call-ID: udp-1\r\n");
            assertThat(answer.getPort()).isEqualTo(port);
        }
        assertThat(transport.messagesReceived()).isEqualTo(1);
        if (io.netty.channel.epoll.Epoll.isAvailable()) {
            // Sent from this thread, not the event loop's: straight on the socket, no task for the loop.
            assertThat(transport.datagramsSentDirect()).isEqualTo(1);
        }
    }

    @Test
    void aResponseSentAgainFromItsBytesGoesWhereItWentTheFirstTimeOverUdpAndTcp() throws Exception {
        try (DatagramSocket client = new DatagramSocket(0, LOOPBACK)) {
            client.setSoTimeout(TIMEOUT_MILLIS);
            byte[] request = options("udp-again").via("SIP/2.0/UDP 127.0.0.1:5999;branch=z9hG4bK-udp2;rport").bytes();
            client.send(new DatagramPacket(request, request.length, new InetSocketAddress(LOOPBACK, port)));
            InboundMessage inbound = received.poll(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
            assertThat(inbound).isNotNull();

            EncodedResponse sent = transport.sendEncodedResponse(((SIPRequest) inbound.message()).createResponse(486),
                    inbound.source());
            transport.resendResponse(sent, inbound.source());

            for (int i = 0; i < 2; i++) {
                DatagramPacket answer = new DatagramPacket(new byte[4096], 4096);
                client.receive(answer);
                assertThat(java.util.Arrays.copyOf(answer.getData(), answer.getLength())).isEqualTo(sent.bytes());
            }
            assertThat(sent.statusCode()).isEqualTo(486);
            assertThat(sent.viaDestination()).isEqualTo(new Endpoint(
                    new InetSocketAddress(LOOPBACK, client.getLocalPort()), TransportType.UDP));
        }
        try (Socket client = new Socket(LOOPBACK, port)) {
            client.setSoTimeout(TIMEOUT_MILLIS);
            // No rport: only the connection the request came on reaches the client.
            String request = options("tcp-again").via("SIP/2.0/TCP 127.0.0.1:5999;branch=z9hG4bK-tcp2").text();
            client.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            client.getOutputStream().flush();
            InboundMessage inbound = received.poll(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
            assertThat(inbound).isNotNull();

            EncodedResponse sent = transport.sendEncodedResponse(((SIPRequest) inbound.message()).createResponse(486),
                    inbound.source());
            transport.resendResponse(sent, inbound.source());

            String expected = new String(sent.bytes(), StandardCharsets.US_ASCII);
            assertThat(readMessage(client.getInputStream())).isEqualTo(expected);
            assertThat(readMessage(client.getInputStream())).isEqualTo(expected);
        }
    }

    @Test
    void optionsOverTcpIsDeliveredAndTheResponseUsesTheSameConnection() throws Exception {
        try (Socket client = new Socket(LOOPBACK, port)) {
            client.setSoTimeout(TIMEOUT_MILLIS);
            String request = options("tcp-1").via("SIP/2.0/TCP 127.0.0.1:5999;branch=z9hG4bK-tcp1;rport").text();
            client.getOutputStream().write(("\r\n\r\n" + request).getBytes(StandardCharsets.US_ASCII));
            client.getOutputStream().flush();

            InboundMessage inbound = received.poll(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
            assertThat(inbound).isNotNull();
            assertThat(inbound.source()).isEqualTo(new Endpoint(
                    new InetSocketAddress(LOOPBACK, client.getLocalPort()), TransportType.TCP));

            transport.sendResponse(((SIPRequest) inbound.message()).createResponse(200));

            assertThat(readMessage(client.getInputStream())).startsWith("SIP/2.0 200 OK\r\n").contains("Call-ID: tcp-1\r\n");
            assertThat(transport.openConnections()).isEqualTo(1);
        }
    }

    @Test
    void badTcpRequestGets400OnTheConnection() throws Exception {
        try (Socket client = new Socket(LOOPBACK, port)) {
            client.setSoTimeout(TIMEOUT_MILLIS);
            String request = options("bad").via("SIP/2.0/TCP 127.0.0.1:5999;branch=z9hG4bK-bad;rport")
                    .without("Call-ID").text();
            client.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));

            assertThat(readMessage(client.getInputStream())).startsWith("SIP/2.0 400 Bad Request (Missing Call-ID header)\r\n");
        }
        assertThat(transport.badRequestsSent()).isEqualTo(1);
    }

    @Test
    void sendOverTcpOpensOneConnectionAndReusesIt() throws Exception {
        try (ServerSocket peer = new ServerSocket(0, 1, LOOPBACK)) {
            peer.setSoTimeout(TIMEOUT_MILLIS);
            Endpoint destination = new Endpoint(new InetSocketAddress(LOOPBACK, peer.getLocalPort()), TransportType.TCP);
            SIPRequest first = options("out-1").build();
            SIPRequest second = options("out-2").build();

            transport.send(first, destination);
            transport.send(second, destination);

            try (Socket accepted = peer.accept()) {
                accepted.setSoTimeout(TIMEOUT_MILLIS);
                InputStream in = accepted.getInputStream();
                assertThat(readMessage(in)).contains("Call-ID: out-1\r\n");
                assertThat(readMessage(in)).contains("Call-ID: out-2\r\n");
            }
        }
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
