package dev.softswitch.media.rtp;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** Loss (RFC 3550 A.1, A.3) and jitter (A.8) on crafted packet sequences. */
class RtpStreamStatisticsTest {

    private static final int SSRC = 0x1234abcd;
    private static final long FRAME_NANOS = 20_000_000L;

    private final RtpStreamStatistics stats = new RtpStreamStatistics();

    static Stream<Arguments> sequences() {
        return Stream.of(
                Arguments.of("in order", new int[] {1, 2, 3, 4, 5}, 5, 0),
                Arguments.of("a gap of two", new int[] {1, 2, 3, 4, 7, 8}, 8, 2),
                Arguments.of("reordered, nothing lost", new int[] {1, 2, 4, 3, 5}, 5, 0),
                Arguments.of("reordered with a loss", new int[] {10, 12, 11, 14}, 5, 1),
                Arguments.of("duplicates never count as negative loss", new int[] {1, 2, 2, 2, 3}, 3, 0),
                Arguments.of("16-bit wrap in order", new int[] {65533, 65534, 65535, 0, 1, 2}, 6, 0),
                Arguments.of("loss across the wrap", new int[] {65534, 65535, 2, 3}, 6, 2),
                Arguments.of("reordering across the wrap", new int[] {65534, 0, 65535, 1}, 4, 0),
                Arguments.of("late packet from before the first is not expected", new int[] {100, 101, 99}, 2, 0));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sequences")
    void countsExpectedAndLostPackets(String name, int[] seqs, long expected, long lost) {
        for (int i = 0; i < seqs.length; i++) {
            stats.received(seqs[i], 160 * i, SSRC, i * FRAME_NANOS);
        }

        assertThat(stats.expected()).isEqualTo(expected);
        assertThat(stats.lost()).isEqualTo(lost);
    }

    @Test
    void manyWrapsAreCountedAsCycles() {
        int seq = 65000;
        for (int i = 0; i < 200_000; i++) {
            if (i % 1000 != 999) {
                stats.received(seq & 0xFFFF, 160 * i, SSRC, i * FRAME_NANOS);
            }
            seq++;
        }
        // The last packet (i = 199 999) is one of the skipped ones, so it is not expected either.
        assertThat(stats.expected()).isEqualTo(199_999);
        assertThat(stats.lost()).isEqualTo(199);
    }

    @Test
    void aHugeJumpIsIgnoredUnlessTheNextPacketConfirmsIt() {
        stats.received(1, 0, SSRC, 0);
        stats.received(2, 160, SSRC, FRAME_NANOS);
        stats.received(30_000, 320, SSRC, 2 * FRAME_NANOS);
        assertThat(stats.expected()).isEqualTo(2);

        stats.received(30_001, 480, SSRC, 3 * FRAME_NANOS);
        stats.received(30_002, 640, SSRC, 4 * FRAME_NANOS);

        // A.1: the source restarts at the confirmed sequence number.
        assertThat(stats.expected()).isEqualTo(2);
        assertThat(stats.lost()).isZero();
    }

    @Test
    void aNewSsrcStartsANewSourceAndKeepsWhatTheOldOneLost() {
        stats.received(1, 0, SSRC, 0);
        stats.received(3, 320, SSRC, FRAME_NANOS);
        stats.received(500, 0, SSRC + 1, 2 * FRAME_NANOS);
        stats.received(501, 160, SSRC + 1, 3 * FRAME_NANOS);

        assertThat(stats.expected()).isEqualTo(3 + 2);
        assertThat(stats.lost()).isEqualTo(1);
    }

    @Test
    void jitterIsZeroWhenPacketsArriveExactlyAsTimestamped() {
        for (int i = 0; i < 50; i++) {
            stats.received(i, 160 * i, SSRC, 1_000_000_000L + i * FRAME_NANOS);
        }
        assertThat(stats.jitter()).isZero();
        assertThat(stats.jitterMillis()).isZero();
    }

    @Test
    void oneLateArrivalGivesASixteenthOfItsDelay() {
        stats.received(1, 0, SSRC, 0);
        // 10 ms late at 8 kHz: D = 80 timestamp units, J = 80 / 16 = 5 (RFC 3550 A.8).
        stats.received(2, 160, SSRC, FRAME_NANOS + 10_000_000L);

        assertThat(stats.jitter()).isEqualTo(5);
        assertThat(stats.jitterMillis()).isEqualTo(0.625);
    }

    @Test
    void jitterFollowsTheFloatingPointFormulaOfA8() {
        double reference = 0;
        int previousTransit = 0;
        for (int i = 0; i < 400; i++) {
            long delayNanos = (i % 3) * 4_000_000L + (i % 7) * 1_000_000L;
            long arrival = i * FRAME_NANOS + delayNanos;
            int ts = 160 * i;
            stats.received(i, ts, SSRC, arrival);
            int transit = (int) (arrival / 1000 * 8000 / 1_000_000) - ts;
            if (i > 0) {
                reference += (Math.abs(transit - previousTransit) - reference) / 16.0;
            }
            previousTransit = transit;
        }
        assertThat((double) stats.jitter()).isCloseTo(reference, org.assertj.core.data.Offset.offset(1.0));
        assertThat(stats.jitterMillis()).isCloseTo(reference / 8.0, org.assertj.core.data.Offset.offset(0.2));
    }

    @Test
    void jitterInMillisecondsUsesTheClockRate() {
        stats.clockRate(48_000);
        stats.received(1, 0, SSRC, 0);
        stats.received(2, 960, SSRC, FRAME_NANOS + 10_000_000L);

        // 10 ms at 48 kHz is D = 480, J = 30 units = 0.625 ms.
        assertThat(stats.jitter()).isEqualTo(30);
        assertThat(stats.jitterMillis()).isEqualTo(0.625);
    }

    @Test
    void readsHeaderFieldsFromAPacketAndIgnoresWhatIsNotRtpVersion2() {
        stats.received(rtp(7, 0), 0);
        stats.received(rtp(9, 320), FRAME_NANOS * 2);
        ByteBuf notRtp = Unpooled.wrappedBuffer(new byte[] {0x00, 0, 0, 12, 0, 0, 0, 0, 0, 0, 0, 0});
        stats.received(notRtp, FRAME_NANOS * 3);
        stats.received(Unpooled.wrappedBuffer(new byte[] {(byte) 0x80, 0}), FRAME_NANOS * 4);

        assertThat(stats.expected()).isEqualTo(3);
        assertThat(stats.lost()).isEqualTo(1);
        assertThat(IntStream.of(stats.jitter())).containsExactly(0);
    }

    private static ByteBuf rtp(int seq, int ts) {
        ByteBuf b = Unpooled.buffer(172);
        b.writeByte(0x80).writeByte(0).writeShort(seq).writeInt(ts).writeInt(SSRC).writeZero(160);
        return b;
    }
}
