package dev.softswitch.media;

import java.nio.ByteBuffer;

/** RTP and RTCP packets for tests (RFC 3550), shared with the gateway's end-to-end tests through the test jar. */
public final class TestPackets {

    private TestPackets() {
    }

    /** A 172-byte PCMU packet: a 12-byte header (PT 0) and 160 bytes of payload derived from {@code seq}. */
    public static byte[] rtp(int seq, int timestamp, int ssrc) {
        ByteBuffer b = ByteBuffer.allocate(172);
        b.put((byte) 0x80).put((byte) 0).putShort((short) seq).putInt(timestamp).putInt(ssrc);
        for (int i = 0; i < 160; i++) {
            b.put((byte) (seq + i));
        }
        return b.array();
    }

    /** An RTCP receiver report without report blocks (RFC 3550 6.4.2): PT 201. */
    public static byte[] rtcpReceiverReport(int ssrc) {
        return ByteBuffer.allocate(8).put((byte) 0x80).put((byte) 201).putShort((short) 1).putInt(ssrc).array();
    }

    /** An RTCP sender report without report blocks (RFC 3550 6.4.1): PT 200. */
    public static byte[] rtcpSenderReport(int ssrc) {
        return ByteBuffer.allocate(28).put((byte) 0x80).put((byte) 200).putShort((short) 6).putInt(ssrc)
                .putLong(0x0102030405060708L).putInt(160).putInt(10).putInt(1600).array();
    }
}
