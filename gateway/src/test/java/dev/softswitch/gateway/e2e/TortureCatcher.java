package dev.softswitch.gateway.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Catches the gateway's answers to torture messages where RFC 3261 §18.2.2 sends them when the Via
 * has no rport: UDP on loopback at each Via port, and TCP connections the gateway opens to 5060 for
 * a Via naming TCP. Fixed ports: another process holding one is waited for, up to 30 s.
 */
final class TortureCatcher implements AutoCloseable {

    private static final Pattern STATUS = Pattern.compile("(?m)^SIP/2\\.0 (\\d{3})[^\\r\\n]*");
    private static final Pattern CALL_ID = Pattern.compile("(?im)^(?:call-id|i)[ \\t]*:[ \\t]*(\\S+)");

    private final List<DatagramSocket> udp = new ArrayList<>();
    /** Sends the messages; answers to a Via with rport come back to it. */
    private DatagramSocket sender;
    private ServerSocket tcp;
    private final BlockingQueue<String> received = new LinkedBlockingQueue<>();
    private final List<Thread> readers = new ArrayList<>();

    private TortureCatcher() {
    }

    static TortureCatcher open(Set<Integer> ports) throws InterruptedException {
        TortureCatcher c = new TortureCatcher();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (int port : ports) {
            DatagramSocket s = null;
            while (s == null) {
                try {
                    s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                } catch (IOException e) {
                    if (System.nanoTime() > deadline) {
                        c.close();
                        throw new IllegalStateException("UDP port " + port + " on loopback stays busy", e);
                    }
                    Thread.sleep(200);
                }
            }
            c.udp.add(s);
            DatagramSocket socket = s;
            c.start(() -> c.readUdp(socket));
        }
        try {
            c.sender = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        c.udp.add(c.sender);
        c.start(() -> c.readUdp(c.sender));
        while (c.tcp == null) {
            try {
                c.tcp = new ServerSocket();
                c.tcp.setReuseAddress(true);
                c.tcp.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 5060));
            } catch (BindException e) {
                c.tcp = null;
                if (System.nanoTime() > deadline) {
                    c.close();
                    throw new IllegalStateException("TCP port 5060 on loopback stays busy", e);
                }
                Thread.sleep(200);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        c.start(c::acceptTcp);
        return c;
    }

    private void start(Runnable r) {
        Thread t = new Thread(r, "torture-catcher");
        t.setDaemon(true);
        t.start();
        readers.add(t);
    }

    private void readUdp(DatagramSocket socket) {
        byte[] buffer = new byte[65535];
        while (!socket.isClosed()) {
            DatagramPacket p = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(p);
            } catch (IOException e) {
                return;
            }
            received.add(new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8));
        }
    }

    private void acceptTcp() {
        while (!tcp.isClosed()) {
            try {
                Socket s = tcp.accept();
                start(() -> readTcp(s));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void readTcp(Socket s) {
        try (s; InputStream in = s.getInputStream()) {
            byte[] buffer = new byte[65535];
            int n;
            while ((n = in.read(buffer)) > 0) {
                received.add(new String(buffer, 0, n, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            // connection gone
        }
    }

    void send(byte[] bytes, int port) throws IOException {
        sender.send(new DatagramPacket(bytes, bytes.length, new InetSocketAddress(InetAddress.getLoopbackAddress(), port)));
    }

    void drain() {
        received.clear();
    }

    /**
     * The status line of the first final answer (or of any answer, when none is final) carrying
     * one of {@code callIds} (any, when none) within {@code limit}; null when none came.
     */
    String finalAnswer(List<String> callIds, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        String provisional = null;
        while (true) {
            long left = deadline - System.nanoTime();
            String text = left <= 0 ? null : received.poll(left, TimeUnit.NANOSECONDS);
            if (text == null) {
                return provisional;
            }
            String found = firstFinal(text, callIds);
            if (found != null) {
                return found;
            }
            Matcher m = STATUS.matcher(text);
            if (provisional == null && m.find() && matches(text, callIds)) {
                provisional = m.group();
            }
        }
    }

    /** The status line of the first final response in {@code text} for {@code callId} (any when null). */
    static String firstFinal(String text, List<String> callIds) {
        for (String message : text.split("(?<=\r\n\r\n)(?=SIP/2\\.0 )")) {
            Matcher m = STATUS.matcher(message);
            if (m.find() && m.start() == 0 && Integer.parseInt(m.group(1)) >= 200 && matches(message, callIds)) {
                return m.group();
            }
        }
        return null;
    }

    private static boolean matches(String message, List<String> callIds) {
        if (callIds == null || callIds.isEmpty()) {
            return true;
        }
        Matcher m = CALL_ID.matcher(message);
        return m.find() && callIds.contains(m.group(1));
    }

    @Override
    public void close() {
        udp.forEach(DatagramSocket::close);
        if (tcp != null) {
            try {
                tcp.close();
            } catch (IOException e) {
                // closing
            }
        }
    }
}
