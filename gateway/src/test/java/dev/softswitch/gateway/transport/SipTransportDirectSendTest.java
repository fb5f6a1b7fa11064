package dev.softswitch.gateway.transport;

import static dev.softswitch.gateway.testing.SipMessageFixtures.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import gov.nist.javax.sip.message.SIPRequest;
import io.netty.channel.epoll.Epoll;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * On epoll a datagram is sent on the UDP socket from the sender's thread: it goes out while the channel's event
 * loop is busy, where a write through the channel would wait for the loop (issue 14: no task and wake-up of the
 * loop for each message the SIP core sends).
 */
class SipTransportDirectSendTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private final BlockingQueue<InboundMessage> received = new LinkedBlockingQueue<>();
    private final CountDownLatch release = new CountDownLatch(1);
    private SipTransport transport;

    @BeforeEach
    void start() throws InterruptedException {
        assumeTrue(Epoll.isAvailable(), "epoll only");
        // the handler runs on the UDP channel's event loop: holding it there keeps that loop busy
        SipMessageHandler holdingTheLoop = inbound -> {
            received.add(inbound);
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        transport = new SipTransport(List.of(new ListenPoint(TransportType.UDP, LOOPBACK.getHostAddress(), 0)),
                holdingTheLoop, TransportSettings.defaults().withEventLoopThreads(1));
        transport.start();
    }

    @AfterEach
    void stop() {
        release.countDown();
        if (transport != null) {
            transport.close();
        }
    }

    @Test
    void aResponseGoesOutWhileTheChannelsEventLoopIsBusy() throws Exception {
        int port = transport.localAddress(TransportType.UDP).getPort();
        try (DatagramSocket client = new DatagramSocket(0, LOOPBACK)) {
            client.setSoTimeout(2_000);
            byte[] request = options("direct-1").via("SIP/2.0/UDP 127.0.0.1:5999;branch=z9hG4bK-direct1;rport").bytes();
            client.send(new DatagramPacket(request, request.length, new InetSocketAddress(LOOPBACK, port)));
            InboundMessage inbound = received.poll(5, TimeUnit.SECONDS);
            assertThat(inbound).as("request delivered; the loop now waits in the handler").isNotNull();

            transport.sendResponse(((SIPRequest) inbound.message()).createResponse(200), inbound.source());

            DatagramPacket answer = new DatagramPacket(new byte[4096], 4096);
            client.receive(answer); // times out (2 s) if the send waited for the held loop
            assertThat(new String(answer.getData(), 0, answer.getLength(), StandardCharsets.US_ASCII))
                    .startsWith("SIP/2.0 200 OK\r\n").contains("Call-ID: direct-1\r\n");
            assertThat(answer.getPort()).isEqualTo(port);
        }
    }
}
