package dev.softswitch.gateway.e2e;

import dev.softswitch.media.srtp.SrtpMasterKey;
import dev.softswitch.media.srtp.SrtpSuite;
import java.util.Arrays;
import java.util.logging.Level;
import org.jitsi.srtp.SrtpContextFactory;
import org.jitsi.srtp.SrtpCryptoContext;
import org.jitsi.srtp.SrtpErrorStatus;
import org.jitsi.srtp.SrtpPolicy;
import org.jitsi.utils.ByteArrayBuffer;
import org.jitsi.utils.logging2.LoggerImpl;

/**
 * An SDES client's SRTP endpoint made straight from jitsi-srtp (adapted from media-relay's test
 * SrtpTestPeer, whose helpers are package-private there): it protects what it sends with its own key
 * and unprotects what it receives with the key the relay announced in its 200 OK.
 */
final class E2eSrtpPeer implements AutoCloseable {

    private final SrtpContextFactory sending;
    private final SrtpContextFactory receiving;
    private final SrtpCryptoContext sendRtp;
    private SrtpCryptoContext receiveRtp;

    E2eSrtpPeer(SrtpMasterKey ownKey, SrtpMasterKey relayKey, int ownSsrc) throws Exception {
        LoggerImpl logger = new LoggerImpl(E2eSrtpPeer.class.getName(), Level.OFF);
        sending = new SrtpContextFactory(true, ownKey.key(), ownKey.salt(),
                policy(ownKey.suite(), false), policy(ownKey.suite(), true), logger);
        receiving = new SrtpContextFactory(false, relayKey.key(), relayKey.salt(),
                policy(relayKey.suite(), false), policy(relayKey.suite(), true), logger);
        sendRtp = sending.deriveContext(ownSsrc, 0);
    }

    static SrtpPolicy policy(SrtpSuite suite, boolean rtcp) {
        SrtpPolicy policy = new SrtpPolicy(SrtpPolicy.AESCM_ENCRYPTION, SrtpSuite.KEY_LENGTH,
                SrtpPolicy.HMACSHA1_AUTHENTICATION, SrtpSuite.AUTH_KEY_LENGTH,
                rtcp ? SrtpSuite.SRTCP_TAG_LENGTH : suite.srtpTagLength(), SrtpSuite.SALT_LENGTH);
        policy.setReceiveReplayEnabled(true);
        policy.setSendReplayEnabled(true);
        return policy;
    }

    byte[] protectRtp(byte[] rtp) throws Exception {
        Buffer p = new Buffer(rtp);
        check(sendRtp.transformPacket(p));
        return Arrays.copyOfRange(p.getBuffer(), p.getOffset(), p.getOffset() + p.getLength());
    }

    /** Plain RTP of a received SRTP packet; throws if it does not authenticate. */
    byte[] unprotectRtp(byte[] srtp) throws Exception {
        if (receiveRtp == null) {
            int ssrc = ((srtp[8] & 0xFF) << 24) | ((srtp[9] & 0xFF) << 16) | ((srtp[10] & 0xFF) << 8) | (srtp[11] & 0xFF);
            receiveRtp = receiving.deriveContext(ssrc, 0);
        }
        Buffer p = new Buffer(srtp);
        check(receiveRtp.reverseTransformPacket(p, false));
        return Arrays.copyOfRange(p.getBuffer(), p.getOffset(), p.getOffset() + p.getLength());
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

    /** A heap buffer jitsi-srtp transforms in place, with room for the tag. */
    private static final class Buffer implements ByteArrayBuffer {
        private byte[] buffer;
        private int offset;
        private int length;

        Buffer(byte[] packet) {
            buffer = Arrays.copyOf(packet, packet.length + 64);
            length = packet.length;
        }

        @Override public byte[] getBuffer() { return buffer; }
        @Override public int getOffset() { return offset; }
        @Override public int getLength() { return length; }
        @Override public void setLength(int len) { length = len; }
        @Override public void setOffset(int off) { offset = off; }
        @Override public boolean isInvalid() { return false; }

        @Override
        public void readRegionToBuff(int off, int len, byte[] out) {
            System.arraycopy(buffer, offset + off, out, 0, len);
        }

        @Override
        public void grow(int howMuch) {
            if (offset + length + howMuch > buffer.length) {
                buffer = Arrays.copyOf(buffer, offset + length + howMuch);
            }
        }

        @Override
        public void append(byte[] data, int len) {
            grow(len);
            System.arraycopy(data, 0, buffer, offset + length, len);
            length += len;
        }

        @Override
        public void shrink(int len) {
            length = Math.max(0, length - len);
        }
    }
}
