package dev.softswitch.gateway.e2e;

import dev.softswitch.gateway.auth.DigestAlgorithm;
import dev.softswitch.gateway.testing.DigestTestClient;
import dev.softswitch.gateway.testing.SipMessageFixtures;
import dev.softswitch.gateway.testing.TestAccounts;
import dev.softswitch.gateway.transport.TransportType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A minimal SIP user agent over UDP on loopback, playing an app client toward the gateway: INVITE
 * with the SDP it is given, ACK, BYE, and 200 to a BYE from the gateway. Enough for one call; every
 * message goes through the gateway's real transport, transaction layer and B2BUA.
 */
final class SipUdpPeer implements AutoCloseable {

    /** One parsed SIP message. */
    record Message(String startLine, Map<String, String> headers, String body, String raw) {
        Optional<String> header(String name) {
            return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
        }

        /** Every value of a header that may repeat, in order. */
        List<String> headers(String name) {
            List<String> values = new ArrayList<>();
            for (String line : raw.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                    values.add(line.substring(colon + 1).trim());
                }
                if (line.isEmpty()) {
                    break;
                }
            }
            return values;
        }

        boolean isResponse() {
            return startLine.startsWith("SIP/2.0 ");
        }

        int status() {
            return Integer.parseInt(startLine.split(" ")[1]);
        }

        String cseqMethod() {
            String[] parts = header("CSeq").orElse("0 ?").trim().split("\\s+");
            return parts[parts.length - 1];
        }

        static Message parse(String raw) {
            int split = raw.indexOf("\r\n\r\n");
            String head = split < 0 ? raw : raw.substring(0, split);
            String body = split < 0 ? "" : raw.substring(split + 4);
            String[] lines = head.split("\r\n");
            Map<String, String> headers = new LinkedHashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                if (colon > 0) {
                    headers.putIfAbsent(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                            lines[i].substring(colon + 1).trim());
                }
            }
            return new Message(lines[0], headers, body, raw);
        }
    }

    private static final Pattern URI_IN_BRACKETS = Pattern.compile("<([^>]+)>");
    private static final Pattern TAG = Pattern.compile(";tag=([^;>\\s]+)");

    private final DatagramSocket socket;
    private final InetSocketAddress gateway;
    private final String account;
    private final String callId = UUID.randomUUID() + "@e2e";
    private final String fromTag = Long.toHexString(System.nanoTime());
    private final BlockingQueue<Message> inbox = new LinkedBlockingQueue<>();
    private final Thread reader;
    private volatile Message byeReceived;
    private String requestUri;
    private final String password;
    private final DigestAlgorithm algorithm;
    private String credentials;
    private String challenge;
    private String toHeader;
    private String remoteTarget;
    private int cseq = 1;

    SipUdpPeer(int gatewayPort, String account) {
        this(gatewayPort, account, TestAccounts.password(account), null, 0);
    }

    /** A peer sending from {@code localPort} on loopback (0: any free port). */
    SipUdpPeer(int gatewayPort, String account, int localPort) {
        this(gatewayPort, account, TestAccounts.password(account), null, localPort);
    }

    /**
     * A peer that answers the challenge as {@code account} with {@code password}, choosing the
     * {@code algorithm} challenge (null: the topmost one, as RFC 8760 clients do).
     */
    SipUdpPeer(int gatewayPort, String account, String password, DigestAlgorithm algorithm) {
        this(gatewayPort, account, password, algorithm, 0);
    }

    private SipUdpPeer(int gatewayPort, String account, String password, DigestAlgorithm algorithm, int localPort) {
        try {
            socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), localPort));
        } catch (SocketException e) {
            throw new UncheckedIOException(e);
        }
        this.gateway = new InetSocketAddress(InetAddress.getLoopbackAddress(), gatewayPort);
        this.account = account;
        this.password = password;
        this.algorithm = algorithm;
        reader = new Thread(this::read, "sip-peer-" + socket.getLocalPort());
        reader.setDaemon(true);
        reader.start();
    }

    int localPort() {
        return socket.getLocalPort();
    }

    String callId() {
        return callId;
    }

    /**
     * Sends the INVITE and returns its final response (provisional ones are skipped); ACKs a 2xx. A
     * 407 is ACKed and answered once with the account's credentials (SIG-4), for the topmost
     * challenge: SHA-256 when the gateway offers it first.
     */
    Message invite(String dialled, String sdp, Duration limit) {
        requestUri = "sip:" + dialled + "@127.0.0.1:" + gateway.getPort();
        toHeader = "<" + requestUri + ">";
        String branch = newBranch();
        send(request("INVITE", requestUri, cseq, sdp, branch, null));
        Message last = awaitMessage(m -> m.isResponse() && m.cseqMethod().equals("INVITE") && m.status() >= 200, limit);
        if (last.status() == 407) {
            String initialTo = toHeader;
            toHeader = last.header("To").orElse(initialTo); // the ACK's To is the response's (RFC 3261 §17.1.1.3)
            send(request("ACK", requestUri, cseq, null, branch, null));
            toHeader = initialTo;
            List<String> offered = last.headers("Proxy-Authenticate");
            challenge = algorithm == null ? offered.get(0) : DigestTestClient.offering(offered, algorithm);
            credentials = DigestTestClient.authorization(challenge, account, password, "INVITE", requestUri, 1,
                    Long.toHexString(System.nanoTime()));
            cseq++;
            branch = newBranch();
            send(request("INVITE", requestUri, cseq, sdp, branch, credentials));
            last = awaitMessage(m -> m.isResponse() && m.cseqMethod().equals("INVITE") && m.status() >= 200
                    && m.header("CSeq").orElse("").startsWith(cseq + " "), limit);
        }
        if (last.status() / 100 == 2) {
            toHeader = last.header("To").orElseThrow();
            Matcher contact = URI_IN_BRACKETS.matcher(last.header("Contact").orElseThrow());
            remoteTarget = contact.find() ? contact.group(1) : requestUri;
            send(request("ACK", remoteTarget, cseq, null, newBranch(), null));
        } else {
            toHeader = last.header("To").orElse(toHeader);
            send(request("ACK", requestUri, cseq, null, branch, null));
        }
        return last;
    }

    /** Sends a BYE and waits for its 200. */
    Message bye(Duration limit) {
        int n = ++cseq;
        send(request("BYE", remoteTarget, n, null, newBranch(), null));
        return awaitMessage(m -> m.isResponse() && m.cseqMethod().equals("BYE"), limit);
    }

    /**
     * The next request of this call's dialog as text, without sending it: what someone who saw the
     * Call-ID and tags could forge and send from elsewhere.
     */
    String inDialogRequest(String method) {
        return request(method, remoteTarget, ++cseq, null, newBranch(), null);
    }

    /** Waits for the gateway's BYE (already answered with 200 by the reader). */
    Message awaitBye(Duration limit) {
        awaitMessage(m -> !m.isResponse() && m.startLine().startsWith("BYE "), limit);
        return byeReceived;
    }

    Optional<Message> byeReceived() {
        return Optional.ofNullable(byeReceived);
    }

    private Message awaitMessage(Predicate<Message> wanted, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        try {
            while (true) {
                long left = deadline - System.nanoTime();
                Message m = left <= 0 ? null : inbox.poll(left, TimeUnit.NANOSECONDS);
                if (m == null) {
                    throw new AssertionError("no matching SIP message within " + limit + " on call " + callId);
                }
                if (wanted.test(m)) {
                    return m;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** The Proxy-Authorization this peer answered the challenge with; null before. */
    String credentials() {
        return credentials;
    }

    /**
     * Sends an INVITE carrying {@code proxyAuthorization} as it is (no challenge handling) and returns
     * its final response, ACKed: for replaying someone else's credentials.
     */
    Message inviteWith(String dialled, String sdp, String proxyAuthorization, Duration limit) {
        requestUri = "sip:" + dialled + "@127.0.0.1:" + gateway.getPort();
        toHeader = "<" + requestUri + ">";
        String branch = newBranch();
        send(request("INVITE", requestUri, cseq, sdp, branch, proxyAuthorization));
        Message last = awaitMessage(m -> m.isResponse() && m.cseqMethod().equals("INVITE") && m.status() >= 200, limit);
        String initialTo = toHeader;
        toHeader = last.header("To").orElse(initialTo);
        send(request("ACK", requestUri, cseq, null, branch, null));
        toHeader = initialTo;
        return last;
    }

    /** The challenge the gateway answered the first INVITE with; null before. */
    String challenge() {
        return challenge;
    }

    private static String newBranch() {
        return "z9hG4bK" + Long.toHexString(System.nanoTime());
    }

    private String request(String method, String uri, int number, String sdp, String branch, String credentials) {
        String local = "127.0.0.1:" + socket.getLocalPort();
        SipMessageFixtures.RequestBuilder b = SipMessageFixtures.request(method, uri);
        if (credentials != null) {
            b.header("Proxy-Authorization", credentials);
        }
        return b
                .via(TransportType.UDP, local, branch).rport()
                .from("<sip:" + account + "@127.0.0.1>", fromTag)
                .to(toHeader)
                .callId(callId)
                .cseq(number)
                .contact("<sip:" + account + "@" + local + ">")
                .header("User-Agent", "e2e-peer")
                .sdp(sdp)
                .text();
    }

    private void send(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        try {
            socket.send(new DatagramPacket(bytes, bytes.length, gateway));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void read() {
        byte[] buffer = new byte[65535];
        while (!socket.isClosed()) {
            DatagramPacket p = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(p);
            } catch (IOException e) {
                return;
            }
            String raw = new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8);
            if (raw.isBlank()) {
                continue;
            }
            Message m = Message.parse(raw);
            if (!m.isResponse() && m.startLine().startsWith("BYE ")) {
                byeReceived = m;
                send(okFor(m));
            }
            inbox.add(m);
        }
    }

    /** A 200 OK for a request: its Via, From, To, Call-ID and CSeq copied. */
    static String okFor(Message request) {
        StringBuilder s = new StringBuilder("SIP/2.0 200 OK\r\n");
        for (String line : request.raw().split("\r\n\r\n", 2)[0].split("\r\n")) {
            String lower = line.toLowerCase(Locale.ROOT);
            if (lower.startsWith("via:") || lower.startsWith("from:") || lower.startsWith("to:")
                    || lower.startsWith("call-id:") || lower.startsWith("cseq:")) {
                s.append(line).append("\r\n");
            }
        }
        return s.append("Content-Length: 0\r\n\r\n").toString();
    }

    static String tagOf(String header) {
        Matcher m = TAG.matcher(header);
        return m.find() ? m.group(1) : null;
    }

    @Override
    public void close() {
        socket.close();
        try {
            reader.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
