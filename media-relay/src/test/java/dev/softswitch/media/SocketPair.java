package dev.softswitch.media;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

/** A peer on loopback beside the relay: its RTP socket on an even port and its RTCP socket on the next one. */
record SocketPair(DatagramSocket rtp, DatagramSocket rtcp) {

    static final int RECEIVE_TIMEOUT_MS = 2000;
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    static SocketPair bind() throws SocketException {
        return bind(LOOPBACK);
    }

    /** A pair on another address, e.g. 127.0.0.2 (all of 127.0.0.0/8 is loopback on Linux). */
    static SocketPair bind(InetAddress address) throws SocketException {
        for (int attempt = 0; attempt < 50; attempt++) {
            int port = 20000 + 2 * ThreadLocalRandom.current().nextInt(20000);
            try {
                DatagramSocket rtp = new DatagramSocket(new InetSocketAddress(address, port));
                try {
                    DatagramSocket rtcp = new DatagramSocket(new InetSocketAddress(address, port + 1));
                    rtp.setSoTimeout(RECEIVE_TIMEOUT_MS);
                    rtcp.setSoTimeout(RECEIVE_TIMEOUT_MS);
                    return new SocketPair(rtp, rtcp);
                } catch (SocketException busy) {
                    rtp.close();
                }
            } catch (SocketException busy) {
                // try another pair
            }
        }
        throw new SocketException("no free even/odd port pair on loopback");
    }

    /** Waits up to {@link #RECEIVE_TIMEOUT_MS} for one datagram. */
    static DatagramPacket receive(DatagramSocket socket) throws IOException {
        DatagramPacket packet = new DatagramPacket(new byte[2048], 2048);
        socket.receive(packet);
        return packet;
    }

    static byte[] data(DatagramPacket packet) {
        return Arrays.copyOfRange(packet.getData(), packet.getOffset(), packet.getOffset() + packet.getLength());
    }

    InetSocketAddress rtpAddress() {
        return (InetSocketAddress) rtp.getLocalSocketAddress();
    }

    void close() {
        rtp.close();
        rtcp.close();
    }
}
