package dev.softswitch.gateway.fuzz;

import dev.softswitch.gateway.testing.DigestTestClient;
import dev.softswitch.gateway.testing.SipMessageFixtures;
import dev.softswitch.gateway.transport.TransportType;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Feeds seeded mutations to a running gateway through its real sockets: most over UDP from a few
 * loopback sockets (whose answers, where a mutated Via still leads back, are counted by class), one in
 * twenty over a fresh TCP connection, and one in ten as an INVITE that passes digest authentication
 * (one challenge, rising nonce-counts) with mutated SDP, so that the B2BUA sets a call up with it.
 */
public final class SipFuzzRun implements AutoCloseable {

    private static final Pattern STATUS = Pattern.compile("^SIP/2\\.0 (\\d)\\d\\d");
    private static final String DIALLED = "+447400123456";
    private static final String SDP = "v=0\r\no=client 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\n"
            + "t=0 0\r\nm=audio 40000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n";

    private final int gatewayPort;
    private final String account;
    private final String password;
    private final SipMutator mutator;
    private final List<DatagramSocket> sockets = new ArrayList<>();
    private final List<Thread> readers = new ArrayList<>();
    /** Responses received by class: index 1 for 1xx … 6 for 6xx, 0 for anything else. */
    private final AtomicLongArray responses = new AtomicLongArray(7);
    private final AtomicLong sentUdp = new AtomicLong();
    private final AtomicLong sentTcp = new AtomicLong();
    private final AtomicLong sentAuthenticated = new AtomicLong();
    private final AtomicLong tcpRefused = new AtomicLong();
    private final AtomicLong internalErrors = new AtomicLong();
    /** Answers to the authenticated INVITEs (the socket that sends them), by status code. */
    private final java.util.Map<String, AtomicLong> authenticatedAnswers = new java.util.concurrent.ConcurrentSkipListMap<>();
    private String challenge;
    private int nc;

    public SipFuzzRun(int gatewayPort, String account, String password, long seed) {
        this.gatewayPort = gatewayPort;
        this.account = account;
        this.password = password;
        this.mutator = new SipMutator(SipMutator.resourceCorpus(), seed);
        try {
            for (int i = 0; i < 4; i++) {
                sockets.add(new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)));
            }
        } catch (IOException e) {
            close();
            throw new UncheckedIOException(e);
        }
    }

    /** Sends {@code count} mutations, about {@code perSecond} a second. */
    public void run(int count, int perSecond) throws IOException {
        challenge = fetchChallenge();
        for (DatagramSocket s : sockets) {
            Thread t = new Thread(() -> read(s), "fuzz-reader-" + s.getLocalPort());
            t.setDaemon(true);
            t.start();
            readers.add(t);
        }
        long interval = TimeUnit.SECONDS.toNanos(1) / perSecond;
        long next = System.nanoTime();
        for (int i = 0; i < count; i++) {
            if (i % 10 == 5) {
                sendUdp(sockets.get(0), authenticatedInvite(sockets.get(0).getLocalPort()));
                sentAuthenticated.incrementAndGet();
            } else if (i % 20 == 7) {
                sendTcp(mutator.next().bytes());
            } else {
                sendUdp(sockets.get(1 + i % 3), mutator.next().bytes());
            }
            next += interval;
            long wait = next - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
        }
    }

    private String fetchChallenge() throws IOException {
        DatagramSocket s = sockets.get(0);
        sendUdp(s, invite(s.getLocalPort(), null, SDP).getBytes(StandardCharsets.UTF_8));
        s.setSoTimeout(5000);
        byte[] buffer = new byte[65535];
        while (true) {
            DatagramPacket p = new DatagramPacket(buffer, buffer.length);
            s.receive(p);
            String text = new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8);
            Matcher m = Pattern.compile("(?im)^Proxy-Authenticate:[ \\t]*(.*)$").matcher(text);
            if (text.startsWith("SIP/2.0 407") && m.find()) {
                s.setSoTimeout(0);
                return m.group(1).trim();
            }
        }
    }

    private byte[] authenticatedInvite(int localPort) {
        String uri = "sip:" + DIALLED + "@127.0.0.1:" + gatewayPort;
        String credentials = DigestTestClient.authorization(challenge, account, password, "INVITE", uri, ++nc, "fuzz");
        return invite(localPort, credentials, mutator.mutatedSdp(SDP)).getBytes(StandardCharsets.ISO_8859_1);
    }

    private String invite(int localPort, String credentials, String sdp) {
        String local = "127.0.0.1:" + localPort;
        SipMessageFixtures.RequestBuilder b = SipMessageFixtures.request("INVITE", "sip:" + DIALLED + "@127.0.0.1:" + gatewayPort);
        if (credentials != null) {
            b.header("Proxy-Authorization", credentials);
        }
        return b.via(TransportType.UDP, local, "z9hG4bK" + Long.toHexString(System.nanoTime())).rport()
                .from("<sip:" + account + "@127.0.0.1>", Long.toHexString(System.nanoTime()))
                .to("<sip:" + DIALLED + "@127.0.0.1>")
                .callId("fuzz-" + System.nanoTime())
                .cseq(1)
                .contact("<sip:" + account + "@" + local + ">")
                .sdp(sdp)
                .text();
    }

    private void sendUdp(DatagramSocket s, byte[] bytes) throws IOException {
        if (bytes.length > 65_000) {
            bytes = java.util.Arrays.copyOf(bytes, 65_000);
        }
        s.send(new DatagramPacket(bytes, bytes.length, new InetSocketAddress(InetAddress.getLoopbackAddress(), gatewayPort)));
        sentUdp.incrementAndGet();
    }

    private void sendTcp(byte[] bytes) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), gatewayPort), 1000);
            s.setSoLinger(true, 0);
            s.setSoTimeout(1);
            OutputStream out = s.getOutputStream();
            out.write(bytes);
            out.flush();
            try {
                s.getInputStream().read(new byte[1]);
            } catch (SocketTimeoutException e) {
                // no answer within the moment: the connection is dropped either way
            }
            sentTcp.incrementAndGet();
        } catch (IOException e) {
            tcpRefused.incrementAndGet(); // the gateway may close or refuse a connection: that is an answer too
        }
    }

    private void read(DatagramSocket s) {
        byte[] buffer = new byte[65535];
        while (!s.isClosed()) {
            DatagramPacket p = new DatagramPacket(buffer, buffer.length);
            try {
                s.receive(p);
            } catch (IOException e) {
                return;
            }
            String head = new String(p.getData(), 0, Math.min(p.getLength(), 16), StandardCharsets.ISO_8859_1);
            Matcher m = STATUS.matcher(head);
            responses.incrementAndGet(m.find() ? Integer.parseInt(m.group(1)) : 0);
            if (s == sockets.get(0) && m.find(0)) {
                authenticatedAnswers.computeIfAbsent(head.substring(8, 11), k -> new AtomicLong()).incrementAndGet();
            }
            if (head.startsWith("SIP/2.0 500")) {
                internalErrors.incrementAndGet();
            }
        }
    }

    /** Responses received by class, 1xx to 6xx, and other datagrams as "other". */
    public String counts() {
        return "sent " + (sentUdp.get() + sentTcp.get()) + " (UDP " + sentUdp.get() + " of which authenticated INVITEs "
                + sentAuthenticated.get() + ", TCP " + sentTcp.get() + ", TCP connections refused/reset " + tcpRefused.get()
                + "); responses 1xx " + responses.get(1) + ", 2xx " + responses.get(2) + ", 3xx " + responses.get(3)
                + ", 4xx " + responses.get(4) + ", 5xx " + responses.get(5) + " (500: " + internalErrors.get() + "), 6xx " + responses.get(6)
                + ", other " + responses.get(0) + "; answers to authenticated INVITEs by status " + authenticatedAnswers;
    }

    /** 500 Server Internal Error answers: each one is a failure the gateway did not expect. */
    public long internalErrors() {
        return internalErrors.get();
    }

    public long responses(int statusClass) {
        return responses.get(statusClass);
    }

    @Override
    public void close() {
        sockets.forEach(DatagramSocket::close);
    }
}
