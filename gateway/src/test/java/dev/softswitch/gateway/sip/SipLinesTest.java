package dev.softswitch.gateway.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.softswitch.gateway.fuzz.SipMutator;
import dev.softswitch.gateway.testing.DeepFields;
import dev.softswitch.gateway.transport.SipMessageDecoder;
import dev.softswitch.gateway.transport.TransportType;
import gov.nist.javax.sip.address.AddressFactoryImpl;
import gov.nist.javax.sip.header.SIPHeader;
import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.parser.ParseExceptionListener;
import gov.nist.javax.sip.parser.ParserFactory;
import gov.nist.javax.sip.parser.StringMsgParser;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The fast line reader may decline any line, but what it reads must be exactly what JAIN-SIP's own
 * parsers build from the same line, field by field ({@link DeepFields}), and it must never take a
 * line JAIN-SIP refuses. Checked on the shapes SIPp and the app clients send, on every line of the
 * captures and torture messages, on seeded random lines, and on whole (mutated) messages, where
 * the parse errors reported must also be the same. Seeds are printed on failure.
 */
class SipLinesTest {

    static {
        // JAIN-SIP's message parser logs through log4j unless the decoder has put SLF4J in its place.
        new SipMessageDecoder(TransportType.UDP);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "INVITE sip:+447400123456@127.0.0.1:17060 SIP/2.0",
        "ACK sip:127.0.0.1:17080;transport=UDP SIP/2.0",
        "BYE sip:bench@127.0.0.1:5061;transport=UDP SIP/2.0",
        "INVITE sip:+447946000123@127.0.0.1:5080;transport=udp SIP/2.0",
        "SIP/2.0 200 OK",
        "SIP/2.0 407 Proxy Authentication Required",
        "SIP/2.0 100 Trying",
        "Via: SIP/2.0/UDP 127.0.0.1:5061;branch=z9hG4bK-2345-17-0",
        "Via: SIP/2.0/UDP 127.0.0.1:5090;branch=z9hG4bKb2a0ea8067394711;rport",
        "Via: SIP/2.0/UDP 127.0.0.1:5061;branch=z9hG4bK-1-1-0;received=127.0.0.2;rport=5061",
        "v: SIP/2.0/TCP gw.example.com;branch=z9hG4bKabc",
        "From: <sip:bench@127.0.0.1:5061>;tag=2345SIPpTag0017",
        "From: sipp <sip:sipp@127.0.0.1:5061>;tag=1",
        "From: \"Alice Smith\" <sip:alice@example.com>;tag=a1",
        "f: <sip:alice@127.0.0.1>;tag=7ed1ebbb217e17a9",
        "To: <sip:+447400123456@127.0.0.1:17060>",
        "To: <sip:+447400123456@127.0.0.1:17060>;tag=5678SIPpTag011",
        "To: sip:bob@example.com",
        "Contact: <sip:bench@127.0.0.1:5061;transport=UDP>",
        "Contact: <sip:127.0.0.1:17080;transport=UDP>",
        "Contact: sip:sipp@127.0.0.1:5061",
        "Contact: <sip:alice-0x5574fe393730@127.0.0.1:5090>;expires=3600",
        "m: <sips:alice@example.com;transport=tls;ob>;+sip.ice",
        "Call-ID: 17-2345@127.0.0.1",
        "i: 1619acae206b42ed",
        "CSeq: 1 INVITE",
        "CSeq: 22851 INVITE",
        "CSeq: 3 BYE",
        "Max-Forwards: 70",
        "Content-Length: 0",
        "l: 423",
        "Content-Type: application/sdp",
        "c: application/sdp",
        "Subject: basic-call",
        "Subject: hello",
        "s:  Zoë calls \t",
        "SUBJECT :a  b",
        "Proxy-Authorization: Digest username=\"bench\",realm=\"softswitch\",cnonce=\"6b8b4567\",nc=00000001,"
            + "qop=auth,uri=\"sip:+447400123456@127.0.0.1:17060\",nonce=\"AAAB-x/9+z=\",response=\"0cc175b9c0f1b6a8\","
            + "algorithm=MD5",
        "Authorization: Digest username=\"alice\", realm=\"softswitch\", nonce=\"n1\", uri=\"sip:127.0.0.1\", "
            + "response=\"e2c4\", algorithm=SHA-256, cnonce=\"c1\", qop=auth, nc=00000002",
    })
    void readsTheShapesCallsCarryAsJainSipDoes(String line) throws ParseException {
        Object fast = read(line);
        assertNotNull(fast, "the fast reader declined " + line);
        assertSame(line, fast, reference(line));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "Via: SIP/2.0/UDP [::1]:5060;branch=z9hG4bK1",
        "Via: SIP/2.0/UDP 1.2.3.4;branch=z9hG4bK1, SIP/2.0/UDP 5.6.7.8;branch=z9hG4bK2",
        "Via: SIP/2.0/UDP 1.2.3.4 ;branch=z9hG4bK1",
        "Via: SIP/2.0/UDP 1.2.3.4;branch=\"x\"",
        "Via: SIP/2.0/UDP 1.2.3.4;branch",
        "Via: SIP/2.0/UDP 1.2.3.4 (comment)",
        "From: \"Ali\\\"ce\" <sip:alice@example.com>;tag=1",
        "From: <sip:al%20ice@example.com>;tag=1",
        "From: <sip:alice:secret@example.com>;tag=1",
        "From: <tel:+4420794600>;tag=1",
        "From: <sip:alice@example.com?subject=x>;tag=1",
        "To: <sip:alice@example.com> ;tag=1",
        "Contact: *",
        "Contact: <sip:a@1.2.3.4>, <sip:b@1.2.3.4>",
        "Contact: <sip:a@1.2.3.4>;+sip.instance=\"<urn:uuid:1>\"",
        "CSeq: 1 invite",
        "CSeq: 12345678901 INVITE",
        "Max-Forwards: 1000",
        "Content-Type: application/sdp;charset=utf-8",
        "Call-ID:",
        "Proxy-Authorization: Digest username=\"a\\\"b\",realm=\"x\"",
        "Proxy-Authorization: Digest username = \"a\"",
        "Authorization: Digest",
        "INVITE sip:bob@example.com SIP/3.0",
        "INVITE tel:+4420794600 SIP/2.0",
        "invite sip:bob@example.com SIP/2.0",
        "INVITE SIP/2.0",
        "INVITE  SIP/2.0",
        "INVITE sip:bob@example.com  SIP/2.0",
        "SIP/2.0 2000 OK",
        "SIP/2.0 200",
    })
    void leavesEverythingElseToJainSip(String line) {
        assertNull(read(line), "the fast reader took " + line);
    }

    private static boolean isHeader(String line) {
        return line.matches("^[A-Za-z-]+[ \t]*:.*");
    }

    private static Object read(String line) {
        return isHeader(line) ? SipLines.header(line) : SipLines.firstLine(line);
    }

    @Test
    void everyLineOfTheCapturesAndTortureMessagesReadsAsJainSipReadsIt() throws ParseException {
        int taken = 0;
        for (byte[] message : SipMutator.resourceCorpus()) {
            taken += compareLines(message, "corpus");
        }
        assertTrue(taken > 150, "the fast reader took only " + taken + " corpus lines");
    }

    @Test
    void mutatedMessagesParseToTheSameMessageWithTheSameComplaints() throws ParseException {
        long seed = System.nanoTime();
        try {
            SipMutator mutator = new SipMutator(SipMutator.resourceCorpus(), seed);
            for (int n = 0; n < 3000; n++) {
                SipMutator.Mutation mutation = mutator.next();
                compareLines(mutation.bytes(), mutation.description());
                compareMessages(mutation.bytes(), mutation.description());
            }
            for (byte[] message : SipMutator.resourceCorpus()) {
                compareMessages(message, "corpus");
            }
        } catch (AssertionError | RuntimeException e) {
            throw new AssertionError("seed " + seed + ": " + e.getMessage(), e);
        }
    }

    @Test
    void randomLinesNearTheCommonShapesReadAsJainSipReadsThem() throws ParseException {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        int taken = 0;
        try {
            for (int n = 0; n < 20_000; n++) {
                String line = RandomLines.line(random);
                if (compareLine(line) != null) {
                    taken++;
                }
            }
        } catch (AssertionError | RuntimeException e) {
            throw new AssertionError("seed " + seed + ": " + e.getMessage(), e);
        }
        assertTrue(taken > 4_000, "seed " + seed + ": the fast reader took only " + taken + " of 20,000 lines");
    }

    @Test
    void addressesAndUrisReadAsJainSipsAddressFactoryReadsThem() throws ParseException {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        AddressFactoryImpl factory = new AddressFactoryImpl();
        int taken = 0;
        try {
            for (int n = 0; n < 20_000; n++) {
                boolean address = random.nextBoolean();
                String text = address ? RandomLines.addressText(random) : RandomLines.uriText(random);
                Object fast = address ? SipLines.address(text) : SipLines.uri(text);
                if (fast == null) {
                    continue;
                }
                taken++;
                Object reference;
                try {
                    reference = address ? factory.createAddress(text) : factory.createURI(text);
                } catch (ParseException | RuntimeException e) {
                    throw new AssertionError("the fast reader took what JAIN-SIP refuses (" + e + "): " + text);
                }
                String difference = DeepFields.difference(reference, fast);
                assertNull(difference, text + "\n  " + difference);
                assertEquals(reference.toString(), fast.toString());
                assertEquals(reference.toString(), (address ? SipLines.parseAddress(text) : SipLines.parseUri(text))
                        .toString());
            }
        } catch (AssertionError | RuntimeException e) {
            throw new AssertionError("seed " + seed + ": " + e.getMessage(), e);
        }
        assertTrue(taken > 5_000, "seed " + seed + ": the fast reader took only " + taken + " of 20,000");
        assertEquals("tel:+4420794600", SipLines.parseUri("tel:+4420794600").toString(), "declined, JAIN-SIP's");
        assertEquals("\"A\\\"B\" <sip:a@example.com>",
                SipLines.parseAddress("\"A\\\"B\" <sip:a@example.com>").toString(), "declined, JAIN-SIP's");
    }

    @Test
    void aUriFromUserAndHostIsTheOneJainSipsFactoryBuilds() throws ParseException {
        AddressFactoryImpl factory = new AddressFactoryImpl();
        String[] users = {null, "gw", "+447400123456", "anonymous", "a%20b", "alice;npdi", "x@y", ""};
        String[] hosts = {"127.0.0.1", "192.0.2.10", "gw.example.com", "::1", "2001:db8::1", "[::1]", "Host-1.Example"};
        for (String user : users) {
            for (String host : hosts) {
                Object reference;
                try {
                    reference = factory.createSipURI(user, host);
                } catch (ParseException e) {
                    reference = e.getClass();
                }
                Object ours;
                try {
                    ours = SipLines.sipUri(user, host);
                } catch (ParseException e) {
                    ours = e.getClass();
                }
                String difference = DeepFields.difference(reference, ours);
                assertNull(difference, user + " @ " + host + ": " + difference);
            }
        }
        assertNotNull(SipLines.uri("sip:gw@127.0.0.1"), "the shape the gateway's Contact has is read here");
    }

    /** Compares each start and header line of a message; answers how many the fast reader took. */
    private static int compareLines(byte[] message, String origin) throws ParseException {
        String text = new String(message, StandardCharsets.UTF_8);
        int end = text.indexOf("\r\n\r\n");
        String head = (end < 0 ? text : text.substring(0, end)).replaceAll("\r\n[ \t]+", " ");
        int taken = 0;
        boolean first = true;
        for (String raw : head.split("\r?\n")) {
            String line = raw.replaceAll("[\\x00-\\x20]+$", "");
            if (line.isEmpty()) {
                continue;
            }
            try {
                Object fast = first ? SipLines.firstLine(line) : SipLines.header(line);
                if (fast != null) {
                    taken++;
                    assertSame(line, fast, first ? referenceFirstLine(line) : referenceHeader(line));
                }
            } catch (AssertionError e) {
                throw new AssertionError(origin + ": " + e.getMessage(), e);
            }
            first = false;
        }
        return taken;
    }

    /** The fast reading of one header line, checked against JAIN-SIP's; null when declined. */
    private static Object compareLine(String line) {
        Object fast = SipLines.header(line);
        if (fast != null) {
            assertSame(line, fast, referenceHeader(line));
        }
        return fast;
    }

    private static void compareMessages(byte[] message, String origin) {
        List<String> fastComplaints = new ArrayList<>();
        List<String> plainComplaints = new ArrayList<>();
        Object fast = parse(new FastMsgParser(), message, fastComplaints);
        Object plain = parse(new StringMsgParser(), message, plainComplaints);
        assertEquals(plainComplaints, fastComplaints, origin + ": complaints");
        String difference = DeepFields.difference(plain, fast);
        assertNull(difference, origin + ": " + difference);
    }

    private static Object parse(StringMsgParser parser, byte[] message, List<String> complaints) {
        ParseExceptionListener listener = (ex, msg, headerClass, headerText, messageText) ->
                complaints.add(headerClass + " " + headerText);
        try {
            return parser.parseSIPMessage(message.clone(), true, false, listener);
        } catch (ParseException | RuntimeException e) {
            return e.getClass().getName();
        }
    }

    private static Object reference(String line) {
        return isHeader(line) ? referenceHeader(line) : referenceFirstLine(line);
    }

    /** What JAIN-SIP makes of a header line, as its message parser calls it; an exception if it refuses. */
    private static Object referenceHeader(String line) {
        try {
            return ParserFactory.createParser(line + "\n").parse();
        } catch (ParseException | RuntimeException e) {
            return e;
        }
    }

    private static Object referenceFirstLine(String line) {
        try {
            return new FirstLine().read(line);
        } catch (ParseException | RuntimeException e) {
            return e;
        }
    }

    private static void assertSame(String line, Object fast, Object reference) {
        if (reference instanceof Exception e) {
            fail("the fast reader took what JAIN-SIP refuses (" + e + "): " + line);
        }
        String difference = DeepFields.difference(reference, fast);
        if (difference != null) {
            fail("read differently from JAIN-SIP: " + line + "\n  " + difference);
        }
        String encoded = fast instanceof SIPHeader h ? h.encode() : ((SIPMessage) fast).encode();
        String expected = reference instanceof SIPHeader h ? h.encode() : ((SIPMessage) reference).encode();
        assertEquals(expected, encoded, line);
    }

    /** JAIN-SIP's start line reading, with no listener: a bad line throws. */
    private static final class FirstLine extends StringMsgParser {
        SIPMessage read(String line) throws ParseException {
            return processFirstLine(line, null, line.getBytes(StandardCharsets.UTF_8));
        }
    }
}
