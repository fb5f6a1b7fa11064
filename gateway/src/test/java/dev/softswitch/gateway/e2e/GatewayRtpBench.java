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
 * <p>The relay is the gateway in this JVM (the default), a gateway process ({@code --gateway}: its
 * trunk must point at {@code --carrier-port}, where this bench answers as the carrier) or rtpengine
 * ({@code --rtpengine}: calls set up with ng offer and answer, see {@link RtpengineNg}); for the last
 * two, {@code --pid} names the process whose CPU (utime + stime from /proc, all threads) is measured.
 * bench/relay-pps.sh runs both external relays with this bench.
 *
 * <p>Measured as media-relay's RelayPacketRateBench does: packets/s relayed (the relay's counter over
 * the measurement window, or what the peers received for an external relay), CPU of the relay's
 * process (in this JVM: the whole JVM, bench included, and the "media-relay" threads alone), packets
 * per CPU-second, loss, and latency (send to receive, by sequence number). The last line, {@code
 * RESULT ...}, is for scripts. Bounded: at most 2,500 calls, 60 s of measurement, and every socket,
 * thread and the gateway are closed at the end.
 *
 * <p>Arguments: {@code calls seconds plain|srtp [--ptime MS] [--warmup S] [--gateway SIP_PORT
 * --carrier-port PORT --pid PID | --rtpengine NG_PORT --pid PID]}; {@code --ptime} (20 ms) sets the
 * packet interval of every stream, {@code --warmup} (2 s) the streaming before the measurement.
 */
public final class GatewayRtpBench {

    private static final int PACKET = 172;
    private static final int HISTORY = 1024;
    private static final int MAX_CALLS = 2500;
    /**
     * The peers' RTP sockets live on their own loopback address, so that the thousands of ephemeral
     * ports they take never collide with the relay's port range on 127.0.0.1.
     */
    static final String MEDIA_HOST = "127.0.0.2";
    private static final Duration SIP_LIMIT = Duration.ofSeconds(10);
    private static final Pattern M_AUDIO = Pattern.compile("(?m)^m=audio (\\d+) (\\S+)");
    private static final Pattern C_LINE = Pattern.compile("(?m)^c=IN IP4 (\\S+)");
    private static final Pattern CRYPTO = Pattern.compile("(?m)^a=crypto:(\\d+) (\\S+) inline:([^|\\s]+)");

    public static void main(String[] args) throws Exception {
        Options o = Options.parse(args);
        if (o.externalSipPort > 0 || o.ngPort > 0) {
            // An external relay: a gateway process (calls set up by SIP, its trunk pointing at our carrier)
            // or rtpengine (calls set up over its ng protocol); its CPU is read from /proc/<pid>/stat.
            int carrierSipPort = o.carrierSipPort > 0 ? o.carrierSipPort : SippProcess.freeUdpPort();
            try (BenchCarrier carrier = new BenchCarrier(carrierSipPort, o.calls)) {
                new GatewayRtpBench(null, o.externalSipPort, carrier, o).run();
            }
            return;
        }
        Path dir = Files.createTempDirectory("gw-rtp-bench");
        int sipPort = SippProcess.freePort();
        int carrierSipPort = SippProcess.freeUdpPort();
        int mediaBase = 20000;
        String yaml = """
                sip:
                  listen:
                    - { transport: udp, host: 127.0.0.1, port: %1$d }
                  sdesWithoutTls: true    # srtp mode sends its SDES keys over UDP on loopback
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
                """.formatted(sipPort, mediaBase, mediaBase + 4 * o.calls + 63, carrierSipPort,
                SippProcess.freeTcpPort(), dir.resolve("calls.jsonl"));
        Gateway gateway = Gateway.start(GatewayConfig.parse(TestAccounts.withPasswords(yaml), "rtp-bench.yaml"));
        try (BenchCarrier carrier = new BenchCarrier(carrierSipPort, o.calls)) {
            new GatewayRtpBench(gateway, sipPort, carrier, o).run();
        } finally {
            gateway.close();
            try (var files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** The arguments, see the class comment. */
    record Options(int calls, int seconds, boolean srtp, int ptimeMs, int warmupSeconds, int externalSipPort,
                   int carrierSipPort, int ngPort, int pid) {
        static Options parse(String[] args) {
            int calls = Math.min(MAX_CALLS, args.length > 0 ? Integer.parseInt(args[0]) : 100);
            int seconds = Math.min(60, args.length > 1 ? Integer.parseInt(args[1]) : 10);
            boolean srtp = args.length > 2 && args[2].equals("srtp");
            Map<String, Integer> named = new java.util.HashMap<>();
            for (int i = 3; i + 1 < args.length; i += 2) {
                named.put(args[i], Integer.parseInt(args[i + 1]));
            }
            Options o = new Options(calls, seconds, srtp, Math.max(5, named.getOrDefault("--ptime", 20)),
                    Math.min(30, named.getOrDefault("--warmup", 2)), named.getOrDefault("--gateway", 0),
                    named.getOrDefault("--carrier-port", 0), named.getOrDefault("--rtpengine", 0),
                    named.getOrDefault("--pid", 0));
            if ((o.externalSipPort > 0 || o.ngPort > 0) && o.pid <= 0) {
                throw new IllegalArgumentException("an external relay needs --pid");
            }
            return o;
        }
    }

    private final Gateway gateway;
    private final int sipPort;
    private final BenchCarrier carrier;
    private final int n;
    private final int seconds;
    private final boolean srtp;
    private final Options options;
    private final long frameNanos;
    private final String target;

    private GatewayRtpBench(Gateway gateway, int sipPort, BenchCarrier carrier, Options options) {
        this.gateway = gateway;
        this.sipPort = sipPort;
        this.carrier = carrier;
        this.n = options.calls;
        this.seconds = options.seconds;
        this.srtp = options.srtp;
        this.options = options;
        this.frameNanos = options.ptimeMs * 1_000_000L;
        this.target = options.ngPort > 0 ? "rtpengine" : gateway == null ? "gateway" : "in-process";
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
            System.out.printf("target=%s calls=%d answered=%d (carrier legs %d) in %.2fs%s%n", target, n, answered,
                    carrierReady, setupSeconds, gateway == null ? ""
                            : ", activeCalls=" + gateway.activeCalls() + " relayPorts=" + gateway.relay().portsInUse());
            boolean[] live = new boolean[n];
            for (int i = 0; i < n; i++) {
                live[i] = relayClientSide[i] != null && carrier.relayCarrierSide[i] != null;
            }

            // ---- media ----
            long[][] sendNanos = {new long[n * HISTORY], new long[n * HISTORY]};
            AtomicLongArray sent = new AtomicLongArray(2); // [0] client->carrier, [1] carrier->client
            Recorder recorder = new Recorder();
            long relayedBefore = relayed();
            long droppedBefore = gateway == null ? 0 : gateway.relay().packetsDropped();
            receiver = new Thread(() -> receive(selector, srtpPeers, sendNanos, running, recorder), "bench-receiver");
            receiver.start();
            sender = new Thread(() -> send(live, client, relayClientSide, srtpPeers, sendNanos, running, sent),
                    "bench-sender");
            sender.start();

            LockSupport.parkNanos(options.warmupSeconds * 1_000_000_000L);
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            long cpu0 = relayCpu(threads);
            long proc0 = processCpu();
            long relayed0 = relayed();
            long sent0 = sent.get(0) + sent.get(1);
            recorder.reset();
            long t0 = System.nanoTime();
            LockSupport.parkNanos(seconds * 1_000_000_000L);
            long cpu1 = relayCpu(threads);
            long proc1 = processCpu();
            long relayed1 = relayed();
            long sent1 = sent.get(0) + sent.get(1);
            long elapsed = System.nanoTime() - t0;
            long[] lat = recorder.latencies();
            long windowReceived = recorder.count;
            running.set(false);
            sender.join(5000);
            LockSupport.parkNanos(300_000_000L); // packets in flight
            recorder.stopTotals();
            receiver.join(5000);

            // Without the in-process relay's counter, what the peers received in the window was relayed.
            long relayed = gateway == null ? windowReceived : relayed1 - relayed0;
            double cpuSeconds = (cpu1 - cpu0) / 1e9;
            double procSeconds = (proc1 - proc0) / 1e9;
            long sentInWindow = sent1 - sent0;
            long up = sent.get(0);
            long down = sent.get(1);
            long upGot = recorder.total[0].get();
            long downGot = recorder.total[1].get();
            System.out.printf("mode=%s calls=%d streaming=%d seconds=%d ptime=%dms (after %d s warm-up)%n",
                    srtp ? "srtp" : "plain", n, count(live), seconds, options.ptimeMs, options.warmupSeconds);
            System.out.printf("whole run: client->carrier sent=%d received=%d loss=%.3f%%;"
                            + " carrier->client sent=%d received=%d loss=%.3f%%%n", up, upGot, loss(up, upGot), down, downGot,
                    loss(down, downGot));
            System.out.printf("checks: packets at the carrier not %d bytes=%d; srtp at the client decrypted"
                            + " (1 in 50) ok=%d failed=%d%n", PACKET, recorder.carrierNot172.get(),
                    recorder.authOk.get(), recorder.authFailures.get());
            System.out.printf("window: sent=%d relayed=%d received=%d loss=%.3f%%%s%n", sentInWindow, relayed,
                    windowReceived, loss(sentInWindow, windowReceived), gateway == null ? ""
                            : " (relay dropped " + (gateway.relay().packetsDropped() - droppedBefore)
                            + " over the run, relayed " + (relayed() - relayedBefore) + ")");
            if (gateway != null) {
                System.out.printf("relay threads: cpu=%.2fs (%.1f%% of one core) packetsPerRelayCpuSecond=%.0f"
                                + " cpuPerPacket=%.2fus%n", cpuSeconds, 100 * cpuSeconds * 1e9 / elapsed,
                        relayed / cpuSeconds, cpuSeconds * 1e6 / Math.max(1, relayed));
            }
            System.out.printf("relayed pps=%.0f; %s cpu=%.1f%% of one core, packetsPerCpuSecond=%.0f%n",
                    relayed * 1e9 / elapsed, gateway == null ? "relay process (pid " + options.pid + ")"
                            : "whole JVM (relay and bench)", 100 * procSeconds * 1e9 / elapsed, relayed / procSeconds);
            System.out.printf("latency mean=%.3fms p50=%.3fms p99=%.3fms max=%.3fms (%d samples)%n",
                    mean(lat) / 1e6, pct(lat, 0.50) / 1e6, pct(lat, 0.99) / 1e6, pct(lat, 1.0) / 1e6, lat.length);
            // One line for bench/relay-pps.sh.
            System.out.printf(Locale.ROOT, "RESULT target=%s mode=%s calls=%d streaming=%d ptime=%d pps=%.0f cpu=%.1f"
                            + " pktsPerCpuSec=%.0f loss=%.3f p50=%.3f p99=%.3f max=%.3f srtpFailed=%d not172=%d%n",
                    target, srtp ? "srtp" : "plain", n, count(live), options.ptimeMs, relayed * 1e9 / elapsed,
                    100 * procSeconds * 1e9 / elapsed, relayed / procSeconds, loss(up + down, upGot + downGot),
                    pct(lat, 0.50) / 1e6, pct(lat, 0.99) / 1e6, pct(lat, 1.0) / 1e6, recorder.authFailures.get(),
                    recorder.carrierNot172.get());

            tearDown(pool, peers, relayClientSide);
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

    /**
     * Sets up call {@code i}: an INVITE through the gateway dialling a number whose last 6 digits are
     * {@code i}, or an ng offer (the client's SDP) and answer (the carrier's) to rtpengine.
     */
    private boolean setUp(int i, DatagramChannel[] client, SipUdpPeer[] peers, SrtpTestPeer[] srtpPeers,
                          InetSocketAddress[] relayClientSide, SecureRandom random) throws Exception {
        int port = ((InetSocketAddress) client[i].getLocalAddress()).getPort();
        SrtpMasterKey clientKey = null;
        String offer;
        if (srtp) {
            clientKey = SrtpMasterKey.generate(SrtpSuite.AES_CM_128_HMAC_SHA1_80, random);
            offer = MediaEndToEndTest.baresipOffer(port, clientKey);
        } else {
            offer = MediaEndToEndTest.plainOffer(port);
        }
        offer = offer.replace("IN IP4 127.0.0.1", "IN IP4 " + MEDIA_HOST);
        String answer;
        if (options.ngPort > 0) {
            answer = ngOfferAnswer(i, offer);
        } else {
            SipUdpPeer peer = new SipUdpPeer(sipPort, "bench");
            peers[i] = peer;
            SipUdpPeer.Message ok = peer.invite(String.format(Locale.ROOT, "+447400%06d", i), offer, SIP_LIMIT);
            if (ok.status() != 200) {
                System.out.println("call " + i + ": " + ok.startLine());
                return false;
            }
            answer = ok.body();
        }
        if (srtp) {
            Matcher crypto = CRYPTO.matcher(answer);
            if (!crypto.find()) {
                throw new IllegalStateException("no a=crypto in the answer: " + answer);
            }
            SrtpMasterKey relayKey = SrtpMasterKey.fromInline(SrtpSuite.AES_CM_128_HMAC_SHA1_80, crypto.group(3));
            srtpPeers[i] = new SrtpTestPeer(clientKey, relayKey, 0x1000 + i);
        }
        relayClientSide[i] = mediaAddress(answer);
        return true;
    }

    /**
     * rtpengine: offers the client's SDP (with SRTP, asking for plain RTP toward the carrier), notes
     * where the carrier must send from the offer it gets, answers with the carrier's SDP and returns
     * the answer rtpengine makes for the client.
     */
    private String ngOfferAnswer(int i, String clientOffer) throws IOException {
        try (RtpengineNg ng = new RtpengineNg(new InetSocketAddress("127.0.0.1", options.ngPort))) {
            Map<String, Object> offer = new java.util.HashMap<>(Map.of("command", "offer", "call-id", "bench-" + i,
                    "from-tag", "client-" + i, "sdp", clientOffer, "replace", List.of("origin", "session-connection")));
            if (srtp) {
                offer.put("transport-protocol", "RTP/AVP");
            }
            String carrierOffer = (String) ng.request(offer).get("sdp");
            carrier.relayCarrierSide[i] = mediaAddress(carrierOffer);
            int carrierPort = ((InetSocketAddress) carrier.rtp[i].getLocalAddress()).getPort();
            return (String) ng.request(Map.of("command", "answer", "call-id", "bench-" + i, "from-tag", "client-" + i,
                    "to-tag", "carrier-" + i, "sdp", BenchCarrier.answerSdp(i, carrierPort),
                    "replace", List.of("origin", "session-connection"))).get("sdp");
        }
    }

    /** BYE on every call by SIP, or an ng delete for every rtpengine call, and waits for the relay to let go. */
    private void tearDown(ExecutorService pool, SipUdpPeer[] peers, InetSocketAddress[] relayClientSide)
            throws Exception {
        List<Future<Integer>> byes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            SipUdpPeer p = peers[i];
            int call = i;
            if (options.ngPort > 0 && relayClientSide[i] != null) {
                byes.add(pool.submit(() -> {
                    try (RtpengineNg ng = new RtpengineNg(new InetSocketAddress("127.0.0.1", options.ngPort))) {
                        ng.request(Map.of("command", "delete", "call-id", "bench-" + call));
                        return 200;
                    }
                }));
            } else if (p != null && relayClientSide[i] != null) {
                byes.add(pool.submit(() -> p.bye(SIP_LIMIT).status()));
            }
        }
        int byeOk = 0;
        for (Future<Integer> f : byes) {
            try {
                byeOk += f.get(30, TimeUnit.SECONDS) == 200 ? 1 : 0;
            } catch (Exception e) {
                System.out.println("tear-down failed: " + e.getCause());
            }
        }
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (gateway != null && (gateway.activeCalls() > 0 || gateway.relay().portsInUse() > 0)
                && System.nanoTime() < deadline) {
            LockSupport.parkNanos(20_000_000L);
        }
        System.out.printf("%s 200=%d of %d, carrier BYEs=%d%s%n", options.ngPort > 0 ? "ng delete" : "BYE", byeOk,
                byes.size(), carrier.byes.get(), gateway == null ? ""
                        : "; after: activeCalls=" + gateway.activeCalls() + " relayPorts=" + gateway.relay().portsInUse());
    }

    private long relayed() {
        return gateway == null ? 0 : gateway.relay().packetsRelayed();
    }

    private static DatagramChannel open(Selector selector, int index) throws IOException {
        DatagramChannel ch = DatagramChannel.open(StandardProtocolFamily.INET);
        ch.bind(new InetSocketAddress(MEDIA_HOST, 0));
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
                next += frameNanos / 20;
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

    /** CPU time of the relay's process: this JVM, or utime + stime of --pid from /proc (all its threads). */
    private long processCpu() {
        if (options.pid > 0) {
            try {
                String stat = Files.readString(Path.of("/proc/" + options.pid + "/stat"));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                // Fields 14 and 15 of proc(5), counted from the state (field 3); clock ticks of 10 ms (USER_HZ 100).
                return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10_000_000L;
            } catch (IOException e) {
                throw new IllegalStateException("cannot read the CPU time of pid " + options.pid, e);
            }
        }
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
}
