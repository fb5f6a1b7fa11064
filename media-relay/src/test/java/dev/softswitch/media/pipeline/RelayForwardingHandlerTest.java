package dev.softswitch.media.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import dev.softswitch.media.pipeline.RelayEndpoint.Admission;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RelayForwardingHandlerTest {

    private static final InetSocketAddress RELAY_IN = new InetSocketAddress("127.0.0.1", 30000);
    private static final InetSocketAddress CLIENT_SIGNALLED = new InetSocketAddress("192.168.1.10", 4000);
    /** The client's signalled IP address on another port: a NAT binding that moved. */
    private static final InetSocketAddress CLIENT_NAT = new InetSocketAddress("192.168.1.10", 61000);
    /** Where a client behind NAT really sends from: another address, fine on SRTP, refused on plain RTP. */
    private static final InetSocketAddress CLIENT_PUBLIC = new InetSocketAddress("203.0.113.7", 61000);
    private static final InetSocketAddress STRANGER = new InetSocketAddress("203.0.113.66", 4000);
    private static final InetSocketAddress CARRIER = new InetSocketAddress("198.51.100.20", 20000);
    private static final byte[] RTP = {(byte) 0x80, 0x00, 0x00, 0x01, 0, 0, 0, 0x20, 1, 2, 3, 4, 9, 9};
    /** What the fake SRTP stage refuses: a packet whose payload type byte is this. */
    private static final byte JUNK = 0x7F;

    private final RelayTotals totals = new RelayTotals();
    private final DirectionCounter counter = new DirectionCounter(totals);
    private static final long SECOND = 1_000_000_000L;

    private final AtomicLong clock = new AtomicLong(500 * SECOND);
    private final RelayEndpoint ingress =
            new RelayEndpoint("call/client/rtp", clock::get, RelayEndpoint.DEFAULT_LATCH_WINDOW);
    private final RelayEndpoint egress =
            new RelayEndpoint("call/carrier/rtp", clock::get, RelayEndpoint.DEFAULT_LATCH_WINDOW);
    private EmbeddedChannel in;
    private EmbeddedChannel out;

    @BeforeEach
    void setUp() {
        in = new EmbeddedChannel(new RelayForwardingHandler(ingress, egress, counter));
        out = new EmbeddedChannel();
        ingress.attach(in);
        egress.attach(out);
    }

    @AfterEach
    void tearDown() {
        assertFalse(in.finishAndReleaseAll());
        assertFalse(out.finishAndReleaseAll());
    }

    @Test
    void forwardsTheSameBytesOutOfTheEgressSocketToTheEgressRemote() {
        ingress.signalRemote(CLIENT_SIGNALLED);
        egress.signalRemote(CARRIER);

        in.writeInbound(packetFrom(CLIENT_SIGNALLED));

        DatagramPacket sent = out.readOutbound();
        try {
            assertThat(sent.recipient()).isEqualTo(CARRIER);
            assertThat(ByteBufUtil.getBytes(sent.content())).isEqualTo(RTP);
        } finally {
            sent.release();
        }
        assertThat(counter.packets()).isEqualTo(1);
        assertThat(counter.bytes()).isEqualTo(RTP.length);
        assertThat(totals.packetsRelayed()).isEqualTo(1);
        assertThat(totals.packetsDropped()).isZero();
    }

    @Test
    void latchesToAnotherPortOfTheSignalledAddressWithinTheWindow() {
        ingress.signalRemote(CLIENT_SIGNALLED);
        egress.signalRemote(CARRIER);

        in.writeInbound(packetFrom(CLIENT_NAT));

        assertThat(ingress.remote()).isEqualTo(CLIENT_NAT);
        assertThat(ingress.isLocked()).isTrue();
        releaseOne(out);
        assertThat(counter.packets()).isEqualTo(1);
    }

    @Test
    void afterLatchingRefusesPacketsFromAnyOtherSource() {
        ingress.signalRemote(CLIENT_SIGNALLED);
        egress.signalRemote(CARRIER);
        in.writeInbound(packetFrom(CLIENT_NAT));
        releaseOne(out);

        in.writeInbound(packetFrom(new InetSocketAddress("192.168.1.10", 5000)));

        assertNothingSent();
        assertThat(ingress.remote()).isEqualTo(CLIENT_NAT);
        assertThat(totals.packetsDropped()).isEqualTo(1);
        assertThat(totals.packetsRefusedSource()).isEqualTo(1);
        assertThat(counter.packets()).isEqualTo(1);
    }

    @Test
    void theSignalledRemoteIsAlwaysAcceptedAndTakesTheLatchBack() {
        ingress.signalRemote(CLIENT_SIGNALLED);
        egress.signalRemote(CARRIER);
        in.writeInbound(packetFrom(CLIENT_NAT));
        releaseOne(out);
        clock.addAndGet(60 * SECOND);

        in.writeInbound(packetFrom(CLIENT_SIGNALLED));
        releaseOne(out);
        in.writeInbound(packetFrom(CLIENT_NAT));

        assertNothingSent();
        assertThat(ingress.remote()).isEqualTo(CLIENT_SIGNALLED);
        assertThat(ingress.isLocked()).isTrue();
        assertThat(totals.packetsRefusedSource()).isEqualTo(1);
    }

    @Test
    void anotherPortLatchesOnlyWithinTheWindowAfterSignalling() {
        ingress.signalRemote(CLIENT_SIGNALLED);
        egress.signalRemote(CARRIER);
        clock.addAndGet(RelayEndpoint.DEFAULT_LATCH_WINDOW.toNanos() - 1);
        in.writeInbound(packetFrom(CLIENT_NAT));
        releaseOne(out);
        assertThat(ingress.remote()).isEqualTo(CLIENT_NAT);

        ingress.signalRemote(CLIENT_SIGNALLED);
        clock.addAndGet(RelayEndpoint.DEFAULT_LATCH_WINDOW.toNanos());
        in.writeInbound(packetFrom(CLIENT_NAT));

        assertNothingSent();
        assertThat(ingress.remote()).isEqualTo(CLIENT_SIGNALLED);
        assertThat(ingress.isLocked()).isFalse();
        assertThat(totals.packetsRefusedSource()).isEqualTo(1);
        in.writeInbound(packetFrom(CLIENT_SIGNALLED));
        releaseOne(out);
        assertThat(ingress.isLocked()).isTrue();
    }

    @Test
    void aZeroWindowAcceptsTheSignalledAddressOnly() {
        RelayEndpoint strict = new RelayEndpoint("call/strict/rtp", clock::get, Duration.ZERO);
        strict.signalRemote(CLIENT_SIGNALLED);

        assertThat(strict.admit(CLIENT_NAT, false)).isEqualTo(Admission.REFUSED);
        assertThat(strict.admit(CLIENT_SIGNALLED, false)).isEqualTo(Admission.ACCEPTED);
        assertThat(strict.remote()).isEqualTo(CLIENT_SIGNALLED);
        assertThatThrownBy(() -> new RelayEndpoint("x", clock::get, Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aPacketFromTheSignalledRemoteConfirmsItAndPreventsLaterLatching() {
        ingress.signalRemote(CLIENT_SIGNALLED);
        egress.signalRemote(CARRIER);
        in.writeInbound(packetFrom(CLIENT_SIGNALLED));
        releaseOne(out);

        in.writeInbound(packetFrom(CLIENT_NAT));

        assertThat(ingress.remote()).isEqualTo(CLIENT_SIGNALLED);
        assertNothingSent();
        assertThat(totals.packetsDropped()).isEqualTo(1);
    }

    @Test
    void signallingAgainReopensLatching() {
        ingress.signalRemote(CLIENT_SIGNALLED);
        egress.signalRemote(CARRIER);
        in.writeInbound(packetFrom(CLIENT_SIGNALLED));
        releaseOne(out);

        ingress.signalRemote(CLIENT_SIGNALLED);
        in.writeInbound(packetFrom(CLIENT_NAT));

        assertThat(ingress.remote()).isEqualTo(CLIENT_NAT);
        releaseOne(out);
    }

    @Test
    void dropsAndCountsWhenTheOppositeLegHasNoRemoteYet() {
        ingress.signalRemote(CLIENT_SIGNALLED);

        in.writeInbound(packetFrom(CLIENT_SIGNALLED));

        assertNothingSent();
        assertThat(totals.packetsDropped()).isEqualTo(1);
        assertThat(counter.packets()).isZero();
    }

    @Test
    void aStrangerFromAnotherAddressIsRefusedWithinTheWindowAndTheClientStillLatches() {
        ingress.signalRemote(CLIENT_SIGNALLED);
        egress.signalRemote(CARRIER);

        in.writeInbound(packetFrom(STRANGER));

        assertNothingSent();
        assertThat(ingress.isLocked()).isFalse();
        assertThat(totals.packetsRefusedSource()).isEqualTo(1);
        in.writeInbound(packetFrom(CLIENT_NAT));
        releaseOne(out);
        assertThat(ingress.remote()).isEqualTo(CLIENT_NAT);
    }

    @Test
    void refusesEverySourceWhenNothingIsSignalledOrAllowed() {
        egress.signalRemote(CARRIER);

        in.writeInbound(packetFrom(CLIENT_NAT));

        assertNothingSent();
        assertThat(ingress.remote()).isNull();
        assertThat(totals.packetsRefusedSource()).isEqualTo(1);
    }

    @Test
    void anAllowedAddressLatchesOnAnyPortEvenBeforeItsRemoteIsSignalled() {
        ingress.allowSources(Set.of(CARRIER.getAddress()));
        egress.signalRemote(CLIENT_SIGNALLED);
        InetSocketAddress mediaPort = new InetSocketAddress(CARRIER.getAddress(), 31000);

        in.writeInbound(packetFrom(STRANGER));
        in.writeInbound(packetFrom(mediaPort));

        releaseOne(out);
        assertNothingSent();
        assertThat(ingress.remote()).isEqualTo(mediaPort);
        assertThat(totals.packetsRefusedSource()).isEqualTo(1);
    }

    @Test
    void allowingSourcesAgainReplacesThemAndReopensTheWindow() {
        ingress.allowSources(Set.of(CARRIER.getAddress()));
        egress.signalRemote(CLIENT_SIGNALLED);
        in.writeInbound(packetFrom(CARRIER));
        releaseOne(out);
        clock.addAndGet(RelayEndpoint.DEFAULT_LATCH_WINDOW.toNanos());

        ingress.allowSources(Set.of(STRANGER.getAddress()));
        in.writeInbound(packetFrom(CARRIER));
        assertNothingSent();
        in.writeInbound(packetFrom(STRANGER));

        releaseOne(out);
        assertThat(ingress.remote()).isEqualTo(STRANGER);
        assertThat(ingress.allowedSources()).containsExactly(STRANGER.getAddress());
    }

    @Test
    void onAnSrtpEndpointAPacketFailingAuthenticationChangesNothing() {
        ingress.transformers(fakeSrtp(), null);
        ingress.signalRemote(CLIENT_SIGNALLED);
        egress.signalRemote(CARRIER);

        in.writeInbound(junkFrom(CLIENT_NAT));
        in.writeInbound(junkFrom(CLIENT_SIGNALLED));

        assertNothingSent();
        assertThat(ingress.isLocked()).isFalse();
        assertThat(ingress.remote()).isEqualTo(CLIENT_SIGNALLED);
        assertThat(counter.rejected()).isEqualTo(2);
        assertThat(totals.packetsRefusedSource()).isZero();
    }

    @Test
    void onAnSrtpEndpointAnAuthenticatedPacketLatchesFromAnyAddressAndOthersAreRefusedAfterwards() {
        int[] decrypted = new int[1];
        PacketTransformer srtp = fakeSrtp();
        ingress.transformers((packet, alloc) -> {
            decrypted[0]++;
            return srtp.transform(packet, alloc);
        }, null);
        ingress.signalRemote(CLIENT_SIGNALLED);
        egress.signalRemote(CARRIER);

        in.writeInbound(junkFrom(STRANGER));
        in.writeInbound(packetFrom(CLIENT_PUBLIC));
        releaseOne(out);
        in.writeInbound(packetFrom(CLIENT_NAT));

        assertNothingSent();
        assertThat(ingress.remote()).isEqualTo(CLIENT_PUBLIC);
        assertThat(ingress.isLocked()).isTrue();
        assertThat(counter.rejected()).isEqualTo(1);
        assertThat(totals.packetsRefusedSource()).isEqualTo(1);
        // The refused source was turned away before its packet was decrypted.
        assertThat(decrypted[0]).isEqualTo(2);
    }

    @Test
    void refusesEverySourceWhenNothingWasSignalledAndTheWindowAfterCreationHasPassed() {
        egress.signalRemote(CARRIER);
        clock.addAndGet(RelayEndpoint.DEFAULT_LATCH_WINDOW.toNanos());

        in.writeInbound(packetFrom(CLIENT_NAT));

        assertNothingSent();
        assertThat(ingress.remote()).isNull();
        assertThat(totals.packetsRefusedSource()).isEqualTo(1);
    }

    @Test
    void anAuthenticatedPacketIsDroppedIfTheSignalledAddressLatchedWhileItWasDecrypted() {
        PacketTransformer srtp = fakeSrtp();
        ingress.transformers((packet, alloc) -> {
            // The client's own packet takes the lock meanwhile, as a concurrent admission would.
            ingress.latchProven(CLIENT_SIGNALLED);
            return srtp.transform(packet, alloc);
        }, null);
        ingress.signalRemote(CLIENT_SIGNALLED);
        egress.signalRemote(CARRIER);

        in.writeInbound(packetFrom(CLIENT_PUBLIC));

        assertNothingSent();
        assertThat(ingress.remote()).isEqualTo(CLIENT_SIGNALLED);
        assertThat(totals.packetsRefusedSource()).isEqualTo(1);
        assertThat(counter.packets()).isZero();
    }

    private void assertNothingSent() {
        Object next = out.readOutbound();
        assertThat(next).isNull();
    }

    private static DatagramPacket packetFrom(InetSocketAddress sender) {
        return new DatagramPacket(Unpooled.wrappedBuffer(RTP.clone()), RELAY_IN, sender);
    }

    /** A packet the {@link #fakeSrtp()} stage refuses, as SRTP refuses one that fails authentication. */
    private static DatagramPacket junkFrom(InetSocketAddress sender) {
        byte[] junk = RTP.clone();
        junk[1] = JUNK;
        return new DatagramPacket(Unpooled.wrappedBuffer(junk), RELAY_IN, sender);
    }

    /** Stands for SRTP decryption: refuses {@link #junkFrom junk}, passes anything else as it is. */
    private static PacketTransformer fakeSrtp() {
        return (packet, alloc) -> packet.getByte(packet.readerIndex() + 1) == JUNK ? null : packet;
    }

    private static void releaseOne(EmbeddedChannel channel) {
        DatagramPacket packet = channel.readOutbound();
        assertThat(packet).isNotNull();
        packet.release();
    }
}
