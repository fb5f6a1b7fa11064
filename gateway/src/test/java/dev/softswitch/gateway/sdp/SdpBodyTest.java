package dev.softswitch.gateway.sdp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The gateway's own SDP line reader: what goes out is what came in, but for the lines the relay must change. */
class SdpBodyTest {

    private static final InetSocketAddress RELAY = new InetSocketAddress("10.0.0.1", 30000);
    private static final String HEAD = "v=0\r\no=- 7 7 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n";

    @Test
    void bytesThatAreNotUtf8GoThroughUnchanged() throws Exception {
        byte[] head = bytes("v=0\r\no=- 7 7 IN IP4 192.0.2.1\r\ns=");
        byte[] latin1Name = {(byte) 0xC9, 'c', 'o', 'l', (byte) 0xE9}; // "École" in ISO-8859-1: not UTF-8
        byte[] tail = bytes("\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n");
        byte[] body = concat(head, latin1Name, tail);

        byte[] rewritten = SdpRewriter.rewrite(body, RELAY);

        assertThat(indexOf(rewritten, concat(bytes("s="), latin1Name, bytes("\r\n")))).isPositive();
    }

    @Test
    void linesKeepTheirOrderAndAPortCountStays() throws Exception {
        String body = HEAD + "a=recvonly\r\nb=AS:64\r\nm=audio 4000/2 RTP/AVP 0 8\r\na=ptime:20\r\nc=IN IP4 192.0.2.9/127\r\n";

        String rewritten = new String(SdpRewriter.rewrite(bytes(body), RELAY), StandardCharsets.ISO_8859_1);

        assertThat(rewritten).isEqualTo("v=0\r\no=- 7 8 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\n"
                + "a=recvonly\r\nb=AS:64\r\nm=audio 30000/2 RTP/AVP 0 8\r\na=ptime:20\r\nc=IN IP4 10.0.0.1\r\n");
        assertThat(SdpRewriter.parse(bytes(body)).audioRtp()).isEqualTo(new InetSocketAddress("192.0.2.9", 4000));
        assertThat(SdpRewriter.parse(bytes(body)).audioDirection()).isEqualTo("recvonly");
    }

    @Test
    void theCallersEmailAndPhoneLinesDoNotCrossOver() throws Exception {
        String body = HEAD.replace("s=-\r\n", "s=-\r\ne=alice@example.com\r\np=+44 20 7946 0000\r\n")
                + "m=audio 4000 RTP/AVP 0\r\n";

        assertThat(new String(SdpRewriter.rewrite(bytes(body), RELAY), StandardCharsets.ISO_8859_1))
                .doesNotContain("alice", "7946", "e=", "p=");
    }

    @Test
    void anOriginLineTwiceOrUnderAMediaLineIsRefused() {
        assertThatThrownBy(() -> SdpRewriter.parse(bytes(HEAD + "o=- 8 8 IN IP4 192.0.2.1\r\nm=audio 4000 RTP/AVP 0\r\n")))
                .hasMessage("SDP origin line 6 is out of place");
        assertThatThrownBy(() -> SdpRewriter.parse(bytes(HEAD + "m=audio 4000 RTP/AVP 0\r\no=- 8 8 IN IP4 192.0.2.1\r\n")))
                .hasMessage("SDP origin line 7 is out of place");
    }

    @Test
    void anAttributeWithoutANameIsRefused() {
        assertThatThrownBy(() -> SdpRewriter.parse(bytes(HEAD + "m=audio 4000 RTP/AVP 0\r\na=:x\r\n")))
                .isInstanceOf(SdpException.class)
                .hasMessage("SDP attribute line malformed");
    }

    /**
     * Any body built from offer lines, cut, repeated and garbled: either refused with a reason for a 488, or
     * rewritten into SDP that reads back as the relay's audio and names none of the offer's addresses.
     */
    @Test
    void anyBodyIsRefusedWithAReasonOrPointsWhollyAtTheRelay() {
        long seed = new Random().nextLong();
        Random random = new Random(seed);
        List<String> pool = List.of("v=0", "o=alice 3373 1522 IN IP4 192.0.2.20", "o=- 1 1 IN IP6 2001:db8::5", "s=Talk",
                "s=", "c=IN IP4 192.0.2.20", "c=IN IP6 2001:db8::5", "c=IN IP4 192.0.2.20/127/3", "t=0 0",
                "b=AS:64", "m=audio 7078 RTP/AVP 96 0 8 101", "m=audio 0 RTP/AVP 0", "m=video 9078 RTP/AVP 96",
                "m=audio 5004 RTP/SAVP 0", "a=rtpmap:96 opus/48000/2", "a=rtcp:7079", "a=rtcp:7079 IN IP4 192.0.2.20",
                "a=rtcp-mux", "a=sendonly", "a=candidate:1 1 UDP 2130706303 192.0.2.20 7078 typ host", "a=ice-ufrag:x",
                "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:IAFZOtd292Mw59E5sQdou2aBhlABWLFUH1HGWpSr", "a=ssrc:1 cname:x",
                "e=a@b", "p=+1", "k=prompt", "i=x", "z=0 0", "r=1 1", "u=http://x");
        for (int run = 0; run < 5_000; run++) {
            List<String> lines = new ArrayList<>(List.of("v=0", "o=- 1 1 IN IP4 192.0.2.20", "s=-", "c=IN IP4 192.0.2.20",
                    "t=0 0", "m=audio 7078 RTP/AVP 0"));
            int edits = 1 + random.nextInt(6);
            for (int e = 0; e < edits; e++) {
                int at = random.nextInt(lines.size() + 1);
                switch (random.nextInt(4)) {
                    case 0 -> lines.add(at, pool.get(random.nextInt(pool.size())));
                    case 1 -> {
                        if (!lines.isEmpty() && at < lines.size()) {
                            lines.remove(at);
                        }
                    }
                    case 2 -> {
                        if (at < lines.size() && !lines.get(at).isEmpty()) {
                            String line = lines.get(at);
                            int cut = random.nextInt(line.length());
                            lines.set(at, line.substring(0, cut) + (char) (32 + random.nextInt(95)) + line.substring(cut + 1));
                        }
                    }
                    default -> lines.add(at, lines.isEmpty() ? "" : lines.get(random.nextInt(lines.size())));
                }
            }
            String body = String.join(random.nextBoolean() ? "\r\n" : "\n", lines) + "\r\n";
            String context = "seed " + seed + ", body:\n" + body;
            try {
                String rewritten = new String(SdpRewriter.rewrite(bytes(body), RELAY), StandardCharsets.ISO_8859_1);
                assertThat(SdpRewriter.parse(bytes(rewritten)).audioRtp()).as(context).isEqualTo(RELAY);
                for (String line : rewritten.split("\r\n")) {
                    assertThat(line).as(context).doesNotStartWith("e=").doesNotStartWith("p=");
                    if (line.startsWith("c=") || line.startsWith("o=")) {
                        assertThat(line).as(context).endsWith("IN IP4 10.0.0.1");
                    }
                    assertThat(SdpBody.attributeName(line)).as(context)
                            .isNotIn("candidate", "ice-ufrag", "ssrc", "rtcp-mux");
                    if (SdpBody.attributeName(line).equals("rtcp")) {
                        assertThat(line).as(context).isIn("a=rtcp:30001", "a=rtcp:30001 IN IP4 10.0.0.1");
                    }
                }
            } catch (SdpException refused) {
                assertThat(refused.reason()).as(context).matches("SDP [\\x20-\\x7E]+");
            } catch (RuntimeException e) {
                throw new AssertionError(context, e);
            }
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        byte[] out = new byte[length];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, out, at, part.length);
            at += part.length;
        }
        return out;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
