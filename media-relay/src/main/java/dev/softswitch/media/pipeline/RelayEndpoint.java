package dev.softswitch.media.pipeline;

import io.netty.channel.Channel;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * One relay socket (the RTP or the RTCP port of a leg) and the remote address it exchanges packets
 * with. The remote is first the one signalled in SDP. Symmetric latching (RFC 7362 section 4) with
 * a rule against hijacking (MED-2) decides which sources are accepted:
 * <ul>
 *   <li>a packet from the signalled address is always accepted and locks the remote to it, even
 *       if another source had latched before;</li>
 *   <li>a packet from another source is accepted, and the remote latched (locked) to it, only if
 *       nothing is locked yet and it arrives within the latching window after the remote was last
 *       signalled, so that a client behind NAT is reached where its packets really come from;</li>
 *   <li>any other packet is refused: a second source once the remote is locked, and any source
 *       but the signalled one once the window has passed with nothing latched.</li>
 * </ul>
 * Signalling the remote again (a re-INVITE) unlocks it and opens a fresh window. The first window
 * opens when the endpoint is created (session allocation), so that packets racing ahead of the
 * SDP that signals the remote are still relayed; signalling replaces whatever they latched.
 * Time is read from the relay's monotonic clock so tests can move it by hand.
 */
public final class RelayEndpoint {

    /** The default latching window: long enough for a peer's first packets after an offer or answer. */
    public static final Duration DEFAULT_LATCH_WINDOW = Duration.ofSeconds(5);

    /**
     * The signalled remote, where packets go now ({@code address}: the signalled or the latched
     * one), whether a received packet has fixed it, and when the latching window opened.
     * Replaced, never mutated.
     */
    private record Remote(InetSocketAddress signalled, InetSocketAddress address, boolean locked,
                          long windowStartNanos) {

        Remote lockedTo(InetSocketAddress source) {
            return new Remote(signalled, source, true, windowStartNanos);
        }
    }

    private final String name;
    private final LongSupplier nanoTime;
    private final long latchWindowNanos;
    private final AtomicReference<Remote> remote;
    private volatile Channel channel;
    private volatile PacketTransformer inbound;
    private volatile PacketTransformer outbound;

    /** An endpoint timed by {@link System#nanoTime()} with the {@link #DEFAULT_LATCH_WINDOW}. */
    public RelayEndpoint(String name) {
        this(name, System::nanoTime, DEFAULT_LATCH_WINDOW);
    }

    /**
     * @param name        identifies the endpoint in logs, e.g. {@code "call-1/client/rtp"}
     * @param nanoTime    monotonic clock the latching window is measured with
     * @param latchWindow how long after the remote is signalled a packet from another source may
     *                    latch; zero accepts the signalled address only
     */
    public RelayEndpoint(String name, LongSupplier nanoTime, Duration latchWindow) {
        this.name = Objects.requireNonNull(name, "name");
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
        this.latchWindowNanos = checkLatchWindow(latchWindow).toNanos();
        this.remote = new AtomicReference<>(new Remote(null, null, false, nanoTime.getAsLong()));
    }

    /** Returns {@code window} if it is a valid latching window (not negative). */
    public static Duration checkLatchWindow(Duration window) {
        Objects.requireNonNull(window, "latchWindow");
        if (window.isNegative()) {
            throw new IllegalArgumentException("latch window " + window + " must not be negative");
        }
        return window;
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

    /**
     * Sets the remote from signalling (SDP), unlocks it and opens a fresh latching window, e.g.
     * after a re-INVITE; {@code null} for none known (a window opens all the same).
     */
    public void signalRemote(InetSocketAddress address) {
        remote.set(new Remote(address, address, false, nanoTime.getAsLong()));
    }

    /**
     * Decides whether a packet received from {@code source} is accepted, latching or confirming the
     * remote as the class describes. Called on the endpoint's event loop for every received packet;
     * allocates only when the remote changes or is first confirmed, and reads the clock only while
     * nothing is locked.
     *
     * @return {@code true} if the packet comes from the signalled or the (possibly just latched) remote
     */
    public boolean admit(InetSocketAddress source) {
        while (true) {
            Remote current = remote.get();
            InetSocketAddress address = current.address();
            if (current.locked() && address.equals(source)) {
                return true;
            }
            boolean signalled = source.equals(current.signalled());
            if (!signalled) {
                if (current.locked() || !withinWindow(current)) {
                    return false;
                }
            }
            // The signalled address (confirming it, or taking the lock back), or a first source in the window.
            if (remote.compareAndSet(current, current.lockedTo(signalled ? current.signalled() : source))) {
                return true;
            }
        }
    }

    private boolean withinWindow(Remote current) {
        return nanoTime.getAsLong() - current.windowStartNanos() < latchWindowNanos;
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
