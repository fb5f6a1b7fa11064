package dev.softswitch.gateway.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.softswitch.gateway.sip.FastMsgParser;
import gov.nist.javax.sip.header.To;
import gov.nist.javax.sip.message.SIPMessage;
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
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@link SipWireWriter} must write what JAIN-SIP's {@code encodeAsBytes} writes, byte for byte: for the messages
 * the gateway sent in a captured call, for every torture message that parses, for the responses the gateway
 * makes from them, and for seeded random messages with the shapes the writer handles itself and the ones it
 * hands back to JAIN-SIP (display names with non-ASCII text, addr-specs, passwords, IPv6 hosts, flag, empty and
 * quoted parameters, several Vias and Contacts, a wildcard Contact, tel: URIs, URI headers, other charsets).
 * Each message is parsed by JAIN-SIP's parser and by the gateway's own, whose header objects differ inside.
 */
class SipWireWriterTest {

    private static final List<Supplier<StringMsgParser>> PARSERS = List.of(StringMsgParser::new, FastMsgParser::new);

    @Test
    void writesTheCapturedCallAsJainSipDoes() throws IOException {
        for (String name : SipEncodeBenchmark.CALL) {
            assertSameAsJainSip(name, SipEncodeBenchmark.fixture(name));
        }
    }

    @Test
    void writesEveryTortureMessageThatParsesAsJainSipDoes() throws IOException, URISyntaxException {
        Path root = Paths.get(SipWireWriterTest.class.getResource("/torture").toURI());
        List<Path> files;
        try (Stream<Path> walk = Files.walk(root)) {
            files = walk.filter(p -> p.toString().endsWith(".dat")).sorted().toList();
        }
        int compared = 0;
        for (Path file : files) {
            String text = Files.readString(file, StandardCharsets.ISO_8859_1).replace("\r\n", "\n").replace("\n", "\r\n");
            compared += assertSameAsJainSip(file.getFileName().toString(), text.getBytes(StandardCharsets.ISO_8859_1));
        }
        assertThat(compared).as("torture messages that parsed and were compared").isGreaterThan(60);
    }

    @Test
    void writesSeededRandomMessagesAsJainSipDoes() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        int compared = 0;
        for (int n = 0; n < 4_000; n++) {
            byte[] message = randomMessage(random);
            compared += assertSameAsJainSip("seed " + seed + ", message " + n + ":\n"
                    + new String(message, StandardCharsets.UTF_8), message);
        }
        assertThat(compared).as("seed %d: random messages that parsed and were compared", seed).isGreaterThan(6_000);
    }

    @Test
    void writesTheTransportTokenIntoTheTopViaAsJainSipDoes() throws IOException {
        byte[] invite = SipEncodeBenchmark.fixture("gateway-invite-to-carrier");
        SIPMessage ours = parse(new StringMsgParser(), invite);
        SIPMessage theirs = parse(new StringMsgParser(), invite);
        String expected = new String(theirs.encodeAsBytes("TLS"), StandardCharsets.UTF_8);
        String actual = new String(SipWireWriter.encode(ours, "TLS"), StandardCharsets.UTF_8);
        assertThat(actual).isEqualTo(expected).contains("Via: SIP/2.0/TLS 127.0.0.1:5060;");
        assertThat(ours.getTopmostVia().getTransport()).isEqualTo("TLS");
    }

    /** Compares each parser's message, and a tagged response to a request, against JAIN-SIP; returns how many. */
    private static int assertSameAsJainSip(String what, byte[] bytes) {
        int compared = 0;
        for (Supplier<StringMsgParser> parser : PARSERS) {
            SIPMessage ours = parse(parser.get(), bytes);
            SIPMessage theirs = parse(parser.get(), bytes);
            if (ours == null || theirs == null || ours.getTopmostVia() == null) {
                continue;
            }
            String token = ours instanceof SIPRequest ? "UDP" : ours.getTopmostVia().getTransport();
            assertSame(what + " (" + parser.get().getClass().getSimpleName() + ")", ours, theirs, token);
            compared++;
            if (ours instanceof SIPRequest request && request.getCSeqHeader() != null
                    && request.getToHeader() != null && request.getFromHeader() != null && request.getCallId() != null) {
                SIPResponse response = response(request);
                SIPResponse copy = response(request);
                assertSame(what + " (its response)", response, copy, response.getTopmostVia().getTransport());
            }
        }
        return compared;
    }

    private static SIPResponse response(SIPRequest request) {
        SIPResponse response = request.createResponse(180);
        if (response.getToTag() == null) {
            try {
                ((To) response.getTo()).setTag("gw-" + request.getCSeqHeader().getSeqNumber());
            } catch (ParseException e) {
                throw new IllegalStateException(e);
            }
        }
        return response;
    }

    private static void assertSame(String what, SIPMessage ours, SIPMessage theirs, String token) {
        byte[] expected = theirs.encodeAsBytes(token);
        byte[] actual = SipWireWriter.encode(ours, token);
        assertThat(new String(actual, StandardCharsets.ISO_8859_1)).as(what)
                .isEqualTo(new String(expected, StandardCharsets.ISO_8859_1));
    }

    private static SIPMessage parse(StringMsgParser parser, byte[] bytes) {
        try {
            return parser.parseSIPMessage(bytes, true, false, null);
        } catch (ParseException | RuntimeException e) {
            return null;
        }
    }

    private static final String[] HOSTS = {"127.0.0.1", "gw.example.com", "[2001:db8::1]", "192.0.2.7", "EXAMPLE.org"};
    private static final String[] USERS = {"alice", "+447400123456", "bob:secret", "%61lice", "a.b-c_d", ""};
    private static final String[] NAMES = {"Alice", "Zoë Ünal", "José \\\"Pepe\\\"", "", "山田", "A B", "emoji 😀"};
    private static final String[] PARAMS = {"lr", "transport=udp", "transport=TCP", "user=phone", "maddr=192.0.2.1",
        "x=", "q=0.5", "expires=60", "foo=\"bar baz\"", "tag=abc", "ttl=5", "method=INVITE", "gr", "ob", "X-Y=Z"};
    private static final String[] METHODS = {"INVITE", "BYE", "ACK", "OPTIONS", "REGISTER", "CANCEL", "INFO", "NOTIFY"};
    private static final String[] EXTRA = {"Supported: timer", "Allow: INVITE,ACK,BYE", "Session-Expires: 1800;refresher=uas",
        "Min-SE: 90", "P-Asserted-Identity: <sip:+447400000001@127.0.0.1>", "User-Agent: baresip v1.0.0 (x86_64/linux)",
        "Record-Route: <sip:192.0.2.1;lr>", "Route: <sip:192.0.2.1;lr>, <sip:192.0.2.2;lr>", "Expires: 300",
        "Proxy-Authenticate: Digest realm=\"softswitch\", nonce=\"abc\", algorithm=MD5, qop=\"auth\"",
        "X-Custom: anything at all", "Reason: Q.850;cause=16;text=\"Normal\"", "Privacy: id", "Require: timer",
        "Server: softswitch", "Subject: Zoë calls", "Timestamp: 54.5 0.2"};

    static byte[] randomMessage(Random random) {
        StringBuilder m = new StringBuilder();
        boolean request = random.nextBoolean();
        String method = pick(random, METHODS);
        if (request) {
            m.append(method).append(' ').append(random.nextInt(8) == 0 ? "tel:+447400123456" : uri(random, false))
                    .append(" SIP/2.0\r\n");
        } else {
            m.append("SIP/2.0 ").append(pick(random, new String[] {"100", "180", "183", "200", "404", "486", "503"}))
                    .append(random.nextInt(6) == 0 ? "" : " " + pick(random, new String[] {"OK", "Ringing", "Not Found",
                            "Busy Here", "Service Unavailable", "Überlastet"})).append("\r\n");
        }
        List<String> headers = new ArrayList<>();
        int vias = 1 + random.nextInt(3);
        StringBuilder via = new StringBuilder("Via: ");
        for (int i = 0; i < vias; i++) {
            if (i > 0) {
                via.append(random.nextBoolean() ? ", " : "\r\nVia: ");
            }
            via.append("SIP/2.0/").append(pick(random, new String[] {"UDP", "tcp", "TLS", "WS"})).append(' ')
                    .append(pick(random, HOSTS)).append(random.nextBoolean() ? ":" + (1024 + random.nextInt(60000)) : "")
                    .append(";branch=z9hG4bK").append(Long.toHexString(random.nextLong()));
            if (random.nextBoolean()) {
                via.append(";rport").append(random.nextBoolean() ? "=" + random.nextInt(65536) : "");
            }
            if (random.nextBoolean()) {
                via.append(";received=192.0.2.").append(random.nextInt(255));
            }
            if (random.nextInt(10) == 0) {
                via.append(" (a comment)");
            }
        }
        headers.add(via.toString());
        headers.add("From: " + address(random) + ";tag=" + Integer.toHexString(random.nextInt()));
        headers.add("To: " + address(random) + (random.nextBoolean() ? ";tag=" + Integer.toHexString(random.nextInt()) : ""));
        headers.add("Call-ID: " + Long.toHexString(random.nextLong()) + (random.nextBoolean() ? "@" + pick(random, HOSTS) : ""));
        headers.add("CSeq: " + random.nextInt(100_000) + " " + (random.nextInt(10) == 0 ? method.toLowerCase() : method));
        if (random.nextBoolean()) {
            headers.add("Max-Forwards: " + random.nextInt(71));
        }
        int contacts = random.nextInt(4);
        if (contacts > 0) {
            if (random.nextInt(10) == 0) {
                headers.add("Contact: *");
            } else {
                StringBuilder contact = new StringBuilder("Contact: ");
                for (int i = 0; i < contacts; i++) {
                    contact.append(i > 0 ? ", " : "").append(address(random));
                    if (random.nextBoolean()) {
                        contact.append(";expires=").append(random.nextInt(3600));
                    }
                }
                headers.add(contact.toString());
            }
        }
        for (int i = random.nextInt(4); i > 0; i--) {
            headers.add(pick(random, EXTRA));
        }
        String body = "";
        if (random.nextBoolean()) {
            body = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n";
            headers.add("Content-Type: " + pick(random, new String[] {"application/sdp", "application/SDP",
                "application/sdp;charset=UTF-8", "text/plain;charset=ISO-8859-1", "application/sdp;x=\"y\""}));
        }
        java.util.Collections.shuffle(headers, random);
        for (String h : headers) {
            m.append(h).append("\r\n");
        }
        byte[] content = body.getBytes(StandardCharsets.UTF_8);
        m.append("Content-Length: ").append(content.length).append("\r\n\r\n").append(body);
        return m.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String address(Random random) {
        String uri = random.nextInt(10) == 0 ? "tel:+44740012345" + random.nextInt(10) : uri(random, random.nextInt(8) == 0);
        return switch (random.nextInt(4)) {
            case 0 -> uri.contains(";") || uri.contains("?") ? "<" + uri + ">" : uri;
            case 1 -> "<" + uri + ">";
            case 2 -> "\"" + pick(random, NAMES) + "\" <" + uri + ">";
            default -> pick(random, new String[] {"Alice", "Bob", "Carol"}) + " <" + uri + ">";
        };
    }

    private static String uri(Random random, boolean headers) {
        StringBuilder uri = new StringBuilder(random.nextInt(6) == 0 ? "sips:" : "sip:");
        String user = pick(random, USERS);
        if (!user.isEmpty()) {
            uri.append(user).append('@');
        }
        uri.append(pick(random, HOSTS));
        if (random.nextBoolean()) {
            uri.append(':').append(1024 + random.nextInt(60000));
        }
        for (int i = random.nextInt(3); i > 0; i--) {
            uri.append(';').append(pick(random, PARAMS));
        }
        if (headers) {
            uri.append("?subject=hi&priority=urgent");
        }
        return uri.toString();
    }

    private static String pick(Random random, String[] options) {
        return options[random.nextInt(options.length)];
    }
}
