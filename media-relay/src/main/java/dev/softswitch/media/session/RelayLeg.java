package dev.softswitch.media.session;

import dev.softswitch.media.pipeline.RelayEndpoint;
import dev.softswitch.media.srtp.SrtpLegCrypto;
import dev.softswitch.media.srtp.SrtpMasterKey;
import io.netty.util.concurrent.EventExecutor;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.Set;

/**
 * One side of a relayed call: the relay's RTP port (even) and RTCP port (the next odd one) facing
 * one peer, and where that peer receives. RTCP goes to the remote RTP port + 1 (RFC 3550 section 11),
 * unless the leg muxes RTP and RTCP (RFC 5761, {@link #isRtcpMux()}): then both go to and from the
 * relay's RTP port and the peer's RTP address, with one latch for both, and RTP + 1 is not bound.
 * The leg may speak SRTP with its peer (RFC 3711, keyed by SDES, RFC 4568) while the other leg
 * speaks plain RTP; on a muxed leg SRTCP is decrypted and encrypted on the RTP port.
 */
public final class RelayLeg {

    private final InetSocketAddress localRtp;
    private final RelayEndpoint rtp;
    private final RelayEndpoint rtcp;
    private final EventExecutor eventLoop;
    /** The leg's name is {@code owner + role}, built when needed (SRTP set-up): no string per live leg (issue 14). */
    private final String owner;
    private final String role;
    /** Whether RTCP shares the RTP port and remote (RFC 5761); {@code rtcp} then shares {@code rtp}'s remote. */
    private final boolean rtcpMux;
    private SrtpLegCrypto crypto;

    RelayLeg(InetSocketAddress localRtp, RelayEndpoint rtp, RelayEndpoint rtcp) {
        this(localRtp, rtp, rtcp, null, rtp.name(), "", false);
    }

    RelayLeg(InetSocketAddress localRtp, RelayEndpoint rtp, RelayEndpoint rtcp, EventExecutor eventLoop, String name) {
        this(localRtp, rtp, rtcp, eventLoop, name, "", false);
    }

    /**
     * @param rtcpMux whether the leg muxes RTCP on the RTP port (RFC 5761); {@code rtcp} must then be
     *                {@linkplain RelayEndpoint#sharingRemote sharing} {@code rtp}'s remote
     */
    RelayLeg(InetSocketAddress localRtp, RelayEndpoint rtp, RelayEndpoint rtcp, EventExecutor eventLoop,
             String owner, String role, boolean rtcpMux) {
        this.rtcpMux = rtcpMux;
        this.localRtp = Objects.requireNonNull(localRtp, "localRtp");
        this.rtp = Objects.requireNonNull(rtp, "rtp");
        this.rtcp = Objects.requireNonNull(rtcp, "rtcp");
        this.eventLoop = eventLoop;
        this.owner = Objects.requireNonNull(owner, "owner");
        this.role = Objects.requireNonNull(role, "role");
    }

    /** The relay's RTP address on this leg: what the SDP sent to this leg's peer must carry. */
    public InetSocketAddress localRtp() {
        return localRtp;
    }

    /** The relay's RTCP address on this leg: {@code localRtp} port + 1, or {@code localRtp} itself if muxed. */
    public InetSocketAddress localRtcp() {
        if (rtcpMux) {
            return localRtp;
        }
        return new InetSocketAddress(localRtp.getAddress(), localRtp.getPort() + 1);
    }

    /**
     * Whether this leg muxes RTP and RTCP on one port (RFC 5761): RTCP from the peer is received on
     * {@link #localRtp()}, and RTCP to the peer is sent from there to its RTP address (signalled or
     * latched). Fixed for the session's life.
     */
    public boolean isRtcpMux() {
        return rtcpMux;
    }

    /**
     * Sets where this leg's peer said (in its SDP) it receives RTP; RTCP goes to port + 1, or on a
     * muxed leg to the same address (one remote, one latch for both). Opens the
     * latching window (MED-2, set by {@code MediaRelay.Builder.latchWindow}) on both ports: packets from
     * this address are always accepted; the first packet from another source latches the port to
     * that source only if it arrives within the window and the source has proved itself: on an SRTP
     * leg by passing authentication, on a plain leg by coming from this address's IP (any port, for
     * NAT) or from one of the {@linkplain #allowSources allowed sources}; everything else is dropped
     * and counted (a refused source, or on an SRTP leg an SRTP refusal) and changes nothing. Calling it again (re-INVITE, MED-6, or with the same address when the
     * peer is expected to start sending, e.g. on answer) unlocks and re-opens a fresh window; the
     * ports, the statistics and the SRTP contexts (with their rollover counters) stay.
     *
     * @throws IllegalArgumentException if the address is unresolved or the port is 0
     */
    public void setRemoteRtp(InetSocketAddress remote) {
        Objects.requireNonNull(remote, "remote");
        if (remote.isUnresolved()) {
            throw new IllegalArgumentException("remote RTP address " + remote + " is unresolved");
        }
        if (remote.getPort() == 0) {
            throw new IllegalArgumentException("remote RTP port 0 means the stream is disabled");
        }
        rtp.signalRemote(remote);
        if (rtcpMux) {
            return;
        }
        rtcp.signalRemote(remote.getPort() < 65535
                ? new InetSocketAddress(remote.getAddress(), remote.getPort() + 1)
                : null);
    }

    /**
     * Sets the IP addresses, besides the signalled remote's, that a plain RTP peer may send from and
     * latch this leg to (MED-2): a carrier trunk's addresses, told by the signalling when it places
     * the call on the trunk. Replaces any set before, on both ports, and re-opens the latching window
     * as {@link #setRemoteRtp} does. Irrelevant while the leg speaks SRTP, where authentication is
     * the proof.
     */
    public void allowSources(Set<InetAddress> addresses) {
        Set<InetAddress> allowed = Set.copyOf(Objects.requireNonNull(addresses, "addresses"));
        rtp.allowSources(allowed);
        if (!rtcpMux) {
            rtcp.allowSources(allowed);
        }
    }

    /**
     * Makes this leg speak SRTP and SRTCP with its peer (MED-3): packets from the peer are
     * authenticated and decrypted with {@code remoteKey} (the peer's a=crypto), packets to the peer
     * are protected with {@code localKey} (the relay's own a=crypto for this leg). Packets that fail
     * authentication or replay checks are dropped and counted. Called again with the same keys (a
     * re-INVITE) it keeps the crypto contexts and their rollover counters; with other keys it starts
     * new ones.
     */
    public synchronized void enableSrtp(SrtpMasterKey remoteKey, SrtpMasterKey localKey) {
        Objects.requireNonNull(remoteKey, "remoteKey");
        Objects.requireNonNull(localKey, "localKey");
        if (crypto != null && crypto.hasKeys(remoteKey, localKey)) {
            return;
        }
        SrtpLegCrypto next = new SrtpLegCrypto(remoteKey, localKey, owner + role);
        rtp.transformers(next.rtpDecrypt(), next.rtpEncrypt());
        rtcp.transformers(next.rtcpDecrypt(), next.rtcpEncrypt());
        retire(crypto);
        crypto = next;
    }

    /** Makes this leg plain RTP again (a re-INVITE without a=crypto). */
    public synchronized void disableSrtp() {
        rtp.transformers(null, null);
        rtcp.transformers(null, null);
        retire(crypto);
        crypto = null;
    }

    /** Whether this leg speaks SRTP with its peer. */
    public synchronized boolean isSrtp() {
        return crypto != null;
    }

    /** Wipes the keys; called when the session has closed its sockets. */
    synchronized void closeCrypto() {
        if (crypto != null) {
            crypto.close();
            crypto = null;
        }
    }

    /** Wipes replaced keys on the event loop, after any packet that still uses them. */
    private void retire(SrtpLegCrypto old) {
        if (old == null) {
            return;
        }
        if (eventLoop == null || eventLoop.isShuttingDown()) {
            old.close();
        } else {
            eventLoop.execute(old::close);
        }
    }

    /** Where RTP for this leg's peer is sent now: signalled or latched, {@code null} if unknown. */
    public InetSocketAddress remoteRtp() {
        return rtp.remote();
    }

    /** Where RTCP for this leg's peer is sent now ({@link #remoteRtp()} if muxed), {@code null} if unknown. */
    public InetSocketAddress remoteRtcp() {
        return rtcp.remote();
    }

    @Override
    public String toString() {
        return "RelayLeg[" + localRtp + " <-> " + rtp.remote() + "]";
    }
}
