package dev.softswitch.gateway.transport;

import static org.assertj.core.api.Assertions.assertThat;

import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import gov.nist.javax.sip.parser.StringMsgParser;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * 100 Trying written from the INVITE's own headers is, byte for byte, what JAIN-SIP's {@code createResponse(100)}
 * encodes (RFC 3261 §8.2.6: Via, From, To, Call-ID, CSeq, Timestamp, in its order), whatever the INVITE looks like.
 */
class TryingResponseTest {

    private static final Endpoint CLIENT = new Endpoint(new InetSocketAddress("192.0.2.7", 5060), TransportType.UDP);

    static Stream<String> invites() throws IOException {
        List<String> invites = new ArrayList<>();
        invites.add(fixture("/fixtures/sip/baresip-1.0.0-invite-srtp-sdes.sip"));
        // RFC 4475 INVITEs JAIN-SIP reads: several Vias, compact forms, escapes, odd spacing, a Timestamp
        for (String name : List.of("wsinv", "esc01", "escnull", "lwsdisp", "longreq", "dblreq", "intmeth", "semiuri",
                "mpart01", "unreason", "noreason", "transports", "inv2543", "cparam01", "cparam02", "sdp01")) {
            invites.add(fixture("/torture/rfc4475/" + name + ".dat"));
        }
        invites.add("INVITE sip:+447700900123@gw.example.com SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 192.0.2.7:5060;branch=z9hG4bK-1-1-0;rport\r\n"
                + "Via: SIP/2.0/TCP proxy.example.com;branch=z9hG4bKabc;received=198.51.100.1\r\n"
                + "From: \"Alice\" <sip:alice@example.com>;tag=1\r\nTo: <sip:+447700900123@gw.example.com>\r\n"
                + "Call-ID: 1-1@192.0.2.7\r\nCSeq: 1 INVITE\r\nTimestamp: 54.2 0.3\r\nMax-Forwards: 70\r\n"
                + "Contact: <sip:alice@192.0.2.7:5060>\r\nContent-Length: 0\r\n\r\n");
        return invites.stream();
    }

    @ParameterizedTest
    @MethodSource("invites")
    void hasEveryLineOfTheResponseJainSipWouldBuild(String invite) throws Exception {
        SIPMessage parsed = new StringMsgParser().parseSIPMessage(invite.getBytes(StandardCharsets.UTF_8), true, false, null);
        if (!(parsed instanceof SIPRequest request) || !"INVITE".equals(request.getMethod())) {
            return; // a fixture JAIN-SIP reads as something else says nothing here
        }
        SIPResponse reference = request.createResponse(SIPResponse.TRYING);

        EncodedResponse trying = EncodedResponse.trying(request, CLIENT);

        assertThat(trying.statusCode()).isEqualTo(100);
        assertThat(trying.viaDestination()).isEqualTo(CLIENT);
        String text = new String(trying.bytes(), StandardCharsets.UTF_8);
        String expected = new String(SipMessageEncoder.encode(reference, TransportType.UDP), StandardCharsets.UTF_8);
        assertThat(text).startsWith("SIP/2.0 100 Trying\r\n").endsWith("\r\n\r\n");
        assertThat(text).isEqualTo(expected);
        assertThat(sortedLines(text)).as("each header as its own encoder writes it").isEqualTo(headerByHeader(request));
        assertThat(trying.parse().getTopmostVia().getBranch()).isEqualTo(request.getTopmostVia().getBranch());
    }

    /** The lines as JAIN-SIP's encoders write each header (the implementation before SipWireWriter wrote them). */
    private static List<String> headerByHeader(SIPRequest request) {
        StringBuilder out = new StringBuilder("SIP/2.0 100 Trying\r\n");
        for (Object header : new Object[] {request.getViaHeaders(), request.getFromHeader(), request.getToHeader(),
            request.getCallIdHeader(), request.getCSeqHeader(), request.getHeader("Timestamp")}) {
            if (header != null) {
                ((gov.nist.javax.sip.header.SIPHeader) header).encode(out);
            }
        }
        return sortedLines(out.append("Content-Length: 0\r\n\r\n").toString());
    }

    private static List<String> sortedLines(String message) {
        List<String> lines = new ArrayList<>(Arrays.asList(message.split("\r\n")));
        lines.sort(null);
        return lines;
    }

    private static String fixture(String path) throws IOException {
        try (InputStream in = TryingResponseTest.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IOException("no fixture " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
