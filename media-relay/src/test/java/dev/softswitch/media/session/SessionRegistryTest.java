package dev.softswitch.media.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.softswitch.media.pipeline.DirectionCounter;
import dev.softswitch.media.session.TestSessions.TestSession;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The relay's live sessions, and the RTP figures (RFC 3550 A.3) of closed ones kept in the totals. */
class SessionRegistryTest {

    private static final int SSRC = 0x1234abcd;

    private final AtomicLong clock = new AtomicLong();
    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final SessionRegistry registry = new SessionRegistry();

    @AfterEach
    void tearDown() {
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void forgetsAClosedSessionButKeepsItsRtpFiguresInTheTotals() {
        TestSession first = TestSessions.register(registry, "call-1", channel.eventLoop(), clock::get);
        TestSession second = TestSessions.register(registry, "call-2", channel.eventLoop(), clock::get);
        receive(first.clientToCarrier(), 1, 2, 3, 4, 7, 8);      // 8 expected, 2 lost
        receive(second.carrierToClient(), 10, 12, 11, 14);       // 5 expected, 1 lost
        assertThat(registry.size()).isEqualTo(2);
        assertThat(registry.rtpPacketsExpected()).isEqualTo(13);
        assertThat(registry.rtpPacketsLost()).isEqualTo(3);

        first.session().close();

        assertThat(registry.size()).isEqualTo(1);
        assertThat(registry.sessions()).containsExactly(second.session());
        assertThat(registry.rtpPacketsExpected()).isEqualTo(13);
        assertThat(registry.rtpPacketsLost()).isEqualTo(3);
    }

    @Test
    void tellsEveryObserverTheFinalFiguresEvenWhenAnEarlierOneFails() {
        List<SessionStats> told = new ArrayList<>();
        registry.onSessionClosed(stats -> {
            throw new IllegalStateException("a broken observer");
        });
        registry.onSessionClosed(told::add);
        TestSession call = TestSessions.register(registry, "call-1", channel.eventLoop(), clock::get);
        receive(call.clientToCarrier(), 1, 2, 4);

        call.session().close();

        assertThat(told).hasSize(1);
        assertThat(told.get(0).callId()).isEqualTo("call-1");
        assertThat(told.get(0).clientToCarrier().rtpExpected()).isEqualTo(4);
        assertThat(told.get(0).clientToCarrier().rtpLost()).isEqualTo(1);
        assertThat(registry.size()).isZero();
    }

    /** Feeds RTP sequence numbers into one direction's statistics, as the forwarding handler does. */
    private static void receive(DirectionCounter direction, int... seqs) {
        for (int i = 0; i < seqs.length; i++) {
            direction.rtp().received(seqs[i], 160 * i, SSRC, i * 20_000_000L);
        }
    }
}
