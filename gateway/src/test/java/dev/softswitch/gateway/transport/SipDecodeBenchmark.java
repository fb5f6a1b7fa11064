package dev.softswitch.gateway.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The UDP transport thread's work per received message (issue 14): the whole datagram pipeline of a
 * listen socket (framing, JAIN-SIP parse, request syntax checks, Via received/rport, dispatch), fed a
 * captured baresip INVITE with SDP, the gateway-shaped 200 OK of a carrier and a BYE, each as the
 * content of a pooled direct buffer slice, as epoll hands datagrams over. Run with
 * {@code mvn -o -pl gateway -am test -Pbench -Dbench.include=SipDecodeBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class SipDecodeBenchmark {

    private static final InetSocketAddress SENDER = new InetSocketAddress("127.0.0.1", 5090);
    private static final InetSocketAddress LOCAL = new InetSocketAddress("127.0.0.1", 5060);

    private EmbeddedChannel channel;
    private byte[] invite;
    private byte[] ok;
    private byte[] bye;
    private long delivered;

    @Setup
    public void setUp() throws IOException {
        try (InputStream in = SipDecodeBenchmark.class.getResourceAsStream("/fixtures/sip/baresip-1.0.0-invite-srtp-sdes.sip")) {
            invite = in.readAllBytes();
        }
        String sdp = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                + "m=audio 30000 RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\n";
        ok = ("SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK-b2b-1;received=127.0.0.1;rport=5060\r\n"
                + "From: <sip:+819012345678@127.0.0.1>;tag=gw-1\r\nTo: <sip:+447946000123@127.0.0.1:5080>;tag=carrier-1\r\n"
                + "Call-ID: b2b-1619acae206b42ed\r\nCSeq: 1 INVITE\r\nContact: <sip:carrier@127.0.0.1:5080>\r\n"
                + "Content-Type: application/sdp\r\nContent-Length: " + sdp.length() + "\r\n\r\n" + sdp)
                .getBytes(StandardCharsets.US_ASCII);
        bye = ("BYE sip:gw@127.0.0.1:5060 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5090;branch=z9hG4bK-bye-1;rport\r\n"
                + "Max-Forwards: 70\r\nFrom: <sip:alice@127.0.0.1>;tag=7ed1ebbb217e17a9\r\n"
                + "To: <sip:+447946000123@127.0.0.1:5080>;tag=gw-2\r\nCall-ID: 1619acae206b42ed\r\n"
                + "CSeq: 22852 BYE\r\nContent-Length: 0\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        SipMessageHandler count = message -> delivered++;
        channel = new EmbeddedChannel(new SipDatagramChannelInitializer(
                TransportSettings.defaults().withClock(Clock.systemUTC()), count, new TransportCounters()));
    }

    @TearDown
    public void tearDown() {
        channel.finishAndReleaseAll();
    }

    @Benchmark
    public void inviteOkBye(Blackhole hole) {
        receive(invite);
        receive(ok);
        receive(bye);
        hole.consume(delivered);
    }

    private void receive(byte[] message) {
        ByteBuf whole = PooledByteBufAllocator.DEFAULT.directBuffer(2048);
        whole.writeZero(16).writeBytes(message);
        ByteBuf content = whole.retainedSlice(16, message.length);
        whole.release();
        channel.writeInbound(new DatagramPacket(content, LOCAL, SENDER));
    }
}
