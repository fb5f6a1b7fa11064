package dev.softswitch.gateway.fuzz;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Seeded mutations of real SIP messages (issue 11's fuzz harness): byte flips, truncation, duplicated
 * and huge headers, bad Content-Length, non-UTF-8 octets, CRLF injection, random method names, bad
 * Via hosts and SDP mutations (ports out of range, addresses that are no literal, broken lines). The
 * same seed gives the same sequence, so a failure is reproduced from the seed it prints.
 */
public final class SipMutator {

    /** What one mutation did, for the failure message. */
    public record Mutation(byte[] bytes, String description) {
    }

    private static final String[] SDP_PORTS = {"0", "1", "65535", "65536", "99999", "-1", "4294967296", "",
            "12a", "9999999999999999999999"};
    private static final String[] BAD_HOSTS = {"999.1.1.1", "1.2.3.4.5", "[::1", "::1", "[2001:db8:::1]",
            "evil.example.com", "", "256.256.256.256", "[fe80::1%eth0]", "0x7f.1", "a..b"};
    private static final String[] CONTENT_LENGTHS = {"-1", "0", "99999999", "2147483648", "abc", "", " 1 2",
            "00000000000000000000001", "-0"};
    private static final String[] SDP_LINES = {"m=audio 99999 RTP/AVP 0", "c=IN IP4 999.1.1.1", "c=IN IP6 ::1",
            "c=IN IP6 2001:db8:::1", "c=IN IP4 evil.example.com", "c=", "m=", "m=audio", "m=video 0 RTP/AVP",
            "a=rtpmap:", "a=rtpmap:96 opus/48000/2/9/9", "m=audio 40000 RTP/SAVP 0",
            "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:", "a=crypto:x y z", "o=", "v=1", "t=a b",
            "m=audio 40000/99999 RTP/AVP 0", "m=audio 40000 RTP/AVP 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 99999"};

    private final List<byte[]> corpus;
    private final Random random;

    public SipMutator(List<byte[]> corpus, long seed) {
        if (corpus.isEmpty()) {
            throw new IllegalArgumentException("an empty corpus gives nothing to mutate");
        }
        this.corpus = List.copyOf(corpus);
        this.random = new Random(seed);
    }

    /** The captured and torture messages in the test resources: the corpus the harness mutates. */
    public static List<byte[]> resourceCorpus() {
        List<byte[]> corpus = new ArrayList<>();
        corpus.add(resource("/fixtures/sip/baresip-1.0.0-invite-srtp-sdes.sip"));
        String index = new String(resource("/torture/expected.csv"), StandardCharsets.UTF_8);
        for (String row : index.split("\n")) {
            if (!row.isBlank() && !row.startsWith("#")) {
                corpus.add(resource("/torture/" + row.split(",", 2)[0]));
            }
        }
        return corpus;
    }

    private static byte[] resource(String name) {
        try (InputStream in = SipMutator.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One to three mutations of a message picked from the corpus. */
    public Mutation next() {
        int pick = random.nextInt(corpus.size());
        return mutate(corpus.get(pick), "corpus[" + pick + "]");
    }

    /** One to three mutations of {@code message}. */
    public Mutation mutate(byte[] message, String origin) {
        byte[] bytes = message;
        StringBuilder what = new StringBuilder(origin);
        int rounds = 1 + random.nextInt(3);
        for (int i = 0; i < rounds; i++) {
            int op = random.nextInt(12);
            what.append(' ').append(op);
            bytes = switch (op) {
                case 0 -> flipBytes(bytes);
                case 1 -> truncate(bytes);
                case 2 -> duplicateHeader(bytes);
                case 3 -> hugeHeader(bytes);
                case 4 -> replaceHeaderValue(bytes, "(?im)^(content-length|l)[ \\t]*:.*$", pick(CONTENT_LENGTHS));
                case 5 -> insert(bytes, nonUtf8());
                case 6 -> insert(bytes, pick(new String[] {"\r\n", "\r\n\r\n", "\n", "\r", "\r\n ", "\0"})
                        .getBytes(StandardCharsets.ISO_8859_1));
                case 7 -> sdp(bytes);
                case 8 -> method(bytes);
                case 9 -> replaceHeaderValue(bytes, "(?im)^(via|v)[ \\t]*:.*$",
                        "SIP/2.0/UDP " + pick(BAD_HOSTS) + ";branch=z9hG4bK" + random.nextInt(1000) + ";rport");
                case 10 -> deleteLine(bytes);
                default -> replaceHeaderValue(bytes, "(?im)^(call-id|i|cseq|from|f|to|t|max-forwards|contact|m)[ \\t]*:.*$",
                        randomText(random.nextInt(40)));
            };
        }
        return new Mutation(bytes, what.toString());
    }

    private String pick(String[] choices) {
        return choices[random.nextInt(choices.length)];
    }

    private byte[] flipBytes(byte[] b) {
        if (b.length == 0) {
            return b;
        }
        byte[] out = b.clone();
        int n = 1 + random.nextInt(8);
        for (int i = 0; i < n; i++) {
            out[random.nextInt(out.length)] ^= (byte) (1 << random.nextInt(8));
        }
        return out;
    }

    private byte[] truncate(byte[] b) {
        return b.length == 0 ? b : Arrays.copyOf(b, random.nextInt(b.length));
    }

    private byte[] insert(byte[] b, byte[] what) {
        int at = b.length == 0 ? 0 : random.nextInt(b.length);
        ByteArrayOutputStream out = new ByteArrayOutputStream(b.length + what.length);
        out.write(b, 0, at);
        out.write(what, 0, what.length);
        out.write(b, at, b.length - at);
        return out.toByteArray();
    }

    private byte[] nonUtf8() {
        byte[][] choices = {{(byte) 0xC0, (byte) 0x80}, {(byte) 0xFF, (byte) 0xFE}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
                {(byte) 0xE2, (byte) 0x28, (byte) 0xA1}, {(byte) 0x80}, {(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80}};
        return choices[random.nextInt(choices.length)];
    }

    private List<String> lines(byte[] b) {
        return new ArrayList<>(Arrays.asList(new String(b, StandardCharsets.ISO_8859_1).split("\r\n", -1)));
    }

    private static byte[] join(List<String> lines) {
        return String.join("\r\n", lines).getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Index of the blank line ending the headers, or the line count. */
    private static int headerEnd(List<String> lines) {
        int i = lines.indexOf("");
        return i < 0 ? lines.size() : i;
    }

    private byte[] duplicateHeader(byte[] b) {
        List<String> lines = lines(b);
        int end = headerEnd(lines);
        if (end < 2) {
            return b;
        }
        int at = 1 + random.nextInt(end - 1);
        int copies = random.nextInt(10) == 0 ? 50 + random.nextInt(200) : 1;
        for (int i = 0; i < copies; i++) {
            lines.add(at, lines.get(at));
        }
        return join(lines);
    }

    private byte[] hugeHeader(byte[] b) {
        List<String> lines = lines(b);
        int end = headerEnd(lines);
        int size = random.nextBoolean() ? 1024 + random.nextInt(8192) : 60_000 + random.nextInt(10_000);
        String value = "A".repeat(size);
        if (end >= 2 && random.nextBoolean()) {
            int at = 1 + random.nextInt(end - 1);
            lines.set(at, lines.get(at) + value);
        } else {
            lines.add(Math.max(1, Math.min(end, lines.size())), "X-Fuzz: " + value);
        }
        return join(lines);
    }

    private byte[] replaceHeaderValue(byte[] b, String headerRegex, String value) {
        String text = new String(b, StandardCharsets.ISO_8859_1);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(headerRegex).matcher(text);
        if (!m.find()) {
            return b;
        }
        String line = m.group();
        String name = line.substring(0, line.indexOf(':'));
        String replaced = text.substring(0, m.start()) + name + ": " + value.replace("\r", "").replace("\n", "")
                + text.substring(m.end()).replaceFirst("^\r?(?=\n)", "\r");
        return replaced.getBytes(StandardCharsets.ISO_8859_1);
    }

    private byte[] deleteLine(byte[] b) {
        List<String> lines = lines(b);
        if (lines.size() < 2) {
            return b;
        }
        lines.remove(random.nextInt(lines.size()));
        return join(lines);
    }

    private byte[] method(byte[] b) {
        List<String> lines = lines(b);
        String first = lines.get(0);
        int sp = first.indexOf(' ');
        if (sp <= 0 || first.startsWith("SIP/")) {
            return b;
        }
        lines.set(0, randomToken(1 + random.nextInt(20)) + first.substring(sp));
        return join(lines);
    }

    /** Replaces or adds an SDP line after the header section, keeping Content-Length as it was. */
    private byte[] sdp(byte[] b) {
        List<String> lines = lines(b);
        int end = headerEnd(lines);
        String line = pick(SDP_LINES);
        if (end >= lines.size() - 1) {
            return b;
        }
        int at = end + 1 + random.nextInt(lines.size() - end - 1);
        if (random.nextBoolean()) {
            lines.set(at, line);
        } else {
            lines.add(at, line);
        }
        return join(lines);
    }

    private String randomToken(int n) {
        String chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-.!%*_+`'~";
        StringBuilder s = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            s.append(chars.charAt(random.nextInt(chars.length())));
        }
        return s.toString();
    }

    private String randomText(int n) {
        StringBuilder s = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            s.append((char) (0x20 + random.nextInt(0x5f)));
        }
        return s.toString();
    }

    /** SDP for an authenticated INVITE, mutated in one of the ways {@link #SDP_LINES} lists (or whole). */
    public String mutatedSdp(String sdp) {
        List<String> lines = new ArrayList<>(Arrays.asList(sdp.split("\r\n")));
        int n = 1 + random.nextInt(2);
        for (int i = 0; i < n; i++) {
            int at = random.nextInt(lines.size());
            if (random.nextBoolean()) {
                lines.set(at, pick(SDP_LINES));
            } else {
                lines.add(at, pick(SDP_LINES));
            }
        }
        return String.join("\r\n", lines) + "\r\n";
    }
}
