package dev.softswitch.media.bench;

import dev.softswitch.media.MediaRelay;
import dev.softswitch.media.MediaRelayConfig;
import dev.softswitch.media.session.RelaySession;
import dev.softswitch.media.srtp.SrtpMasterKey;
import dev.softswitch.media.srtp.SrtpSuite;
import dev.softswitch.media.srtp.SrtpTestPeer;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * Packet-rate benchmark of the relay on loopback (not a test; run by hand): N sessions, each streaming
 * 50 packets/s of 172-byte G.711 RTP both ways from one sender thread, one receiver thread reading
 * all peer sockets. With {@code srtp} the client side speaks SRTP (the sender encrypts with
 * jitsi-srtp, the relay decrypts one way and encrypts the other). Reports packets/s relayed, relay
 * thread CPU per packet, loss, and added latency (send to receive, by sequence number). Bounded:
 * warm-up plus measurement seconds, then it stops.
 *
 * <p>Arguments: {@code sessions seconds plain|srtp [ioThreads]}.
 */
public final class RelayPacketRateBench {

    private static final int PACKET = 172;
    private static final long FRAME_NANOS = 20_000_000L;
    private static final int HISTORY = 1024;

    public static void main(String[] args) throws Exception {
        int sessions = args.length > 0 ? Integer.parseInt(args[0]) : 500;
        int seconds = Math.min(60, args.length > 1 ? Integer.parseInt(args[1]) : 10);
        boolean srtp = args.length > 2 && args[2].equals("srtp");
        int ioThreads = args.length > 3 ? Integer.parseInt(args[3]) : 1;
        int base = 20000; // below the ephemeral range that the peer sockets take
        try (MediaRelay relay = MediaRelay.start(new MediaRelayConfig("127.0.0.1", base, base + 4 * sessions + 63,
                ioThreads))) {
            run(relay, sessions, seconds, srtp);
        }
    }

    private static void run(MediaRelay relay, int n, int seconds, boolean srtp) throws Exception {
        SecureRandom random = new SecureRandom();
        RelaySession[] relaySessions = new RelaySession[n];
        DatagramChannel[] client = new DatagramChannel[n];
        DatagramChannel[] carrier = new DatagramChannel[n];
        SrtpTestPeer[] peers = new SrtpTestPeer[n];
        // sendNanos[dir][session * HISTORY + seq % HISTORY]; dir 0 = client to carrier.
        long[][] sendNanos = {new long[n * HISTORY], new long[n * HISTORY]};
        Selector selector = Selector.open();
        for (int i = 0; i < n; i++) {
            relaySessions[i] = relay.allocate("bench-" + i);
            client[i] = open(selector, i * 2);
            carrier[i] = open(selector, i * 2 + 1);
            relaySessions[i].clientLeg().setRemoteRtp((InetSocketAddress) client[i].getLocalAddress());
            relaySessions[i].carrierLeg().setRemoteRtp((InetSocketAddress) carrier[i].getLocalAddress());
            if (srtp) {
                SrtpMasterKey clientKey = SrtpMasterKey.generate(SrtpSuite.AES_CM_128_HMAC_SHA1_80, random);
                SrtpMasterKey relayKey = SrtpMasterKey.generate(SrtpSuite.AES_CM_128_HMAC_SHA1_80, random);
                relaySessions[i].clientLeg().enableSrtp(clientKey, relayKey);
                peers[i] = new SrtpTestPeer(clientKey, relayKey, 0x1000 + i);
            }
        }
        AtomicBoolean running = new AtomicBoolean(true);
        long[] sent = new long[1];
        Recorder recorder = new Recorder();
        Thread receiver = new Thread(() -> receive(selector, n, sendNanos, running, recorder), "bench-receiver");
        receiver.start();
        Thread sender = new Thread(() -> send(relaySessions, client, carrier, peers, sendNanos, running, sent),
                "bench-sender");
        sender.start();

        LockSupport.parkNanos(2_000_000_000L); // warm-up
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long cpu0 = relayCpu(threads);
        long relayed0 = relay.packetsRelayed();
        long sent0;
        synchronized (sent) {
            sent0 = sent[0];
        }
        recorder.reset();
        long t0 = System.nanoTime();
        LockSupport.parkNanos(seconds * 1_000_000_000L);
        long cpu1 = relayCpu(threads);
        long relayed1 = relay.packetsRelayed();
        long elapsed = System.nanoTime() - t0;
        long sent1;
        synchronized (sent) {
            sent1 = sent[0];
        }
        running.set(false);
        sender.join(5000);
        LockSupport.parkNanos(200_000_000L);
        receiver.join(5000);

        long relayed = relayed1 - relayed0;
        double pps = relayed * 1e9 / elapsed;
        double cpuSeconds = (cpu1 - cpu0) / 1e9;
        long sentInWindow = sent1 - sent0;
        long[] lat = recorder.latencies();
        System.out.printf("sessions=%d mode=%s seconds=%d sent=%d relayed=%d received=%d%n", n,
                srtp ? "srtp" : "plain", seconds, sentInWindow, relayed, recorder.count);
        System.out.printf("relayed pps=%.0f relayCpu=%.2fs (%.1f%% of one core) packetsPerCpuSecond=%.0f"
                        + " cpuPerPacket=%.2fus%n", pps, cpuSeconds, 100 * cpuSeconds * 1e9 / elapsed,
                relayed / cpuSeconds, cpuSeconds * 1e6 / Math.max(1, relayed));
        System.out.printf("loss=%.3f%% (dropped by relay %d) latency mean=%.3fms p50=%.3fms p99=%.3fms max=%.3fms%n",
                100.0 * Math.max(0, sentInWindow - recorder.count) / Math.max(1, sentInWindow), relay.packetsDropped(),
                mean(lat) / 1e6, pct(lat, 0.50) / 1e6, pct(lat, 0.99) / 1e6, pct(lat, 1.0) / 1e6);
        for (int i = 0; i < n; i++) {
            client[i].close();
            carrier[i].close();
            relaySessions[i].close();
            if (peers[i] != null) {
                peers[i].close();
            }
        }
        selector.close();
    }

    private static DatagramChannel open(Selector selector, int index) throws Exception {
        DatagramChannel ch = DatagramChannel.open(StandardProtocolFamily.INET);
        ch.bind(new InetSocketAddress("127.0.0.1", 0));
        ch.configureBlocking(false);
        ch.register(selector, SelectionKey.OP_READ, index);
        return ch;
    }

    /** Sends a packet for every session and direction every 20 ms, spread over 1 ms slots. */
    private static void send(RelaySession[] sessions, DatagramChannel[] client, DatagramChannel[] carrier,
                             SrtpTestPeer[] peers, long[][] sendNanos, AtomicBoolean running, long[] sent) {
        int n = sessions.length;
        byte[] plain = new byte[PACKET];
        ByteBuffer out = ByteBuffer.allocateDirect(2048);
        int[] seq = new int[n];
        long next = System.nanoTime();
        int slot = 0;
        try {
            while (running.get()) {
                for (int i = slot; i < n; i += 20) {
                    int s = seq[i]++ & 0xFFFF;
                    rtp(plain, s, s * 160, 0x1000 + i);
                    byte[] up = peers[i] == null ? plain : peers[i].protectRtp(plain);
                    sendNanos[0][i * HISTORY + (s % HISTORY)] = System.nanoTime();
                    client[i].send(out.clear().put(up).flip(), sessions[i].clientLeg().localRtp());
                    rtp(plain, s, s * 160, 0x2000 + i);
                    sendNanos[1][i * HISTORY + (s % HISTORY)] = System.nanoTime();
                    carrier[i].send(out.clear().put(plain).flip(), sessions[i].carrierLeg().localRtp());
                    synchronized (sent) {
                        sent[0] += 2;
                    }
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

    private static void receive(Selector selector, int n, long[][] sendNanos, AtomicBoolean running,
                                Recorder recorder) {
        ByteBuffer in = ByteBuffer.allocateDirect(2048);
        try {
            while (running.get()) {
                if (selector.select(100) == 0) {
                    continue;
                }
                for (SelectionKey key : selector.selectedKeys()) {
                    int index = (Integer) key.attachment();
                    DatagramChannel ch = (DatagramChannel) key.channel();
                    while (ch.receive(in.clear()) != null) {
                        long now = System.nanoTime();
                        int seq = in.getShort(2) & 0xFFFF;
                        // Received by the carrier (odd index): it travelled client to carrier (dir 0).
                        int dir = (index & 1) == 1 ? 0 : 1;
                        long sentAt = sendNanos[dir][(index >> 1) * HISTORY + (seq % HISTORY)];
                        recorder.record(now - sentAt);
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

    private static double mean(long[] values) {
        return values.length == 0 ? 0 : Arrays.stream(values).average().orElse(0);
    }

    private static double pct(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1 < 0 ? 0
                : (int) Math.ceil(p * sorted.length) - 1)];
    }

    /** Latency samples of the measurement window, bounded in count. */
    private static final class Recorder {
        private final long[] samples = new long[5_000_000];
        private volatile boolean recording;
        private int size;
        private long count;

        void reset() {
            size = 0;
            count = 0;
            recording = true;
        }

        void record(long nanos) {
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
