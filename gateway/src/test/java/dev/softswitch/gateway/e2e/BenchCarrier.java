package dev.softswitch.gateway.e2e;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A minimal carrier over UDP: answers each INVITE with 200 OK (SDP pointing at that call's own
 * carrier RTP socket, chosen by the last 6 digits of the dialled number), notes the relay's carrier
 * side from the INVITE's SDP, ignores ACK, answers BYE (and anything else) with 200.
 */
final class BenchCarrier implements AutoCloseable {
    private static final Pattern DIALLED = Pattern.compile("^INVITE sip:\\+?(\\d+)@");

    final DatagramChannel[] rtp;
    final InetSocketAddress[] relayCarrierSide;
    final AtomicInteger byes = new AtomicInteger();
    private final DatagramSocket socket;
    private final Thread reader;
    private final Map<String, String> answers = new ConcurrentHashMap<>();

    BenchCarrier(int port, int calls) throws IOException {
        rtp = new DatagramChannel[calls];
        relayCarrierSide = new InetSocketAddress[calls];
        socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        reader = new Thread(this::read, "bench-carrier-sip");
        reader.setDaemon(true);
        reader.start();
    }

    private void read() {
        byte[] buffer = new byte[65535];
        while (!socket.isClosed()) {
            DatagramPacket p = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(p);
                String raw = new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8);
                if (raw.isBlank() || raw.startsWith("SIP/2.0")) {
                    continue;
                }
                SipUdpPeer.Message m = SipUdpPeer.Message.parse(raw);
                String method = m.startLine().split(" ")[0];
                String reply;
                if (method.equals("ACK")) {
                    continue;
                } else if (method.equals("INVITE")) {
                    reply = answers.computeIfAbsent(m.header("Call-ID").orElse("") + m.header("CSeq").orElse(""),
                            k -> answerInvite(m));
                } else {
                    if (method.equals("BYE")) {
                        byes.incrementAndGet();
                    }
                    reply = response(m, "", null);
                }
                byte[] bytes = reply.getBytes(StandardCharsets.UTF_8);
                socket.send(new DatagramPacket(bytes, bytes.length, p.getSocketAddress()));
            } catch (IOException e) {
                if (socket.isClosed()) {
                    return;
                }
            } catch (RuntimeException e) {
                System.out.println("carrier: " + e);
            }
        }
    }

    private String answerInvite(SipUdpPeer.Message invite) {
        Matcher d = DIALLED.matcher(invite.startLine());
        if (!d.find()) {
            throw new IllegalStateException("dialled number not found in " + invite.startLine());
        }
        String digits = d.group(1);
        int call = Integer.parseInt(digits.substring(digits.length() - 6));
        relayCarrierSide[call] = GatewayRtpBench.mediaAddress(invite.body());
        int port;
        try {
            port = ((InetSocketAddress) rtp[call].getLocalAddress()).getPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        String sdp = answerSdp(call, port);
        return response(invite, ";tag=c" + call, sdp);
    }

    /** The carrier's SDP answer for call {@code call}: PCMU to its RTP socket on {@code port}. */
    static String answerSdp(int call, int port) {
        return "v=0\r\no=carrier " + call + " 1 IN IP4 " + GatewayRtpBench.MEDIA_HOST + "\r\ns=-\r\nc=IN IP4 "
                + GatewayRtpBench.MEDIA_HOST + "\r\nt=0 0\r\n"
                + "m=audio " + port + " RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=ptime:20\r\na=sendrecv\r\n";
    }

    private String response(SipUdpPeer.Message request, String toTag, String sdp) {
        StringBuilder s = new StringBuilder("SIP/2.0 200 OK\r\n");
        for (String line : request.raw().split("\r\n\r\n", 2)[0].split("\r\n")) {
            String lower = line.toLowerCase(Locale.ROOT);
            if (lower.startsWith("via:") || lower.startsWith("from:") || lower.startsWith("call-id:")
                    || lower.startsWith("cseq:")) {
                s.append(line).append("\r\n");
            } else if (lower.startsWith("to:")) {
                s.append(line).append(line.contains(";tag=") ? "" : toTag).append("\r\n");
            }
        }
        s.append("Contact: <sip:carrier@127.0.0.1:").append(socket.getLocalPort()).append(">\r\n");
        String body = sdp == null ? "" : sdp;
        if (sdp != null) {
            s.append("Content-Type: application/sdp\r\n");
        }
        return s.append("Content-Length: ").append(body.getBytes(StandardCharsets.UTF_8).length)
                .append("\r\n\r\n").append(body).toString();
    }

    @Override
    public void close() throws InterruptedException {
        socket.close();
        reader.join(2000);
    }
}
