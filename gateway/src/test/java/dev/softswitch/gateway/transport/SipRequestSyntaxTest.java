package dev.softswitch.gateway.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The raw-byte checks JAIN-SIP's parser does not make (RFC 4475 §3.1.2.16, §3.3.8; RFC 5118 §4.2, §4.10). */
class SipRequestSyntaxTest {

    private static SipDecodeResult check(String startLine, String... headers) {
        String text = startLine + "\r\n" + String.join("\r\n", headers) + "\r\n\r\n";
        return SipRequestSyntax.check(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void anotherSipVersionIs505NamingIt() {
        SipDecodeResult r = check("OPTIONS sip:a@example.org SIP/7.0", "Via: SIP/7.0/UDP h;branch=z9hG4bK1");
        assertThat(r.statusCode()).isEqualTo(505);
        assertThat(r.reasonPhrase()).isEqualTo("Version Not Supported (SIP/7.0)");
    }

    @Test
    void anIpv6AddressWithoutBracketsIs400() {
        assertThat(check("REGISTER sip:2001:db8::10 SIP/2.0").reasonPhrase())
                .isEqualTo("Bad Request (Malformed Request-URI: an IPv6 address must be enclosed in brackets)");
    }

    @Test
    void threeColonsAreNoIpv6Address() {
        assertThat(check("OPTIONS sip:user@[2001:db8:::192.0.2.1] SIP/2.0").reasonPhrase())
                .isEqualTo("Bad Request (Malformed Request-URI: [2001:db8:::192.0.2.1] is not an IPv6 address)");
    }

    @Test
    void aPortOutOfRangeIs400() {
        assertThat(check("OPTIONS sip:user@example.com:99999 SIP/2.0").reasonPhrase())
                .isEqualTo("Bad Request (Malformed Request-URI: port '99999' is not a number from 0 to 65535)");
    }

    @Test
    void aSingleValuedHeaderTwiceIs400NamingIt() {
        assertThat(check("INVITE sip:u@example.com SIP/2.0", "Call-ID: a", "CSeq: 1 INVITE", "i: b").reasonPhrase())
                .isEqualTo("Bad Request (Multiple Call-ID headers)");
    }

    @Test
    void validRequestsPass() {
        assertThat(check("OPTIONS sip:user@[2001:db8::10:5070] SIP/2.0", "Call-ID: a", "CSeq: 1 OPTIONS")).isNull();
        assertThat(check("REGISTER sip:[2001:db8::10]:5070 SIP/2.0")).isNull();
        assertThat(check("OPTIONS sip:user;par=u%40example.net@example.com SIP/2.0")).isNull();
        assertThat(check("OPTIONS nobodyKnowsThisScheme:totallyopaquecontent SIP/2.0")).isNull();
        assertThat(check("SIP/2.0 200 OK", "Call-ID: a", "Call-ID: b")).isNull();
    }
    /**
     * The byte reader answers as the string-and-pattern reader it replaced ({@link SipRequestSyntaxReference}) for
     * 200,000 seeded random requests: well-formed ones and ones edited at random (bytes changed, cut, repeated), with
     * the awkward bytes of the grammar (spaces, CR, LF, NEL, colons, brackets, at signs, Latin-1 letters).
     */
    @Test
    void answersAsTheReaderItReplacedForSeededRandomRequests() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        for (int n = 0; n < 200_000; n++) {
            byte[] bytes = edited(random, request(random));
            SipDecodeResult expected = SipRequestSyntaxReference.check(bytes);
            SipDecodeResult actual = SipRequestSyntax.check(bytes);
            assertThat(actual).as("seed %d, request %d: %s", seed, n,
                    new String(bytes, StandardCharsets.ISO_8859_1).replace("\r", "\\r").replace("\n", "\\n"))
                    .isEqualTo(expected);
        }
    }

    private static final String[] METHODS = {"INVITE", "OPTIONS", "BYE", "SIP/2.0", "", "ACK"};
    private static final String[] URIS = {"sip:+447400123456@127.0.0.1:5060", "sip:a@[2001:db8::1]:5070", "sips:b@h",
        "SIP:c@2001:db8::1", "sip:[::1]x", "sip:[::1", "sip:u@h:", "sip:u@h:65536", "sip:u@h:0;transport=udp",
        "tel:+44", "sip:u@h:12a", "sip:u;p=a@b@h:1?x=y", "Sips:h:123456", "sip:", "sip:[]"};
    private static final String[] VERSIONS = {"SIP/2.0", "sip/2.0", "SIP/3.0", "SIP/2.00", "SIP/x", "HTTP/1.1", ""};
    private static final String[] HEADERS = {"Call-ID: a", "i: b", "CSeq: 1 INVITE", "From: <sip:a@h>;tag=1",
        "f: x", "To: y", "t: z", "Max-Forwards: 70", "Content-Length: 0", "l: 0", "Content-Type: application/sdp",
        "c: a/b", "Via: SIP/2.0/UDP h", " call-id : q", "CALL-ID:r", "Contact: <sip:a@h:1>", "X: :", ":", "Ca\u00ecl-ID: s"};
    private static final byte[] AWKWARD = {' ', '\r', '\n', (byte) 0x85, ':', '[', ']', '@', ';', '?', 'S', 's', 'I',
        (byte) 0xcc, (byte) 0xec, '-', '0', '9', '\t', 0};

    private static byte[] request(Random random) {
        StringBuilder b = new StringBuilder();
        b.append(pick(random, METHODS)).append(" ".repeat(random.nextInt(3))).append(pick(random, URIS))
                .append(" ".repeat(random.nextInt(3))).append(pick(random, VERSIONS)).append(" ".repeat(random.nextInt(2)));
        int headers = random.nextInt(6);
        for (int i = 0; i < headers; i++) {
            b.append("\r\n").append(pick(random, HEADERS));
        }
        b.append(random.nextInt(4) == 0 ? "\r\n" : "\r\n\r\n");
        if (random.nextBoolean()) {
            b.append("v=0\r\nCall-ID: body\r\n");
        }
        return b.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] edited(Random random, byte[] bytes) {
        int edits = random.nextInt(4);
        for (int e = 0; e < edits && bytes.length > 0; e++) {
            int at = random.nextInt(bytes.length);
            switch (random.nextInt(3)) {
                case 0 -> bytes[at] = AWKWARD[random.nextInt(AWKWARD.length)];
                case 1 -> bytes = java.util.Arrays.copyOf(bytes, at);
                default -> {
                    byte[] longer = new byte[bytes.length + 1];
                    System.arraycopy(bytes, 0, longer, 0, at + 1);
                    System.arraycopy(bytes, at, longer, at + 1, bytes.length - at);
                    bytes = longer;
                }
            }
        }
        return bytes;
    }

    private static String pick(Random random, String[] options) {
        return options[random.nextInt(options.length)];
    }
}
