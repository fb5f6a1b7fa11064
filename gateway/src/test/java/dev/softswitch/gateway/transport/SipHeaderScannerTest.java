package dev.softswitch.gateway.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The scanner's bulk searches agree with a byte-by-byte reading of RFC 3261 §7.3 on random header
 * sections, in plain and in derived (sliced, as a datagram's content is) buffers.
 */
class SipHeaderScannerTest {

    private static final byte[] ALPHABET = "\r\n\r\n::  \tlLcC0123456789-ontetghCONTENTLENGTHx".getBytes(StandardCharsets.US_ASCII);
    private static final String[] PIECES = {"Content-Length: 12\r\n", "l: 3\r\n", "CONTENT-length :7 \r\n",
        "Content-Length: 1x\r\n", "Via: SIP/2.0/UDP h\r\n", "Call-ID: c\r\n", "\r\n", "Content-Length:\r\n",
        "content-length: 99999999999999\r\n", "L:0\r\n", "Contact: <sip:a@b>\r\n"};

    @Test
    void bulkScansAgreeWithAByteByByteReading() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        for (int round = 0; round < 20_000; round++) {
            byte[] bytes = randomHeaders(random);
            int pad = random.nextInt(4);
            ByteBuf plain = Unpooled.wrappedBuffer(bytes);
            byte[] padded = new byte[bytes.length + 2 * pad];
            System.arraycopy(bytes, 0, padded, pad, bytes.length);
            ByteBuf sliced = Unpooled.wrappedBuffer(padded).slice(pad, bytes.length);
            int from = bytes.length == 0 ? 0 : random.nextInt(bytes.length);
            String context = "seed " + seed + ", round " + round + ", from " + from + ": "
                    + new String(bytes, StandardCharsets.ISO_8859_1).replace("\r", "\\r").replace("\n", "\\n");
            for (ByteBuf buf : new ByteBuf[] {plain, sliced}) {
                int end = SipHeaderScanner.findHeaderEnd(buf, from, bytes.length);
                assertThat(end).as(context).isEqualTo(referenceHeaderEnd(bytes, from));
                int headerEnd = end < 0 ? bytes.length : end;
                assertThat(SipHeaderScanner.contentLength(buf, from, headerEnd)).as(context)
                        .isEqualTo(referenceContentLength(bytes, from, headerEnd));
            }
            assertThat(SipHeaderScanner.findHeaderEnd(plain, bytes.length, from)).as(context).isEqualTo(-1);
        }
    }

    private static byte[] randomHeaders(Random random) {
        StringBuilder text = new StringBuilder();
        int parts = random.nextInt(8);
        for (int i = 0; i < parts; i++) {
            if (random.nextBoolean()) {
                text.append(PIECES[random.nextInt(PIECES.length)]);
            } else {
                int n = random.nextInt(12);
                for (int j = 0; j < n; j++) {
                    text.append((char) ALPHABET[random.nextInt(ALPHABET.length)]);
                }
            }
        }
        return text.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Digits only; an 11th digit means "absurdly long" (capped), whatever follows it. */
    private static long numberOf(String v) {
        if (v.isEmpty()) {
            return SipHeaderScanner.MALFORMED;
        }
        for (int i = 0; i < v.length(); i++) {
            if (!Character.isDigit(v.charAt(i))) {
                return SipHeaderScanner.MALFORMED;
            }
            if (i >= 10) {
                return Long.MAX_VALUE;
            }
        }
        return Long.parseLong(v);
    }

    private static int referenceHeaderEnd(byte[] b, int from) {
        String s = new String(b, StandardCharsets.ISO_8859_1);
        int i = s.indexOf("\r\n\r\n", from);
        return i < 0 ? -1 : i + 4;
    }

    private static long referenceContentLength(byte[] b, int from, int headerEnd) {
        String section = new String(b, from, headerEnd - from, StandardCharsets.ISO_8859_1);
        long found = SipHeaderScanner.ABSENT;
        int start = 0;
        while (start < section.length()) {
            int crlf = section.indexOf("\r\n", start);
            int lineEnd = crlf < 0 ? section.length() : crlf;
            String line = section.substring(start, lineEnd);
            long value = SipHeaderScanner.ABSENT;
            int colon = line.indexOf(':');
            if (colon >= 0) {
                String name = line.substring(0, colon).replaceAll("[ \t]+$", "").toLowerCase(Locale.ROOT);
                if (name.equals("content-length") || name.equals("l")) {
                    String v = line.substring(colon + 1).replaceAll("^[ \t]+|[ \t]+$", "");
                    value = numberOf(v);
                }
            }
            if (value == SipHeaderScanner.MALFORMED || value != SipHeaderScanner.ABSENT
                    && found != SipHeaderScanner.ABSENT && value != found) {
                return SipHeaderScanner.MALFORMED;
            }
            if (value != SipHeaderScanner.ABSENT) {
                found = value;
            }
            start = lineEnd + 2;
        }
        return found;
    }
}
