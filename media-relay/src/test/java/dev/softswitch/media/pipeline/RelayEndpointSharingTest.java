package dev.softswitch.media.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.softswitch.media.pipeline.RelayEndpoint.Admission;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The RTCP endpoint of an rtcp-mux leg shares the RTP endpoint's remote: one latch for both (RFC 5761
 * puts both on one 5-tuple), while names and transformers stay apart.
 */
class RelayEndpointSharingTest {

    private static final long SECOND = 1_000_000_000L;

    private final AtomicLong clock = new AtomicLong(1_000 * SECOND);
    private final RelayEndpoint rtp = new RelayEndpoint("call", "/client/rtp", clock::get, Duration.ofSeconds(5));
    private final RelayEndpoint rtcp = RelayEndpoint.sharingRemote(rtp, "/client/rtcp");

    @Test
    void anRtcpPacketLatchesTheRtpEndpointToo() throws Exception {
        rtp.signalRemote(new InetSocketAddress("127.0.0.1", 9));
        InetSocketAddress natted = new InetSocketAddress("127.0.0.1", 40002);

        assertThat(rtcp.admit(natted, false)).isEqualTo(Admission.ACCEPTED);

        assertThat(rtp.isLocked()).isTrue();
        assertThat(rtp.remote()).isEqualTo(natted);
        assertThat(rtcp.remote()).isEqualTo(natted);
        assertThat(rtp.admit(natted, false)).isEqualTo(Admission.ACCEPTED);
        assertThat(rtp.admit(new InetSocketAddress("127.0.0.1", 40004), false))
                .as("a second source once locked, on either kind").isEqualTo(Admission.REFUSED);
    }

    @Test
    void anAuthenticatedRtcpPacketLocksBoth() throws Exception {
        rtp.signalRemote(new InetSocketAddress("192.0.2.1", 9));
        InetSocketAddress elsewhere = new InetSocketAddress("198.51.100.7", 5000);

        assertThat(rtcp.admit(elsewhere, true)).isEqualTo(Admission.NEEDS_PROOF);
        assertThat(rtcp.latchProven(elsewhere)).isTrue();

        assertThat(rtp.isLocked()).isTrue();
        assertThat(rtp.remote()).isEqualTo(elsewhere);
        assertThat(rtp.admit(elsewhere, true)).isEqualTo(Admission.ACCEPTED);
    }

    @Test
    void signallingOrAllowingOnEitherActsOnBothButNamesAndTransformersStayApart() throws Exception {
        InetSocketAddress signalled = new InetSocketAddress("127.0.0.1", 30000);
        rtcp.signalRemote(signalled);
        assertThat(rtp.remote()).isEqualTo(signalled);
        rtp.allowSources(Set.of(InetAddress.getByName("127.0.0.2")));
        assertThat(rtcp.allowedSources()).containsExactly(InetAddress.getByName("127.0.0.2"));

        PacketTransformer decrypt = (packet, alloc) -> packet;
        rtcp.transformers(decrypt, null);
        assertThat(rtp.inbound()).isNull();
        assertThat(rtcp.inbound()).isSameAs(decrypt);
        assertThat(rtp.name()).isEqualTo("call/client/rtp");
        assertThat(rtcp.name()).isEqualTo("call/client/rtcp");
    }
}
