package dev.softswitch.gateway.e2e;

import dev.softswitch.gateway.Gateway;
import dev.softswitch.gateway.config.GatewayConfig;
import dev.softswitch.gateway.testing.TestAccounts;
import dev.softswitch.media.srtp.SrtpMasterKey;
import dev.softswitch.media.srtp.SrtpSuite;
import dev.softswitch.media.srtp.SrtpTestPeer;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Issue #5's packet-rate benchmark through the gateway's SIP side (not a test; run by hand): the real
 * gateway in this JVM on loopback, N calls set up by SIP (one {@link SipUdpPeer} per call toward the
 * gateway, an in-process carrier SIP responder behind it), then 172-byte G.711 RTP at 50 packets/s
 * both ways on every call for the given seconds, client to the relay's client port and carrier to
 * the relay's carrier port, both read from the SDP each side received. With {@code srtp} the client
 * offers RTP/SAVP with an SDES key and encrypts with jitsi-srtp; the carrier stays plain RTP.
 *
 * <p>Measured as media-relay's RelayPacketRateBench does: packets/s relayed (the relay's counter over
 * the measurement window), relay CPU from ThreadMXBean over the "media-relay" threads, packets per
 * relay CPU-second, loss, and latency (send to receive, by sequence number). Bounded: at most 2,000
 * calls, 60 s of measurement, and every socket, thread and the gateway are closed at the end.
 *
 * <p>Arguments: {@code calls seconds plain|srtp}.
 */
public final class GatewayRtpBench {

    private static final int PACKET = 172;
    private static final long FRAME_NANOS = 20_000_000L;
    private static final int HISTORY = 1024;
    private static final Duration SIP_LIMIT = Duration.ofSeconds(10);
    private static final Pattern M_AUDIO = Pattern.compile("(?m)^m=audio (\\d+) (\\S+)");
    private static final Pattern C_LINE = Pattern.compile("(?m)^c=IN IP4 (\\S+)");
    private static final Pattern CRYPTO = Pattern.compile("(?m)^a=crypto:(\\d+) (\\S+) inline:([^|\\s]+)");
    private static final Pattern DIALLED = Pattern.compile("^INVITE sip:\\+?(\\d+)@");

    public static void main(String[] args) throws Exception {
        int calls = Math.min(2000, args.length > 0 ? Integer.parseInt(args[0]) : 100);
        int seconds = Math.min(60, args.length > 1 ? Integer.parseInt(args[1]) : 10);
        boolean srtp = args.length > 2 && args[2].equals("srtp");
        Path dir = Files.createTempDirectory("gw-rtp-bench");
        int sipPort = SippProcess.freePort();
        int carrierSipPort = SippProcess.freeUdpPort();
        int mediaBase = 20000;
        String yaml = """
                sip:
                  listen:
                    - { transport: udp, host: 127.0.0.1, port: %1$d }
                http: { host: 127.0.0.1, port: %5$d }
                media: { host: 127.0.0.1, portMin: %2$d, portMax: %3$d, timeout: 10m, holdTimeout: 2h }
                trunks:
                  - { name: bench-carrier, host: 127.0.0.1, port: %4$d, transport: udp, prefixes: ["44"], probe: false }
                charging:
                  currency: USD
                  rates:
                    - { prefix: "447", destination: UK mobile, perMinute: "0.0100", increments: 60/60 }
                  accounts:
                    - { id: bench, balance: "100000000.00", number: "+447400000009" }
                cdr: { file: "%6$s" }
                """.formatted(sipPort, mediaBase, mediaBase + 4 * calls + 63, carrierSipPort,
                SippProcess.freeTcpPort(), dir.resolve("calls.jsonl"));
        Gateway gateway = Gateway.start(GatewayConfig.parse(TestAccounts.withPasswords(yaml), "rtp-bench.yaml"));
        try (CarrierResponder carrier = new CarrierResponder(carrierSipPort, calls)) {
            new GatewayRtpBench(gateway, sipPort, carrier, calls, seconds, srtp).run();
        } finally {
            gateway.close();
            try (var files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private final Gateway gateway;
    private final int sipPort;
    private final CarrierResponder carrier;
    private final int n;
    private final int seconds;
    private final boolean srtp;

    private GatewayRtpBench(Gateway gateway, int sipPort, CarrierResponder carrier, int n, int seconds, boolean srtp) {
        this.gateway = gateway;
        this.sipPort = sipPort;
        this.carrier = carrier;
        this.n = n;
        this.seconds = seconds;
        this.srtp = srtp;
    }

    private void run() throws Exception {
        SecureRandom random = new SecureRandom();
        Selector selector = Selector.open();
        DatagramChannel[] client = new DatagramChannel[n];
        SipUdpPeer[] peers = new SipUdpPeer[n];
        SrtpTestPeer[] srtpPeers = new SrtpTestPeer[n];
        InetSocketAddress[] relayClientSide = new InetSocketAddress[n];
        ExecutorService pool = Executors.newFixedThreadPool(8);
        AtomicBoolean running = new AtomicBoolean(true);
        Thread sender = null;
        Thread receiver = null;
        try {
            for (int i = 0; i < n; i++) {
                client[i] = open(selector, i * 2);
                carrier.rtp[i] = open(selector, i * 2 + 1);
            }

            // ---- call set-up by SIP ----
            long setup0 = System.nanoTime();
            List<Future<Boolean>> answers = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int call = i;
                answers.add(pool.submit(() -> setUp(call, client, peers, srtpPeers, relayClientSide, random)));
            }
            int answered = 0;
            for (Future<Boolean> f : answers) {
                try {
                    answered += f.get(60, TimeUnit.SECONDS) ? 1 : 0;
                } catch (Exception e) {
                    System.out.println("call set-up failed: " + e.getCause());
                }
            }
            double setupSeconds = (System.nanoTime() - setup0) / 1e9;
            int carrierReady = 0;
            for (int i = 0; i < n; i++) {
                carrierReady += carrier.relayCarrierSide[i] != null ? 1 : 0;
            }
            System.out.printf("calls=%d answered=%d (carrier legs %d) in %.2fs, activeCalls=%d relayPorts=%d%n",
                    n, answered, carrierReady, setupSeconds, gateway.activeCalls(), gateway.relay().portsInUse());
            boolean[] live = new boolean[n];
            for (int i = 0; i < n; i++) {
                live[i] = relayClientSide[i] != null && carrier.relayCarrierSide[i] != null;
            }

            // ---- media ----
            long[][] sendNanos = {new long[n * HISTORY], new long[n * HISTORY]};
            AtomicLongArray sent = new AtomicLongArray(2); // [0] client->carrier, [1] carrier->client
            Recorder recorder = new Recorder();
            long relayedBefore = gateway.relay().packetsRelayed();
            long droppedBefore = gateway.relay().packetsDropped();
            receiver = new Thread(() -> receive(selector, srtpPeers, sendNanos, running, recorder), "bench-receiver");
            receiver.start();
            sender = new Thread(() -> send(live, client, relayClientSide, srtpPeers, sendNanos, running, sent),
                    "bench-sender");
            sender.start();

            LockSupport.parkNanos(2_000_000_000L); // warm-up
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            long cpu0 = relayCpu(threads);
            long proc0 = processCpu();
            long relayed0 = gateway.relay().packetsRelayed();
            long sent0 = sent.get(0) + sent.get(1);
            recorder.reset();
            long t0 = System.nanoTime();
            LockSupport.parkNanos(seconds * 1_000_000_000L);
            long cpu1 = relayCpu(threads);
            long proc1 = processCpu();
            long relayed1 = gateway.relay().packetsRelayed();
            long sent1 = sent.get(0) + sent.get(1);
            long elapsed = System.nanoTime() - t0;
            long[] lat = recorder.latencies();
            long windowReceived = recorder.count;
            running.set(false);
            sender.join(5000);
            LockSupport.parkNanos(300_000_000L); // packets in flight
            recorder.stopTotals();
            receiver.join(5000);

            long relayed = relayed1 - relayed0;
            double cpuSeconds = (cpu1 - cpu0) / 1e9;
            long sentInWindow = sent1 - sent0;
            long up = sent.get(0);
            long down = sent.get(1);
            long upGot = recorder.total[0].get();
            long downGot = recorder.total[1].get();
            System.out.printf("mode=%s calls=%d streaming=%d seconds=%d (after 2 s warm-up)%n", srtp ? "srtp" : "plain",
                    n, count(live), seconds);
            System.out.printf("whole run: client->carrier sent=%d received=%d loss=%.3f%%;"
                            + " carrier->client sent=%d received=%d loss=%.3f%%%n", up, upGot, loss(up, upGot), down, downGot,
                    loss(down, downGot));
            System.out.printf("checks: packets at the carrier not %d bytes=%d; srtp at the client decrypted"
                            + " (1 in 50) ok=%d failed=%d%n", PACKET, recorder.carrierNot172.get(),
                    recorder.authOk.get(), recorder.authFailures.get());
            System.out.printf("window: sent=%d relayed=%d received=%d loss=%.3f%% (relay dropped %d over the run,"
                            + " relayed %d)%n", sentInWindow, relayed, windowReceived,
                    loss(sentInWindow, windowReceived), gateway.relay().packetsDropped() - droppedBefore,
                    gateway.relay().packetsRelayed() - relayedBefore);
            System.out.printf("relayed pps=%.0f relayCpu=%.2fs (%.1f%% of one core) packetsPerRelayCpuSecond=%.0f"
                            + " cpuPerPacket=%.2fus; whole JVM cpu=%.1f%% of one core%n",
                    relayed * 1e9 / elapsed, cpuSeconds, 100 * cpuSeconds * 1e9 / elapsed, relayed / cpuSeconds,
                    cpuSeconds * 1e6 / Math.max(1, relayed), 100.0 * (proc1 - proc0) / elapsed);
            System.out.printf("latency mean=%.3fms p50=%.3fms p99=%.3fms max=%.3fms (%d samples)%n",
                    mean(lat) / 1e6, pct(lat, 0.50) / 1e6, pct(lat, 0.99) / 1e6, pct(lat, 1.0) / 1e6, lat.length);

            // ---- tear-down by SIP ----
            List<Future<Integer>> byes = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                SipUdpPeer p = peers[i];
                if (p != null && relayClientSide[i] != null) {
                    byes.add(pool.submit(() -> p.bye(SIP_LIMIT).status()));
                }
            }
            int byeOk = 0;
            for (Future<Integer> f : byes) {
                try {
                    byeOk += f.get(30, TimeUnit.SECONDS) == 200 ? 1 : 0;
                } catch (Exception e) {
                    System.out.println("BYE failed: " + e.getCause());
                }
            }
            long deadline = System.nanoTime() + 10_000_000_000L;
            while ((gateway.activeCalls() > 0 || gateway.relay().portsInUse() > 0) && System.nanoTime() < deadline) {
                LockSupport.parkNanos(20_000_000L);
            }
            System.out.printf("BYE 200=%d of %d, carrier BYEs=%d; after: activeCalls=%d relayPorts=%d%n", byeOk,
                    byes.size(), carrier.byes.get(), gateway.activeCalls(), gateway.relay().portsInUse());
        } finally {
            running.set(false);
            if (sender != null) {
                sender.join(5000);
            }
            if (receiver != null) {
                receiver.join(5000);
            }
            pool.shutdownNow();
            pool.awaitTermination(5, TimeUnit.SECONDS);
            for (int i = 0; i < n; i++) {
                closeQuietly(peers[i]);
                closeQuietly(srtpPeers[i]);
                closeQuietly(client[i]);
                closeQuietly(carrier.rtp[i]);
            }
            selector.close();
        }
    }

    /** INVITE through the gateway for call {@code i}, dialling a number whose last 6 digits are {@code i}. */
    private boolean setUp(int i, DatagramChannel[] client, SipUdpPeer[] peers, SrtpTestPeer[] srtpPeers,
                          InetSocketAddress[] relayClientSide, SecureRandom random) throws Exception {
        int port = ((InetSocketAddress) client[i].getLocalAddress()).getPort();
        SipUdpPeer peer = new SipUdpPeer(sipPort, "bench");
        peers[i] = peer;
        SrtpMasterKey clientKey = null;
        String offer;
        if (srtp) {
            clientKey = SrtpMasterKey.generate(SrtpSuite.AES_CM_128_HMAC_SHA1_80, random);
            offer = MediaEndToEndTest.baresipOffer(port, clientKey);
        } else {
            offer = MediaEndToEndTest.plainOffer(port);
        }
        SipUdpPeer.Message ok = peer.invite(String.format(Locale.ROOT, "+447400%06d", i), offer, SIP_LIMIT);
        if (ok.status() != 200) {
            System.out.println("call " + i + ": " + ok.startLine());
            return false;
        }
        if (srtp) {
            Matcher crypto = CRYPTO.matcher(ok.body());
            if (!crypto.find()) {
                throw new IllegalStateException("no a=crypto in the 200 OK: " + ok.body());
            }
            SrtpMasterKey relayKey = SrtpMasterKey.fromInline(SrtpSuite.AES_CM_128_HMAC_SHA1_80, crypto.group(3));
            srtpPeers[i] = new SrtpTestPeer(clientKey, relayKey, 0x1000 + i);
        }
        relayClientSide[i] = mediaAddress(ok.body());
        return true;
    }

    private static DatagramChannel open(Selector selector, int index) throws IOException {
        DatagramChannel ch = DatagramChannel.open(StandardProtocolFamily.INET);
        ch.bind(new InetSocketAddress("127.0.0.1", 0));
        ch.configureBlocking(false);
        ch.register(selector, SelectionKey.OP_READ, index);
        return ch;
    }

    /** Sends a packet for every live call and direction every 20 ms, spread over 1 ms slots. */
    private void send(boolean[] live, DatagramChannel[] client, InetSocketAddress[] relayClientSide,
                      SrtpTestPeer[] srtpPeers, long[][] sendNanos, AtomicBoolean running, AtomicLongArray sent) {
        byte[] plain = new byte[PACKET];
        for (int k = 12; k < PACKET; k++) {
            plain[k] = (byte) 0xFF; // PCMU silence
        }
        ByteBuffer out = ByteBuffer.allocateDirect(2048);
        int[] seq = new int[n];
        long next = System.nanoTime();
        int slot = 0;
        try {
            while (running.get()) {
                for (int i = slot; i < n; i += 20) {
                    if (!live[i]) {
                        continue;
                    }
                    int s = seq[i]++ & 0xFFFF;
                    rtp(plain, s, s * 160, 0x1000 + i);
                    byte[] up = srtpPeers[i] == null ? plain : srtpPeers[i].protectRtp(plain);
                    sendNanos[0][i * HISTORY + (s % HISTORY)] = System.nanoTime();
                    client[i].send(out.clear().put(up).flip(), relayClientSide[i]);
                    rtp(plain, s, s * 160, 0x2000 + i);
                    sendNanos[1][i * HISTORY + (s % HISTORY)] = System.nanoTime();
                    carrier.rtp[i].send(out.clear().put(plain).flip(), carrier.relayCarrierSide[i]);
                    sent.addAndGet(0, 1);
                    sent.addAndGet(1, 1);
                }
                slot = (slot + 1) % 20;
                next += FRAME_NANOS / 20;
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Reads every client and carrier socket; in srtp mode it authenticates and decrypts one packet a
     * second per call at the client (seq % 50 == 0), so the relay's encryption is checked without the
     * receiver taking a core from the relay.
     */
    private void receive(Selector selector, SrtpTestPeer[] srtpPeers, long[][] sendNanos, AtomicBoolean running,
                         Recorder recorder) {
        ByteBuffer in = ByteBuffer.allocateDirect(2048);
        byte[] copy = new byte[2048];
        try {
            while (running.get() || recorder.countingTotals) {
                if (selector.select(100) == 0) {
                    continue;
                }
                for (SelectionKey key : selector.selectedKeys()) {
                    int index = (Integer) key.attachment();
                    DatagramChannel ch = (DatagramChannel) key.channel();
                    while (ch.receive(in.clear()) != null) {
                        long now = System.nanoTime();
                        int seq = in.getShort(2) & 0xFFFF;
                        int call = index >> 1;
                        // Received by the carrier (odd index): it travelled client to carrier (dir 0).
                        int dir = (index & 1) == 1 ? 0 : 1;
                        long sentAt = sendNanos[dir][call * HISTORY + (seq % HISTORY)];
                        recorder.record(dir, now - sentAt);
                        if (dir == 0 && in.position() != PACKET) {
                            recorder.carrierNot172.incrementAndGet();
                        }
                        if (dir == 1 && srtpPeers[call] != null && seq % 50 == 0) {
                            int len = in.position();
                            in.flip().get(copy, 0, len);
                            try {
                                if (srtpPeers[call].unprotectRtp(Arrays.copyOf(copy, len)).length == PACKET) {
                                    recorder.authOk.incrementAndGet();
                                }
                            } catch (Exception e) {
                                recorder.authFailures.incrementAndGet();
                            }
                        }
                    }
                }
                selector.selectedKeys().clear();
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void rtp(byte[] b, int seq, int ts, int ssrc) {
        ByteBuffer.wrap(b).put((byte) 0x80).put((byte) 0).putShort((short) seq).putInt(ts).putInt(ssrc);
    }

    private static long relayCpu(ThreadMXBean threads) {
        long sum = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("media-relay")) {
                sum += Math.max(0, threads.getThreadCpuTime(t.getId()));
            }
        }
        return sum;
    }

    private static long processCpu() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : 0;
    }

    static InetSocketAddress mediaAddress(String sdp) {
        Matcher c = C_LINE.matcher(sdp);
        Matcher m = M_AUDIO.matcher(sdp);
        if (!c.find() || !m.find()) {
            throw new IllegalStateException("no c=/m=audio in " + sdp);
        }
        return new InetSocketAddress(c.group(1), Integer.parseInt(m.group(1)));
    }

    private static int count(boolean[] values) {
        int c = 0;
        for (boolean v : values) {
            c += v ? 1 : 0;
        }
        return c;
    }

    private static double loss(long sent, long received) {
        return 100.0 * Math.max(0, sent - received) / Math.max(1, sent);
    }

    private static double mean(long[] values) {
        return values.length == 0 ? 0 : Arrays.stream(values).average().orElse(0);
    }

    private static double pct(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[Math.max(0, Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1))];
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c != null) {
            try {
                c.close();
            } catch (Exception ignored) {
                // closing anyway
            }
        }
    }

    /** Latency samples of the measurement window (bounded in count) and per-direction totals of the run. */
    private static final class Recorder {
        private final long[] samples = new long[5_000_000];
        private final java.util.concurrent.atomic.AtomicLong[] total = {
            new java.util.concurrent.atomic.AtomicLong(), new java.util.concurrent.atomic.AtomicLong()};
        private final AtomicInteger authFailures = new AtomicInteger();
        private final AtomicInteger authOk = new AtomicInteger();
        private final AtomicInteger carrierNot172 = new AtomicInteger();
        private volatile boolean recording;
        private volatile boolean countingTotals = true;
        private int size;
        private long count;

        void reset() {
            size = 0;
            count = 0;
            recording = true;
        }

        void stopTotals() {
            countingTotals = false;
        }

        void record(int dir, long nanos) {
            total[dir].incrementAndGet();
            if (!recording) {
                return;
            }
            count++;
            if (size < samples.length) {
                samples[size++] = nanos;
            }
        }

        long[] latencies() {
            recording = false;
            long[] copy = Arrays.copyOf(samples, size);
            Arrays.sort(copy);
            return copy;
        }
    }

    /**
     * A minimal carrier over UDP: answers each INVITE with 200 OK (SDP pointing at that call's own
     * carrier RTP socket, chosen by the last 6 digits of the dialled number), notes the relay's carrier
     * side from the INVITE's SDP, ignores ACK, answers BYE (and anything else) with 200.
     */
    private static final class CarrierResponder implements AutoCloseable {
        final DatagramChannel[] rtp;
        final InetSocketAddress[] relayCarrierSide;
        final AtomicInteger byes = new AtomicInteger();
        private final DatagramSocket socket;
        private final Thread reader;
        private final Map<String, String> answers = new ConcurrentHashMap<>();

        CarrierResponder(int port, int calls) throws IOException {
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
            relayCarrierSide[call] = mediaAddress(invite.body());
            int port;
            try {
                port = ((InetSocketAddress) rtp[call].getLocalAddress()).getPort();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            String sdp = "v=0\r\no=carrier " + call + " 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                    + "m=audio " + port + " RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=ptime:20\r\na=sendrecv\r\n";
            return response(invite, ";tag=c" + call, sdp);
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
}
