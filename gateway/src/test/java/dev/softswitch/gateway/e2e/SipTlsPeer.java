package dev.softswitch.gateway.e2e;

import dev.softswitch.gateway.testing.DigestTestClient;
import dev.softswitch.gateway.testing.SipMessageFixtures;
import dev.softswitch.gateway.testing.TestAccounts;
import dev.softswitch.gateway.transport.TransportType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * An app client over SIP over TLS (RFC 3261 §26) on loopback: one TLS connection to the gateway that
 * carries the INVITE, ACK and BYE and on which the gateway's answers and its own BYE arrive (§18.2.2).
 * Like {@link SipUdpPeer}, enough for one call through the real transport, transactions and B2BUA.
 */
final class SipTlsPeer implements AutoCloseable {

    private static final Pattern URI_IN_BRACKETS = Pattern.compile("<([^>]+)>");
    private static final Pattern CONTENT_LENGTH = Pattern.compile("(?im)^(?:content-length|l)\\s*:\\s*(\\d+)");

    private final SSLSocket socket;
    private final OutputStream out;
    private final int gatewayPort;
    private final String account;
    private final String callId = UUID.randomUUID() + "@e2e-tls";
    private final String fromTag = Long.toHexString(System.nanoTime());
    private final BlockingQueue<SipUdpPeer.Message> inbox = new LinkedBlockingQueue<>();
    private final Thread reader;
    private volatile SipUdpPeer.Message byeReceived;
    private String requestUri;
    private String toHeader;
    private String remoteTarget;
    private String challenge;
    private int cseq = 1;

    /** Connects and completes the TLS handshake; {@code tls} decides which gateway certificate is trusted. */
    SipTlsPeer(SSLContext tls, int gatewayPort, String account) {
        try {
            socket = (SSLSocket) tls.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), gatewayPort);
            socket.startHandshake();
            out = socket.getOutputStream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.gatewayPort = gatewayPort;
        this.account = account;
        reader = new Thread(this::read, "sip-tls-peer-" + socket.getLocalPort());
        reader.setDaemon(true);
        reader.start();
    }

    String protocol() {
        return socket.getSession().getProtocol();
    }

    /**
     * Sends the INVITE and returns its final response (provisional ones are skipped); ACKs it. A 407
     * is ACKed and answered once with the account's credentials (SIG-4) for the topmost challenge.
     */
    SipUdpPeer.Message invite(String dialled, String sdp, Duration limit) {
        requestUri = "sip:" + dialled + "@127.0.0.1:" + gatewayPort + ";transport=tls";
        toHeader = "<" + requestUri + ">";
        String branch = newBranch();
        send(request("INVITE", requestUri, cseq, sdp, branch, null));
        SipUdpPeer.Message last = awaitFinal(limit);
        if (last.status() == 407) {
            String initialTo = toHeader;
            toHeader = last.header("To").orElse(initialTo); // the ACK's To is the response's (RFC 3261 §17.1.1.3)
            send(request("ACK", requestUri, cseq, null, branch, null));
            toHeader = initialTo;
            challenge = last.headers("Proxy-Authenticate").get(0);
            String credentials = DigestTestClient.authorization(challenge, account, TestAccounts.password(account),
                    "INVITE", requestUri, 1, Long.toHexString(System.nanoTime()));
            cseq++;
            branch = newBranch();
            send(request("INVITE", requestUri, cseq, sdp, branch, credentials));
            last = awaitFinal(limit);
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

    /** The challenge the last INVITE answered, or null when none was asked for. */
    String challenge() {
        return challenge;
    }

    private SipUdpPeer.Message awaitFinal(Duration limit) {
        int number = cseq;
        return await(m -> m.isResponse() && m.cseqMethod().equals("INVITE") && m.status() >= 200
                && m.header("CSeq").orElse("").startsWith(number + " "), limit);
    }

    /** Sends a BYE and waits for its answer. */
    SipUdpPeer.Message bye(Duration limit) {
        int n = ++cseq;
        send(request("BYE", remoteTarget, n, null, newBranch(), null));
        return await(m -> m.isResponse() && m.cseqMethod().equals("BYE"), limit);
    }

    /** Waits for the gateway's BYE, which the reader answers with 200 on the same connection. */
    SipUdpPeer.Message awaitBye(Duration limit) {
        await(m -> !m.isResponse() && m.startLine().startsWith("BYE "), limit);
        return byeReceived;
    }

    private SipUdpPeer.Message await(Predicate<SipUdpPeer.Message> wanted, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        try {
            while (true) {
                long left = deadline - System.nanoTime();
                SipUdpPeer.Message m = left <= 0 ? null : inbox.poll(left, TimeUnit.NANOSECONDS);
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

    private String request(String method, String uri, int number, String sdp, String branch, String credentials) {
        String local = "127.0.0.1:" + socket.getLocalPort();
        SipMessageFixtures.RequestBuilder b = SipMessageFixtures.request(method, uri);
        if (credentials != null) {
            b.header("Proxy-Authorization", credentials);
        }
        return b
                .via(TransportType.TLS, local, branch).rport()
                .from("<sip:" + account + "@127.0.0.1>", fromTag)
                .to(toHeader)
                .callId(callId)
                .cseq(number)
                .contact("<sip:" + account + "@" + local + ";transport=tls>")
                .header("User-Agent", "e2e-tls-peer")
                .sdp(sdp)
                .text();
    }

    private static String newBranch() {
        return "z9hG4bK" + Long.toHexString(System.nanoTime());
    }

    private synchronized void send(String text) {
        try {
            out.write(text.getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Splits the stream into messages by Content-Length (RFC 3261 §18.3), skipping keep-alive CRLFs. */
    private void read() {
        try {
            InputStream in = socket.getInputStream();
            while (true) {
                String head = readHead(in);
                if (head == null) {
                    return;
                }
                Matcher length = CONTENT_LENGTH.matcher(head);
                int bodyLength = length.find() ? Integer.parseInt(length.group(1)) : 0;
                String raw = head + new String(in.readNBytes(bodyLength), StandardCharsets.UTF_8);
                SipUdpPeer.Message m = SipUdpPeer.Message.parse(raw);
                if (!m.isResponse() && m.startLine().startsWith("BYE ")) {
                    byeReceived = m;
                    send(SipUdpPeer.okFor(m));
                }
                inbox.add(m);
            }
        } catch (IOException | UncheckedIOException e) {
            // closed
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (true) {
            int b = in.read();
            if (b < 0) {
                return null;
            }
            if (head.size() == 0 && (b == '\r' || b == '\n')) {
                continue;
            }
            head.write(b);
            int n = head.size();
            byte[] bytes = head.toByteArray();
            if (n >= 4 && bytes[n - 4] == '\r' && bytes[n - 3] == '\n' && bytes[n - 2] == '\r' && bytes[n - 1] == '\n') {
                return head.toString(StandardCharsets.UTF_8);
            }
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
        try {
            reader.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
