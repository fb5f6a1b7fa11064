package dev.softswitch.gateway.transport;

import gov.nist.javax.sip.message.SIPMessage;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
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
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The SIP core's encoding of what it sends in one call (issue 14): the seven messages a charged call through
 * the gateway encodes (INVITE, ACK and BYE to the carrier; 407, 180, 200 with SDP and 200 to BYE to the
 * client), as the gateway sent them in a SIPp call (fixtures/sip/outbound), encoded by JAIN-SIP's
 * {@code encodeAsBytes} and by the gateway's {@link SipWireWriter}. Run with
 * {@code mvn -B -q -pl gateway -am test -Pbench -DskipTests -Dbench.include=SipEncodeBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class SipEncodeBenchmark {

    static final List<String> CALL = List.of("gateway-407-challenge", "gateway-invite-to-carrier", "gateway-180-ringing",
            "gateway-200-invite-sdp", "gateway-ack-to-carrier", "gateway-bye-to-carrier", "gateway-200-bye");

    private final List<SIPMessage> messages = new ArrayList<>();

    @Setup
    public void setUp() throws IOException {
        for (String name : CALL) {
            messages.add(SipMessageEncoder.parse(fixture(name)));
        }
    }

    static byte[] fixture(String name) throws IOException {
        try (InputStream in = SipEncodeBenchmark.class.getResourceAsStream("/fixtures/sip/outbound/" + name + ".sip")) {
            return in.readAllBytes();
        }
    }

    @Benchmark
    public void jainSip(Blackhole hole) {
        for (SIPMessage m : messages) {
            hole.consume(m.encodeAsBytes("UDP"));
        }
    }

    @Benchmark
    public void wire(Blackhole hole) {
        for (SIPMessage m : messages) {
            hole.consume(SipWireWriter.encode(m, "UDP"));
        }
    }
}
