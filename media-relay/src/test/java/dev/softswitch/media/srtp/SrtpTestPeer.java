package dev.softswitch.media.srtp;

import java.util.Arrays;
import java.util.logging.Level;
import org.jitsi.srtp.SrtcpCryptoContext;
import org.jitsi.srtp.SrtpContextFactory;
import org.jitsi.srtp.SrtpCryptoContext;
import org.jitsi.srtp.SrtpErrorStatus;
import org.jitsi.utils.logging2.LoggerImpl;

/**
 * An SRTP endpoint made straight from jitsi-srtp, playing an SDES client: it protects what it sends
 * with its own key and unprotects what it receives with the key the relay announced. Independent of
 * the relay's own transformer classes except for the scratch buffer and the policy. Published in
 * media-relay's test-jar, so the gateway's end-to-end tests play the same client.
 */
public final class SrtpTestPeer implements AutoCloseable {

    private final SrtpContextFactory sending;
    private final SrtpContextFactory receiving;
    private final SrtpCryptoContext sendRtp;
    private final SrtcpCryptoContext sendRtcp;
    private SrtpCryptoContext receiveRtp;
    private SrtcpCryptoContext receiveRtcp;

    public SrtpTestPeer(SrtpMasterKey ownKey, SrtpMasterKey peerKey, int ownSsrc) throws Exception {
        LoggerImpl logger = new LoggerImpl(SrtpTestPeer.class.getName(), Level.OFF);
        sending = new SrtpContextFactory(true, ownKey.key(), ownKey.salt(),
                SrtpLegCrypto.policy(ownKey.suite(), false), SrtpLegCrypto.policy(ownKey.suite(), true), logger);
        receiving = new SrtpContextFactory(false, peerKey.key(), peerKey.salt(),
                SrtpLegCrypto.policy(peerKey.suite(), false), SrtpLegCrypto.policy(peerKey.suite(), true), logger);
        sendRtp = sending.deriveContext(ownSsrc, 0);
        sendRtcp = sending.deriveControlContext(ownSsrc);
    }

    /** SRTP of a plain RTP packet. */
    public byte[] protectRtp(byte[] rtp) throws Exception {
        ScratchPacket p = load(rtp);
        check(sendRtp.transformPacket(p));
        return bytes(p);
    }

    /** SRTCP of a plain RTCP packet. */
    public byte[] protectRtcp(byte[] rtcp) throws Exception {
        ScratchPacket p = load(rtcp);
        check(sendRtcp.transformPacket(p));
        return bytes(p);
    }

    /** Plain RTP of a received SRTP packet; throws if it does not authenticate. */
    public byte[] unprotectRtp(byte[] srtp) throws Exception {
        if (receiveRtp == null) {
            receiveRtp = receiving.deriveContext(ssrc(srtp, 8), 0);
        }
        ScratchPacket p = load(srtp);
        check(receiveRtp.reverseTransformPacket(p, false));
        return bytes(p);
    }

    /** Plain RTCP of a received SRTCP packet; throws if it does not authenticate. */
    public byte[] unprotectRtcp(byte[] srtcp) throws Exception {
        if (receiveRtcp == null) {
            receiveRtcp = receiving.deriveControlContext(ssrc(srtcp, 4));
        }
        ScratchPacket p = load(srtcp);
        check(receiveRtcp.reverseTransformPacket(p));
        return bytes(p);
    }

    private static int ssrc(byte[] packet, int at) {
        return ((packet[at] & 0xFF) << 24) | ((packet[at + 1] & 0xFF) << 16) | ((packet[at + 2] & 0xFF) << 8)
                | (packet[at + 3] & 0xFF);
    }

    /** The packet as transformed, wherever in the buffer the context left it. */
    private static byte[] bytes(ScratchPacket p) {
        return Arrays.copyOfRange(p.getBuffer(), p.getOffset(), p.getOffset() + p.getLength());
    }

    private static ScratchPacket load(byte[] packet) {
        ScratchPacket p = new ScratchPacket(packet.length + 64);
        System.arraycopy(packet, 0, p.getBuffer(), 0, packet.length);
        p.reset(packet.length);
        return p;
    }

    private static void check(SrtpErrorStatus status) {
        if (status != SrtpErrorStatus.OK) {
            throw new IllegalStateException("SRTP refused the packet: " + status);
        }
    }

    @Override
    public void close() {
        sending.close();
        receiving.close();
    }
}
