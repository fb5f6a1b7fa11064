package dev.softswitch.media.srtp;

import dev.softswitch.media.pipeline.PacketTransformer;
import java.util.Arrays;
import java.util.Objects;
import java.util.logging.Level;
import org.jitsi.srtp.SrtpContextFactory;
import org.jitsi.srtp.SrtpPolicy;
import org.jitsi.srtp.crypto.Aes;
import org.jitsi.utils.logging2.LoggerImpl;

/**
 * The SRTP keys of one leg (SDES, RFC 4568): the peer's key decrypts what the peer sends, the
 * relay's own key protects what the relay sends to it; SRTP and SRTCP. Holds the four transformer
 * stages for the leg's RTP and RTCP sockets. {@link #close()} wipes the keys.
 */
public final class SrtpLegCrypto implements AutoCloseable {

    static {
        // The JCE provider uses AES-NI; jitsi-srtp would otherwise time several providers first.
        Aes.setFactoryClassName(Aes.SunJCECipherFactory.class.getName());
    }

    private final SrtpMasterKey remoteKey;
    private final SrtpMasterKey localKey;
    private final SrtpContextFactory receiving;
    private final SrtpContextFactory sending;
    private final SrtpPacketTransformer rtpDecrypt;
    private final SrtpPacketTransformer rtpEncrypt;
    private final SrtpPacketTransformer rtcpDecrypt;
    private final SrtpPacketTransformer rtcpEncrypt;

    /**
     * @param remoteKey the key the peer sends with (from its a=crypto)
     * @param localKey  the relay's key for this leg (in the a=crypto the relay sends the peer)
     * @param name      identifies the leg in logs, e.g. {@code "call-1/client"}
     */
    public SrtpLegCrypto(SrtpMasterKey remoteKey, SrtpMasterKey localKey, String name) {
        this.remoteKey = Objects.requireNonNull(remoteKey, "remoteKey");
        this.localKey = Objects.requireNonNull(localKey, "localKey");
        this.receiving = factory(false, remoteKey);
        this.sending = factory(true, localKey);
        this.rtpDecrypt = new SrtpPacketTransformer(receiving, SrtpPacketTransformer.Mode.DECRYPT_RTP, name);
        this.rtpEncrypt = new SrtpPacketTransformer(sending, SrtpPacketTransformer.Mode.ENCRYPT_RTP, name);
        this.rtcpDecrypt = new SrtpPacketTransformer(receiving, SrtpPacketTransformer.Mode.DECRYPT_RTCP, name);
        this.rtcpEncrypt = new SrtpPacketTransformer(sending, SrtpPacketTransformer.Mode.ENCRYPT_RTCP, name);
    }

    /** Whether these are the keys given, so that a re-INVITE with the same keys keeps the contexts. */
    public boolean hasKeys(SrtpMasterKey remote, SrtpMasterKey local) {
        return remoteKey.equals(remote) && localKey.equals(local);
    }

    public PacketTransformer rtpDecrypt() {
        return rtpDecrypt;
    }

    public PacketTransformer rtpEncrypt() {
        return rtpEncrypt;
    }

    public PacketTransformer rtcpDecrypt() {
        return rtcpDecrypt;
    }

    public PacketTransformer rtcpEncrypt() {
        return rtcpEncrypt;
    }

    /** Builds a jitsi-srtp policy for a suite: AES-CM 128, HMAC-SHA1 with the suite's tag. */
    static SrtpPolicy policy(SrtpSuite suite, boolean rtcp) {
        SrtpPolicy policy = new SrtpPolicy(SrtpPolicy.AESCM_ENCRYPTION, SrtpSuite.KEY_LENGTH,
                SrtpPolicy.HMACSHA1_AUTHENTICATION, SrtpSuite.AUTH_KEY_LENGTH,
                rtcp ? SrtpSuite.SRTCP_TAG_LENGTH : suite.srtpTagLength(), SrtpSuite.SALT_LENGTH);
        policy.setReceiveReplayEnabled(true);
        policy.setSendReplayEnabled(true);
        return policy;
    }

    private static SrtpContextFactory factory(boolean sender, SrtpMasterKey key) {
        byte[] masterKey = key.key();
        byte[] masterSalt = key.salt();
        try {
            // jitsi-srtp logs through java.util.logging; refusals are counted and logged by the relay.
            return new SrtpContextFactory(sender, masterKey, masterSalt, policy(key.suite(), false),
                    policy(key.suite(), true), new LoggerImpl(SrtpLegCrypto.class.getName(), Level.OFF));
        } finally {
            Arrays.fill(masterKey, (byte) 0);
            Arrays.fill(masterSalt, (byte) 0);
        }
    }

    @Override
    public void close() {
        receiving.close();
        sending.close();
    }
}
