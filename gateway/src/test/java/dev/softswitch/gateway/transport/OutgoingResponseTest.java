package dev.softswitch.gateway.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.softswitch.gateway.sip.FastMsgParser;
import gov.nist.javax.sip.address.AddressFactoryImpl;
import gov.nist.javax.sip.header.HeaderFactoryImpl;
import gov.nist.javax.sip.header.ProxyAuthenticate;
import gov.nist.javax.sip.header.WWWAuthenticate;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import gov.nist.javax.sip.parser.StringMsgParser;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import javax.sip.header.Header;
import org.junit.jupiter.api.Test;

/**
 * A response described by its request ({@link OutgoingResponse#to}) must go out as the bytes of the message
 * {@code createResponse} and the same calls build, encoded by JAIN-SIP: for the captured baresip INVITE, every
 * torture request that parses, and seeded random requests, each with the answers the gateway gives (407 with
 * two challenges, 180 and 200 with Contact, session timer headers and SDP, 503 with Retry-After, 200 to BYE)
 * and random others, including shapes the writer leaves to JAIN-SIP (repeated or copied headers, a body in
 * another charset, a To that has parameters).
 */
class OutgoingResponseTest {

    private static final HeaderFactoryImpl HEADERS = new HeaderFactoryImpl();
    private static final int[] CODES = {100, 180, 183, 200, 202, 401, 403, 407, 481, 486, 487, 503, 606};
    private static final String[] REASONS = {"OK", "Ringing", "Session Progress", "Proxy Authentication Required",
        "Service Unavailable", "Überlastet", "Not Implemented: method FOO is not supported", null};
    private static final byte[] SDP = ("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
            + "m=audio 4000 RTP/SAVP 0\r\n").getBytes(StandardCharsets.UTF_8);

    @Test
    void theGatewaysAnswersToACapturedInviteAreWrittenAsJainSipEncodesThem() throws Exception {
        byte[] invite = baresipInvite();
        for (StringMsgParser parser : List.of(new StringMsgParser(), new FastMsgParser())) {
            SIPRequest request = (SIPRequest) parser.parseSIPMessage(invite, true, false, null);
            List<OutgoingResponse> answers = List.of(
                    OutgoingResponse.to(request, 407, "Proxy Authentication Required").toTag("a1b2c3d4e5f60718")
                            .header(challenge(true, "SHA-256")).header(challenge(true, "MD5")),
                    OutgoingResponse.to(request, 100, "Trying"),
                    OutgoingResponse.to(request, 180, "Ringing").toTag("0011223344556677").header(contact(false)),
                    OutgoingResponse.to(request, 200, "OK").toTag("0011223344556677").header(contact(false))
                            .header(HEADERS.createHeader("Session-Expires", "1800;refresher=uac"))
                            .header(HEADERS.createHeader("Require", "timer"))
                            .content(SDP, HEADERS.createContentTypeHeader("application", "sdp")),
                    OutgoingResponse.to(request, 503, "Overloaded").toTag("0011223344556677")
                            .header(HEADERS.createRetryAfterHeader(5)));
            for (OutgoingResponse answer : answers) {
                assertThat(answer.written()).as("written straight: %s", answer).isTrue();
                assertWrittenAsJainSip(answer.toString(), answer);
            }
        }
    }

    @Test
    void everyTortureRequestThatParsesIsAnsweredAsJainSipEncodesTheAnswer() throws IOException, URISyntaxException {
        Path root = Paths.get(OutgoingResponseTest.class.getResource("/torture").toURI());
        List<Path> files;
        try (Stream<Path> walk = Files.walk(root)) {
            files = walk.filter(p -> p.toString().endsWith(".dat")).sorted().toList();
        }
        Random random = new Random(7);
        int compared = 0;
        for (Path file : files) {
            String text = Files.readString(file, StandardCharsets.ISO_8859_1).replace("\r\n", "\n").replace("\n", "\r\n");
            compared += compareRandomAnswers(file.getFileName().toString(), text.getBytes(StandardCharsets.ISO_8859_1),
                    random);
        }
        assertThat(compared).as("torture requests answered and compared").isGreaterThan(40);
    }

    @Test
    void seededRandomRequestsAreAnsweredAsJainSipEncodesTheAnswer() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        int compared = 0;
        int written = 0;
        for (int n = 0; n < 3_000; n++) {
            byte[] message = SipWireWriterTest.randomMessage(random);
            String what = "seed " + seed + ", message " + n + ":\n" + new String(message, StandardCharsets.UTF_8);
            for (StringMsgParser parser : List.of(new StringMsgParser(), new FastMsgParser())) {
                SIPRequest request = request(parser, message);
                if (request == null) {
                    continue;
                }
                OutgoingResponse answer = randomAnswer(random, request);
                assertWrittenAsJainSip(what + "\n" + answer, answer);
                compared++;
                written += answer.written() ? 1 : 0;
            }
        }
        assertThat(compared).as("seed %d: random requests answered", seed).isGreaterThan(2_000);
        assertThat(written).as("seed %d: of them written straight, not through JAIN-SIP", seed)
                .isGreaterThan(compared / 3);
    }

    @Test
    void aBuiltResponseGoesOutAsItIsAndCannotBeChangedHere() throws Exception {
        SIPRequest request = request(new StringMsgParser(), baresipInvite());
        SIPResponse built = request.createResponse(486, "Busy Here");
        OutgoingResponse out = OutgoingResponse.of(built);
        assertThat(out.toMessage()).isSameAs(built);
        assertThat(out.statusCode()).isEqualTo(486);
        assertThat(out.written()).isFalse();
        assertThat(new String(out.encode(), StandardCharsets.UTF_8))
                .isEqualTo(new String(built.encodeAsBytes(built.getTopmostVia().getTransport()), StandardCharsets.UTF_8));
        assertThatThrownBy(() -> out.toTag("x")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> OutgoingResponse.to(request, 99, "x")).isInstanceOf(IllegalArgumentException.class);
        OutgoingResponse twice = OutgoingResponse.to(request, 200, "OK")
                .content(SDP, HEADERS.createContentTypeHeader("application", "sdp"));
        assertThatThrownBy(() -> twice.content(SDP, HEADERS.createContentTypeHeader("application", "sdp")))
                .isInstanceOf(IllegalStateException.class);
    }

    private static byte[] baresipInvite() throws IOException, URISyntaxException {
        return Files.readAllBytes(Paths.get(OutgoingResponseTest.class
                .getResource("/fixtures/sip/baresip-1.0.0-invite-srtp-sdes.sip").toURI()));
    }

    private static int compareRandomAnswers(String what, byte[] bytes, Random random) {
        int compared = 0;
        for (StringMsgParser parser : List.of(new StringMsgParser(), new FastMsgParser())) {
            SIPRequest request = request(parser, bytes);
            if (request != null) {
                for (int i = 0; i < 5; i++) {
                    OutgoingResponse answer = randomAnswer(random, request);
                    assertWrittenAsJainSip(what + "\n" + answer, answer);
                }
                compared++;
            }
        }
        return compared;
    }

    /** A request {@code createResponse} can answer: it has the headers a response copies. */
    private static SIPRequest request(StringMsgParser parser, byte[] bytes) {
        try {
            if (parser.parseSIPMessage(bytes, true, false, null) instanceof SIPRequest r && r.getTopmostVia() != null
                    && r.getCSeqHeader() != null && r.getFromHeader() != null && r.getToHeader() != null
                    && r.getCallId() != null) {
                return r;
            }
        } catch (ParseException | RuntimeException e) {
            // not a request this can answer
        }
        return null;
    }

    private static OutgoingResponse randomAnswer(Random random, SIPRequest request) {
        try {
            OutgoingResponse r = OutgoingResponse.to(request, CODES[random.nextInt(CODES.length)],
                    REASONS[random.nextInt(REASONS.length)]);
            if (random.nextInt(3) > 0) {
                r.toTag(Long.toHexString(random.nextLong()));
            }
            List<Header> extra = new ArrayList<>();
            for (int i = random.nextInt(5); i > 0; i--) {
                extra.add(switch (random.nextInt(14)) {
                    case 0, 1 -> contact(random.nextBoolean());
                    case 2 -> challenge(true, random.nextBoolean() ? "MD5" : "SHA-256");
                    case 3 -> challenge(false, "MD5");
                    case 4 -> HEADERS.createHeader("Session-Expires", (90 + random.nextInt(2000)) + ";refresher=uas");
                    case 5 -> HEADERS.createHeader("Require", "timer");
                    case 6 -> HEADERS.createRetryAfterHeader(random.nextInt(120));
                    case 7 -> HEADERS.createAllowHeader("INVITE");
                    case 8 -> HEADERS.createHeader("Reason", "Q.850;cause=16;text=\"Normal\"");
                    case 9 -> HEADERS.createHeader("Supported", "timer");
                    case 10 -> HEADERS.createUnsupportedHeader("100rel");
                    case 11 -> HEADERS.createHeader("X-Gateway", "Zoë");
                    case 12 -> HEADERS.createHeader("CSeq", "1 INVITE"); // copied already: left to JAIN-SIP
                    default -> HEADERS.createContentLengthHeader(0); // likewise
                });
            }
            int bodyAt = random.nextInt(3) == 0 ? random.nextInt(extra.size() + 1) : -1;
            for (int i = 0; i <= extra.size(); i++) {
                if (i == bodyAt) {
                    r.content(SDP, random.nextInt(5) == 0
                            ? HEADERS.createContentTypeHeader("text", "plain; charset=ISO-8859-1")
                            : HEADERS.createContentTypeHeader("application", "sdp"));
                }
                if (i < extra.size()) {
                    r.header(extra.get(i));
                }
            }
            return r;
        } catch (ParseException | javax.sip.InvalidArgumentException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Header contact(boolean tcp) {
        try {
            var uri = new AddressFactoryImpl().createSipURI("gw", "127.0.0.1");
            uri.setPort(5060);
            if (tcp) {
                uri.setTransportParam("tcp");
            }
            return HEADERS.createContactHeader(new AddressFactoryImpl().createAddress(uri));
        } catch (ParseException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Header challenge(boolean proxy, String algorithm) throws ParseException {
        var h = proxy ? new ProxyAuthenticate() : new WWWAuthenticate();
        h.setScheme("Digest");
        h.setRealm("softswitch");
        h.setNonce("MTcz.abc");
        h.setAlgorithm(algorithm);
        h.setQop("auth");
        return h;
    }

    private static void assertWrittenAsJainSip(String what, OutgoingResponse answer) {
        SIPResponse reference = answer.toMessage();
        byte[] expected = reference.encodeAsBytes(reference.getTopmostVia().getTransport());
        assertThat(new String(answer.encode(), StandardCharsets.ISO_8859_1)).as(what)
                .isEqualTo(new String(expected, StandardCharsets.ISO_8859_1));
    }
}
