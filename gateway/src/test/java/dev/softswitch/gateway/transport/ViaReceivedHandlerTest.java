package dev.softswitch.gateway.transport;

import static dev.softswitch.gateway.testing.SipMessageFixtures.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertFalse;

import gov.nist.javax.sip.header.Via;
import gov.nist.javax.sip.header.ViaList;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.parser.ViaParser;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetSocketAddress;
import java.text.ParseException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The received/rport rule (RFC 3261 §18.2.1, RFC 3581 §4) and where responses go (§18.2.2). */
class ViaReceivedHandlerTest {

    static Stream<Arguments> stampCases() {
        return Stream.of(
                Arguments.of("SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK1", "192.0.2.10", 5060,
                        "SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK1;received=192.0.2.10"),
                Arguments.of("SIP/2.0/UDP 10.1.1.1:5060;branch=z9hG4bK1", "192.0.2.10", 5060,
                        "SIP/2.0/UDP 10.1.1.1:5060;branch=z9hG4bK1;received=192.0.2.10"),
                Arguments.of("SIP/2.0/UDP pc33.example.com;branch=z9hG4bK1", "192.0.2.10", 5060,
                        "SIP/2.0/UDP pc33.example.com;branch=z9hG4bK1;received=192.0.2.10"),
                Arguments.of("SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK1;rport", "192.0.2.10", 61000,
                        "SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK1;rport=61000;received=192.0.2.10"),
                // RFC 3581 §4: a valued rport from a client is not the server's to trust; it is overwritten.
                Arguments.of("SIP/2.0/UDP 10.1.1.1;rport=7000;branch=z9hG4bK1", "10.1.1.1", 61000,
                        "SIP/2.0/UDP 10.1.1.1;rport=61000;branch=z9hG4bK1;received=10.1.1.1"),
                // The reflection of issue 10: the client names a third party; the real source replaces it.
                Arguments.of("SIP/2.0/UDP 127.0.0.1:40000;branch=z9hG4bK1;received=192.0.2.55;rport=6379",
                        "127.0.0.1", 40000, "SIP/2.0/UDP 127.0.0.1:40000;branch=z9hG4bK1;received=127.0.0.1;rport=40000"),
                Arguments.of("SIP/2.0/UDP 10.1.1.1:5060;branch=z9hG4bK1;received=192.0.2.55", "192.0.2.10", 5060,
                        "SIP/2.0/UDP 10.1.1.1:5060;branch=z9hG4bK1;received=192.0.2.10"),
                Arguments.of("SIP/2.0/TCP [2001:db8::1]:5060;branch=z9hG4bK1", "2001:db8:0:0:0:0:0:1", 5060,
                        "SIP/2.0/TCP [2001:db8::1]:5060;branch=z9hG4bK1;received=2001:db8:0:0:0:0:0:1"),
                // RFC 5118 §4.5: a link-local source comes with the kernel's zone, which a Via cannot carry.
                Arguments.of("SIP/2.0/UDP [fe80::1]:5060;branch=z9hG4bK1;rport", "fe80::1%1", 61000,
                        "SIP/2.0/UDP [fe80::1]:5060;branch=z9hG4bK1;rport=61000;received=fe80:0:0:0:0:0:0:1"));
    }

    @ParameterizedTest(name = "{0} from {1}:{2}")
    @MethodSource("stampCases")
    void stampsTheTopVia(String via, String sourceIp, int sourcePort, String expected) throws ParseException {
        Via header = parse(via);

        ViaReceivedHandler.stamp(header, new InetSocketAddress(sourceIp, sourcePort));

        assertThat(header.encode().trim()).isEqualTo("Via: " + expected);
    }

    static Stream<Arguments> responseAddressCases() {
        return Stream.of(
                Arguments.of("SIP/2.0/UDP 10.1.1.1;branch=z9hG4bK1", "10.1.1.1", 5060),
                Arguments.of("SIP/2.0/UDP 10.1.1.1:5070;branch=z9hG4bK1", "10.1.1.1", 5070),
                Arguments.of("SIP/2.0/UDP 10.1.1.1:5070;branch=z9hG4bK1;received=192.0.2.10", "192.0.2.10", 5070),
                Arguments.of("SIP/2.0/UDP 10.1.1.1:5070;branch=z9hG4bK1;received=192.0.2.10;rport=61000",
                        "192.0.2.10", 61000),
                Arguments.of("SIP/2.0/TLS 10.1.1.1;branch=z9hG4bK1", "10.1.1.1", 5061),
                Arguments.of("SIP/2.0/UDP [2001:db8::1]:5070;branch=z9hG4bK1", "2001:db8::1", 5070),
                Arguments.of("SIP/2.0/UDP [2001:db8::1]:5070;branch=z9hG4bK1;received=2001:db8::9;rport=61000",
                        "2001:db8::9", 61000));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("responseAddressCases")
    void responsesGoToReceivedAndRport(String via, String host, int port) throws ParseException {
        assertThat(ViaResponseAddress.resolve(parse(via))).isEqualTo(new InetSocketAddress(host, port));
    }

    @Test
    void aClientSuppliedReceivedAndRportAreReplacedByTheRealSource() {
        EmbeddedChannel channel = new EmbeddedChannel(ViaReceivedHandler.INSTANCE);
        InetSocketAddress realSource = new InetSocketAddress("127.0.0.1", 40_000);
        SIPRequest spoofed = options("reflect-1")
                .via("SIP/2.0/UDP 127.0.0.1:40000;branch=z9hG4bK-r1;received=192.0.2.55;rport=6379").build();

        channel.writeInbound(new DecodedSipMessage(spoofed, new Endpoint(realSource, TransportType.UDP),
                SipDecodeResult.SUCCESS, false));

        DecodedSipMessage delivered = channel.readInbound();
        Via top = delivered.message().getTopmostVia();
        assertThat(top.encode().trim())
                .isEqualTo("Via: SIP/2.0/UDP 127.0.0.1:40000;branch=z9hG4bK-r1;received=127.0.0.1;rport=40000");
        assertThat(ViaResponseAddress.resolve((Via) spoofed.createResponse(200).getTopmostVia()))
                .isEqualTo(realSource);
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void aClientSuppliedReceivedWithoutRportIsReplacedToo() {
        EmbeddedChannel channel = new EmbeddedChannel(ViaReceivedHandler.INSTANCE);
        SIPRequest spoofed = options("reflect-2")
                .via("SIP/2.0/TCP 192.0.2.10:5060;branch=z9hG4bK-r2;received=192.0.2.55").build();

        channel.writeInbound(new DecodedSipMessage(spoofed,
                Endpoint.of("192.0.2.10", 40_000, TransportType.TCP), SipDecodeResult.SUCCESS, false));

        DecodedSipMessage delivered = channel.readInbound();
        assertThat(delivered.message().getTopmostVia().encode().trim())
                .isEqualTo("Via: SIP/2.0/TCP 192.0.2.10:5060;branch=z9hG4bK-r2;received=192.0.2.10");
        assertThat(ViaResponseAddress.resolve((Via) spoofed.createResponse(200).getTopmostVia()))
                .isEqualTo(new InetSocketAddress("192.0.2.10", 5060));
        assertFalse(channel.finishAndReleaseAll());
    }

    private static Via parse(String via) throws ParseException {
        return (Via) ((ViaList) new ViaParser("Via: " + via + "\n").parse()).getFirst();
    }
}
