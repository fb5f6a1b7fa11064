package dev.softswitch.gateway.e2e;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A minimal client of rtpengine's ng control protocol over UDP (a cookie, a space, a bencoded
 * dictionary; the reply echoes the cookie), for {@link GatewayRtpBench}: offer, answer and delete
 * of one call. One instance per thread: each request waits for its reply on its own socket, retried
 * three times with a 2 s timeout.
 */
final class RtpengineNg implements AutoCloseable {

    private static final AtomicLong COOKIES = new AtomicLong();

    private final InetSocketAddress server;
    private final DatagramSocket socket;

    RtpengineNg(InetSocketAddress server) throws IOException {
        this.server = server;
        this.socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        this.socket.setSoTimeout(2000);
    }

    /** Sends {@code command} and returns the reply's dictionary; fails unless its result is "ok". */
    Map<String, Object> request(Map<String, Object> command) throws IOException {
        String cookie = "b" + COOKIES.incrementAndGet();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes((cookie + " ").getBytes(StandardCharsets.US_ASCII));
        encode(command, out);
        byte[] bytes = out.toByteArray();
        byte[] buffer = new byte[65535];
        for (int attempt = 0; attempt < 3; attempt++) {
            socket.send(new DatagramPacket(bytes, bytes.length, server));
            long deadline = System.nanoTime() + 2_000_000_000L;
            while (System.nanoTime() < deadline) {
                DatagramPacket reply = new DatagramPacket(buffer, buffer.length);
                try {
                    socket.receive(reply);
                } catch (SocketTimeoutException e) {
                    break;
                }
                String text = new String(reply.getData(), 0, reply.getLength(), StandardCharsets.ISO_8859_1);
                if (!text.startsWith(cookie + " ")) {
                    continue; // the reply to an earlier, retried request
                }
                @SuppressWarnings("unchecked")
                Map<String, Object> dict = (Map<String, Object>) new Decoder(reply.getData(), cookie.length() + 1,
                        reply.getLength()).next();
                if (!"ok".equals(dict.get("result"))) {
                    throw new IOException("rtpengine " + command.get("command") + ": " + dict);
                }
                return dict;
            }
        }
        throw new IOException("no reply from rtpengine at " + server + " to " + command.get("command"));
    }

    /** Bencodes strings, integers, lists and maps (keys sorted, as bencode requires). */
    static void encode(Object value, ByteArrayOutputStream out) {
        if (value instanceof String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            out.writeBytes((b.length + ":").getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(b);
        } else if (value instanceof Number n) {
            out.writeBytes(("i" + n.longValue() + "e").getBytes(StandardCharsets.US_ASCII));
        } else if (value instanceof List<?> list) {
            out.write('l');
            list.forEach(v -> encode(v, out));
            out.write('e');
        } else if (value instanceof Map<?, ?> map) {
            out.write('d');
            new TreeMap<>(map).forEach((k, v) -> {
                encode(k, out);
                encode(v, out);
            });
            out.write('e');
        } else {
            throw new IllegalArgumentException("cannot bencode " + value);
        }
    }

    /** Decodes one bencoded value; strings as ISO-8859-1 text (SDP is ASCII). */
    private static final class Decoder {
        private final byte[] b;
        private final int end;
        private int at;

        Decoder(byte[] b, int at, int end) {
            this.b = b;
            this.at = at;
            this.end = end;
        }

        Object next() {
            if (at >= end) {
                throw new IllegalArgumentException("truncated bencode");
            }
            byte c = b[at];
            if (c == 'i') {
                int e = indexOf('e');
                long v = Long.parseLong(new String(b, at + 1, e - at - 1, StandardCharsets.US_ASCII));
                at = e + 1;
                return v;
            }
            if (c == 'l') {
                at++;
                List<Object> list = new ArrayList<>();
                while (b[at] != 'e') {
                    list.add(next());
                }
                at++;
                return list;
            }
            if (c == 'd') {
                at++;
                Map<String, Object> map = new LinkedHashMap<>();
                while (b[at] != 'e') {
                    String key = (String) next();
                    map.put(key, next());
                }
                at++;
                return map;
            }
            int colon = indexOf(':');
            int length = Integer.parseInt(new String(b, at, colon - at, StandardCharsets.US_ASCII));
            String s = new String(b, colon + 1, length, StandardCharsets.ISO_8859_1);
            at = colon + 1 + length;
            return s;
        }

        private int indexOf(char ch) {
            for (int i = at; i < end; i++) {
                if (b[i] == ch) {
                    return i;
                }
            }
            throw new IllegalArgumentException("bencode: no '" + ch + "'");
        }
    }

    @Override
    public void close() {
        socket.close();
    }
}
