package dev.softswitch.media;

import dev.softswitch.media.pipeline.RelayEndpoint;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * One side of a relayed call: the relay's RTP port (even) and RTCP port (the next odd one) facing
 * one peer, and where that peer receives. RTCP goes to the remote RTP port + 1 (RFC 3550 section 11).
 */
public final class RelayLeg {

    private final InetSocketAddress localRtp;
    private final RelayEndpoint rtp;
    private final RelayEndpoint rtcp;

    RelayLeg(InetSocketAddress localRtp, RelayEndpoint rtp, RelayEndpoint rtcp) {
        this.localRtp = Objects.requireNonNull(localRtp, "localRtp");
        this.rtp = Objects.requireNonNull(rtp, "rtp");
        this.rtcp = Objects.requireNonNull(rtcp, "rtcp");
    }

    /** The relay's RTP address on this leg: what the SDP sent to this leg's peer must carry. */
    public InetSocketAddress localRtp() {
        return localRtp;
    }

    /** The relay's RTCP address on this leg, {@code localRtp} port + 1. */
    public InetSocketAddress localRtcp() {
        return new InetSocketAddress(localRtp.getAddress(), localRtp.getPort() + 1);
    }

    /**
     * Sets where this leg's peer said (in its SDP) it receives RTP; RTCP goes to port + 1. Calling it
     * again (re-INVITE) re-opens latching for both ports.
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
        rtcp.signalRemote(remote.getPort() < 65535
                ? new InetSocketAddress(remote.getAddress(), remote.getPort() + 1)
                : null);
    }

    /** Where RTP for this leg's peer is sent now: signalled or latched, {@code null} if unknown. */
    public InetSocketAddress remoteRtp() {
        return rtp.remote();
    }

    /** Where RTCP for this leg's peer is sent now, {@code null} if unknown. */
    public InetSocketAddress remoteRtcp() {
        return rtcp.remote();
    }

    @Override
    public String toString() {
        return "RelayLeg[" + localRtp + " <-> " + rtp.remote() + "]";
    }
}
