package dev.softswitch.media.pipeline;

import io.netty.channel.Channel;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One relay socket (the RTP or the RTCP port of a leg) and the remote address it exchanges packets
 * with. The remote is first the one signalled in SDP; symmetric latching (RFC 7362 section 4) moves
 * it to the source of the first packet received when that packet does not come from the signalled
 * address, so that a client behind NAT is reached where its packets really come from. After the
 * first packet the remote is locked: packets from any other source are refused until the remote is
 * signalled again.
 */
public final class RelayEndpoint {

    /** The current remote and whether a received packet has confirmed it. Replaced, never mutated. */
    private record Remote(InetSocketAddress address, boolean locked) { }

    private static final Remote UNKNOWN = new Remote(null, false);

    private final String name;
    private final AtomicReference<Remote> remote = new AtomicReference<>(UNKNOWN);
    private volatile Channel channel;
    private volatile PacketTransformer inbound;
    private volatile PacketTransformer outbound;

    /** @param name identifies the endpoint in logs, e.g. {@code "call-1/client/rtp"} */
    public RelayEndpoint(String name) {
        this.name = Objects.requireNonNull(name, "name");
    }

    public String name() {
        return name;
    }

    /** Attaches the bound socket; packets for this endpoint are dropped until it is attached. */
    public void attach(Channel boundChannel) {
        this.channel = Objects.requireNonNull(boundChannel, "boundChannel");
    }

    /** The bound socket, or {@code null} while not yet attached. */
    public Channel channel() {
        return channel;
    }

    /** Where packets for this endpoint's peer go: the signalled or latched remote; {@code null} if none. */
    public InetSocketAddress remote() {
        return remote.get().address();
    }

    /** Sets the remote from signalling (SDP) and re-opens latching, e.g. after a re-INVITE. */
    public void signalRemote(InetSocketAddress address) {
        remote.set(address == null ? UNKNOWN : new Remote(address, false));
    }

    /**
     * Decides whether a packet received from {@code source} is accepted, latching the remote on the
     * first packet. Called on the endpoint's event loop for every received packet; allocates nothing
     * once the remote is locked.
     *
     * @return {@code true} if the packet comes from the (possibly just latched) remote
     */
    public boolean admit(InetSocketAddress source) {
        while (true) {
            Remote current = remote.get();
            if (current.locked()) {
                return current.address().equals(source);
            }
            if (remote.compareAndSet(current, new Remote(source, true))) {
                return true;
            }
        }
    }

    /** The stage applied to packets received here before anything else reads them (SRTP decryption). */
    public PacketTransformer inbound() {
        return inbound;
    }

    /** The stage applied to packets sent out of this endpoint last (SRTP encryption). */
    public PacketTransformer outbound() {
        return outbound;
    }

    /** Sets both transformer stages, {@code null} for none; takes effect from the next packet. */
    public void transformers(PacketTransformer received, PacketTransformer sent) {
        this.inbound = received;
        this.outbound = sent;
    }

    /** Whether a received packet has fixed the remote (latched or confirmed the signalled one). */
    public boolean isLocked() {
        return remote.get().locked();
    }

    @Override
    public String toString() {
        return name + "->" + remote();
    }
}
