package dev.softswitch.media.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * RFC 5761 section 4 demultiplexing on an rtcp-mux port: a second byte of 192..223 is RTCP, anything
 * else (and a packet too short to tell) is RTP; the packet is handed on untouched, to exactly one side.
 */
class RtcpMuxReceiverTest {

    private static final InetSocketAddress SENDER = new InetSocketAddress("127.0.0.1", 40000);

    private final List<ByteBuf> rtp = new ArrayList<>();
    private final List<ByteBuf> rtcp = new ArrayList<>();
    private final RtcpMuxReceiver receiver = new RtcpMuxReceiver(
            (alloc, content, sender) -> rtp.add(content), (alloc, content, sender) -> rtcp.add(content));

    /** SR, RR, SDES, BYE, APP, RTPFB, PSFB, XR and both ends of the range. */
    @ParameterizedTest(name = "second byte {0}")
    @ValueSource(ints = {192, 200, 201, 202, 203, 204, 205, 206, 207, 223})
    void aSecondByteInTheRtcpRangeGoesToTheRtcpHandler(int secondByte) {
        ByteBuf packet = packet(0x80, secondByte, 0, 1, 0, 0, 0, 0x11);

        receiver.receive(ByteBufAllocator.DEFAULT, packet, SENDER);

        assertThat(rtcp).containsExactly(packet);
        assertThat(rtp).isEmpty();
        assertThat(packet.readerIndex()).isZero();
        assertThat(packet.readableBytes()).isEqualTo(8);
    }

    /** PT 0, PT 8, PT 0 with the marker, PT 101 with the marker, and just outside the range. */
    @ParameterizedTest(name = "second byte {0}")
    @ValueSource(ints = {0x00, 0x08, 0x80, 0xE5, 191, 224, 255})
    void anythingElseGoesToTheRtpHandler(int secondByte) {
        ByteBuf packet = packet(0x80, secondByte, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0x11);

        receiver.receive(ByteBufAllocator.DEFAULT, packet, SENDER);

        assertThat(rtp).containsExactly(packet);
        assertThat(rtcp).isEmpty();
        assertThat(packet.readerIndex()).isZero();
    }

    @Test
    void aPacketTooShortToTellGoesToTheRtpHandler() {
        ByteBuf empty = packet();
        ByteBuf oneByte = packet(0x80);

        receiver.receive(ByteBufAllocator.DEFAULT, empty, SENDER);
        receiver.receive(ByteBufAllocator.DEFAULT, oneByte, SENDER);

        assertThat(rtp).containsExactly(empty, oneByte);
        assertThat(rtcp).isEmpty();
    }

    @Test
    void theSecondByteIsReadFromTheReaderIndex() {
        ByteBuf packet = packet(0x00, 0x00, 0x80, 200, 0, 1);
        packet.readerIndex(2);

        assertThat(RtcpMuxReceiver.isRtcp(packet)).isTrue();
        assertThat(packet.readerIndex()).isEqualTo(2);
        packet.readerIndex(1);
        assertThat(RtcpMuxReceiver.isRtcp(packet)).as("second byte is now 0x80").isFalse();
    }

    private static ByteBuf packet(int... bytes) {
        byte[] data = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            data[i] = (byte) bytes[i];
        }
        return Unpooled.wrappedBuffer(data);
    }
}
