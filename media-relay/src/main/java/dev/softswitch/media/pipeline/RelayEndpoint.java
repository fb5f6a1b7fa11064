package dev.softswitch.media.pipeline;

import io.netty.channel.Channel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * One relay socket (the RTP or the RTCP port of a leg) and the remote address it exchanges packets
 * with. The remote is first the one signalled in SDP. Symmetric latching (RFC 7362 section 4) is
 * guarded against hijacking (MED-2): a source latches only once it has proved itself, and only
 * while the rules below let it.
 * <ul>
 *   <li>Proof. With an inbound transformer (SRTP), a source proves itself by a packet that passes
 *       authentication, from any address (so NAT is no obstacle); a packet that fails is dropped
 *       and changes nothing. Without one (plain RTP), a source proves itself by its IP address:
 *       the signalled remote's IP, on any port (NAT rebinding), or one of the
 *       {@linkplain #allowSources allowed sources} (a carrier trunk's addresses).</li>
 *   <li>When. A proven packet from the signalled address is always accepted and locks the remote
 *       to it, even if another source had latched before; a proven packet from another source
 *       latches (locks) the remote to it only if nothing is locked yet and it arrives within the
 *       latching window after the remote was last signalled.</li>
 *   <li>Everything else is refused: strangers, a second source once the remote is locked, and any
 *       source but the signalled one once the window has passed with nothing latched.</li>
 * </ul>
 * Signalling the remote again (a re-INVITE) or allowing other sources unlocks it and opens a fresh
 * window. The first window opens when the endpoint is created (session allocation), so that proven
 * packets racing ahead of the SDP that signals the remote are still relayed; signalling replaces
 * whatever they latched. Time is read from the relay's monotonic clock so tests can move it by hand.
 */
public final class RelayEndpoint {

    /** The default latching window: long enough for a peer's first packets after an offer or answer. */
    public static final Duration DEFAULT_LATCH_WINDOW = Duration.ofSeconds(5);

    /** What {@link #admit} decided about a received packet's source. */
    public enum Admission {
        /** The source is the remote (confirmed or just latched): go on with the packet. */
        ACCEPTED,
        /** The source may latch once the packet passes authentication: see {@link #latchProven}. */
        NEEDS_PROOF,
        /** The source is not accepted: drop the packet and count it. */
        REFUSED
    }

    /**
     * The signalled remote, where packets go now ({@code address}: the signalled or the latched
     * one), whether a received packet has fixed it, when the latching window opened, and which IP
     * addresses besides the signalled one may latch a plain leg. Replaced, never mutated.
     */
    private record Remote(InetSocketAddress signalled, InetSocketAddress address, boolean locked,
                          long windowStartNanos, Set<InetAddress> allowed) {

        Remote lockedTo(InetSocketAddress source) {
            return new Remote(signalled, source, true, windowStartNanos, allowed);
        }

        /** Whether {@code source}'s IP is the signalled one or an allowed one; no allocation. */
        boolean allowsAddressOf(InetSocketAddress source) {
            InetAddress ip = source.getAddress();
            return ip != null && (signalled != null && ip.equals(signalled.getAddress()) || allowed.contains(ip));
        }
    }

    /** The name is {@code owner + role}, built when asked for: a live call keeps no string per endpoint (issue 14). */
    private final String owner;
    private final String role;
    private final LongSupplier nanoTime;
    private final long latchWindowNanos;
    private final AtomicReference<Remote> remote;
    private volatile RelaySocket socket;
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
        this(name, "", nanoTime, latchWindow);
    }

    /** An endpoint named {@code owner + role}, e.g. a call id and {@code "/client/rtp"}. */
    public RelayEndpoint(String owner, String role, LongSupplier nanoTime, Duration latchWindow) {
        this.owner = Objects.requireNonNull(owner, "owner");
        this.role = Objects.requireNonNull(role, "role");
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
        this.latchWindowNanos = checkLatchWindow(latchWindow).toNanos();
        this.remote = new AtomicReference<>(new Remote(null, null, false, nanoTime.getAsLong(), Set.of()));
    }

    /** An endpoint named {@code owner + role} sharing {@code shared}'s remote, clock and window. */
    private RelayEndpoint(RelayEndpoint shared, String role) {
        this.owner = shared.owner;
        this.role = Objects.requireNonNull(role, "role");
        this.nanoTime = shared.nanoTime;
        this.latchWindowNanos = shared.latchWindowNanos;
        this.remote = shared.remote;
    }

    /**
     * The RTCP endpoint of an rtcp-mux leg (RFC 5761), which receives on {@code rtp}'s port: it has its
     * own name, socket and transformers (SRTCP) but shares {@code rtp}'s remote, the same latch: what
     * one latches or locks the other sends to and accepts, and {@link #signalRemote}/{@link #allowSources}
     * on either one act on both. Its clock and latching window are {@code rtp}'s.
     */
    public static RelayEndpoint sharingRemote(RelayEndpoint rtp, String role) {
        return new RelayEndpoint(Objects.requireNonNull(rtp, "rtp"), role);
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
        return role.isEmpty() ? owner : owner + role;
    }

    /** Attaches the bound socket; packets for this endpoint are dropped until it is attached. */
    public void attach(RelaySocket boundSocket) {
        this.socket = Objects.requireNonNull(boundSocket, "boundSocket");
    }

    /** Attaches a bound channel, only sent out of. */
    public void attach(Channel boundChannel) {
        attach(new ChannelSocket(boundChannel));
    }

    /** The bound socket, or {@code null} while not yet attached. */
    public RelaySocket socket() {
        return socket;
    }

    /** Where packets for this endpoint's peer go: the signalled or latched remote; {@code null} if none. */
    public InetSocketAddress remote() {
        return remote.get().address();
    }

    /**
     * Sets the remote from signalling (SDP), unlocks it and opens a fresh latching window, e.g.
     * after a re-INVITE; {@code null} for none known (a window opens all the same). The allowed
     * sources stay.
     */
    public void signalRemote(InetSocketAddress address) {
        remote.updateAndGet(r -> new Remote(address, address, false, nanoTime.getAsLong(), r.allowed()));
    }

    /**
     * Sets the IP addresses, besides the signalled remote's, whose packets prove a plain RTP source
     * (a carrier trunk's addresses), replacing any set before; unlocks the remote and opens a fresh
     * latching window as {@link #signalRemote} does. An SRTP endpoint does not need them.
     */
    public void allowSources(Set<InetAddress> addresses) {
        Set<InetAddress> allowed = Set.copyOf(addresses);
        remote.updateAndGet(r -> new Remote(r.signalled(), r.signalled(), false, nanoTime.getAsLong(), allowed));
    }

    /** The IP addresses set by {@link #allowSources}; empty if none. */
    public Set<InetAddress> allowedSources() {
        return remote.get().allowed();
    }

    /**
     * Decides about a packet received from {@code source}, latching or confirming the remote as the
     * class describes. Called on the endpoint's event loop for every received packet; allocates
     * only when the remote changes or is first confirmed, and reads the clock only while nothing is
     * locked. A packet from the locked remote is accepted at the cost of one {@code equals}.
     *
     * @param authenticates whether the packet will pass through an inbound transformer that
     *                      authenticates it (SRTP); if so the source is not latched here but the
     *                      answer is {@link Admission#NEEDS_PROOF}, to be followed by
     *                      {@link #latchProven} once the packet has passed
     */
    public Admission admit(InetSocketAddress source, boolean authenticates) {
        while (true) {
            Remote current = remote.get();
            if (current.locked() && current.address().equals(source)) {
                return Admission.ACCEPTED;
            }
            if (!mayLatch(current, source)) {
                return Admission.REFUSED;
            }
            if (authenticates) {
                return Admission.NEEDS_PROOF;
            }
            if (!current.allowsAddressOf(source)) {
                return Admission.REFUSED;
            }
            if (remote.compareAndSet(current, current.lockedTo(source))) {
                return Admission.ACCEPTED;
            }
        }
    }

    /**
     * Latches to {@code source} after a packet from it passed authentication, if the rules still
     * let it (the remote may have been signalled or latched meanwhile).
     *
     * @return {@code true} if {@code source} is now the remote; {@code false} to drop the packet
     */
    public boolean latchProven(InetSocketAddress source) {
        while (true) {
            Remote current = remote.get();
            if (current.locked() && current.address().equals(source)) {
                return true;
            }
            if (!mayLatch(current, source)) {
                return false;
            }
            if (remote.compareAndSet(current, current.lockedTo(source))) {
                return true;
            }
        }
    }

    /** The signalled address may always take the lock; another source only while unlocked, in the window. */
    private boolean mayLatch(Remote current, InetSocketAddress source) {
        return source.equals(current.signalled()) || !current.locked() && withinWindow(current);
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
        return name() + "->" + remote();
    }
}
