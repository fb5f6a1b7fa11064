package dev.softswitch.media.srtp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.softswitch.media.pipeline.PacketTransformer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.jitsi.srtp.crypto.SrtpCipherCtr;
import org.junit.jupiter.api.Test;

/** The known-answer vectors of RFC 3711 Appendix B against jitsi-srtp and the relay's transformer. */
class SrtpKnownAnswerTest {

    private static final HexFormat HEX = HexFormat.of();

    // RFC 3711 B.2: AES-CM keystream.
    private static final byte[] B2_SESSION_KEY = HEX.parseHex("2b7e151628aed2a6abf7158809cf4f3c");
    private static final byte[] B2_IV_FIRST = HEX.parseHex("f0f1f2f3f4f5f6f7f8f9fafbfcfd0000");
    private static final byte[] B2_KEYSTREAM_FIRST = HEX.parseHex("e03ead0935c95e80e166b16dd92b4eb4"
            + "d23513162b02d0f72a43a2fe4a5f97ab" + "41e95b3bb0a2e8dd477901e4fca894c0");
    private static final byte[] B2_IV_LAST = HEX.parseHex("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff");
    private static final byte[] B2_KEYSTREAM_LAST = HEX.parseHex("ec8cdf7398607cb0f2d21675ea9ea1e4"
            + "362b7c3c6773516318a077d7fc5073ae" + "6a2cc3787889374fbeb4c81b17ba6c44");

    // RFC 3711 B.3: key derivation.
    private static final byte[] B3_MASTER_KEY = HEX.parseHex("e1f97a0d3e018be0d64fa32c06de4139");
    private static final byte[] B3_MASTER_SALT = HEX.parseHex("0ec675ad498afeebb6960b3aabe6");
    private static final byte[] B3_CIPHER_KEY = HEX.parseHex("c61e7a93744f39ee10734afe3ff7a087");
    private static final byte[] B3_CIPHER_SALT = HEX.parseHex("30cbbc08863d8c85d49db34a9ae1");
    private static final byte[] B3_AUTH_KEY = HEX.parseHex("cebe321f6ff7716b6fd4ab49af256a156d38baa4");

    private static final int SSRC = 0xdeadbeef;

    @Test
    void aesCounterModeKeystreamMatchesAppendixB2() throws Exception {
        SrtpCipherCtr cipher = new SrtpCipherCtr(Cipher.getInstance("AES/CTR/NoPadding"));
        cipher.init(B2_SESSION_KEY, null);

        assertThat(keystream(cipher, B2_IV_FIRST)).isEqualTo(B2_KEYSTREAM_FIRST);
        assertThat(keystream(cipher, B2_IV_LAST)).isEqualTo(B2_KEYSTREAM_LAST);
    }

    @Test
    void theRelayEncryptsWithTheSessionKeysOfAppendixB3() throws Exception {
        SrtpMasterKey master = new SrtpMasterKey(SrtpSuite.AES_CM_128_HMAC_SHA1_80, B3_MASTER_KEY, B3_MASTER_SALT);
        try (SrtpLegCrypto leg = new SrtpLegCrypto(master, master, "kat")) {
            byte[] header = rtpHeader(0x1234, 0x01020304);
            ByteBuf packet = Unpooled.buffer(256).writeBytes(header).writeZero(64);

            assertThat(leg.rtpEncrypt().transform(packet, ByteBufAllocator.DEFAULT)).isSameAs(packet);

            byte[] srtp = ByteBufUtil.getBytes(packet);
            assertThat(srtp).hasSize(12 + 64 + 10);
            // Zero payload: the ciphertext is the keystream of the derived session key and salt.
            assertThat(Arrays.copyOfRange(srtp, 12, 76)).isEqualTo(expectedKeystream(0x1234, 64));
            // The tag is HMAC-SHA1 under the derived auth key over the packet and the ROC, 80 bits.
            byte[] tag = hmac(Arrays.copyOf(srtp, 76), 0);
            assertThat(Arrays.copyOfRange(srtp, 76, 86)).isEqualTo(Arrays.copyOf(tag, 10));
        }
    }

    @Test
    void theShortTagSuiteCarriesA32BitTag() throws Exception {
        SrtpMasterKey master = new SrtpMasterKey(SrtpSuite.AES_CM_128_HMAC_SHA1_32, B3_MASTER_KEY, B3_MASTER_SALT);
        try (SrtpLegCrypto leg = new SrtpLegCrypto(master, master, "kat32")) {
            ByteBuf packet = Unpooled.buffer(256).writeBytes(rtpHeader(7, 0)).writeZero(160);

            assertThat(leg.rtpEncrypt().transform(packet, ByteBufAllocator.DEFAULT)).isSameAs(packet);

            byte[] srtp = ByteBufUtil.getBytes(packet);
            assertThat(srtp).hasSize(12 + 160 + 4);
            assertThat(Arrays.copyOfRange(srtp, 172, 176)).isEqualTo(Arrays.copyOf(hmac(Arrays.copyOf(srtp, 172), 0), 4));
        }
    }

    @Test
    void theRolloverCounterGoesUpWhenTheSequenceNumberWraps() throws Exception {
        SrtpMasterKey master = new SrtpMasterKey(SrtpSuite.AES_CM_128_HMAC_SHA1_80, B3_MASTER_KEY, B3_MASTER_SALT);
        try (SrtpLegCrypto sender = new SrtpLegCrypto(master, master, "wrap-sender");
             SrtpLegCrypto receiver = new SrtpLegCrypto(master, master, "wrap-receiver")) {
            PacketTransformer encrypt = sender.rtpEncrypt();
            PacketTransformer decrypt = receiver.rtpDecrypt();
            for (int seq : new int[] {65533, 65534, 65535, 0, 1, 2}) {
                ByteBuf packet = Unpooled.buffer(256).writeBytes(rtpHeader(seq, seq * 160)).writeZero(32);
                assertThat(encrypt.transform(packet, ByteBufAllocator.DEFAULT)).isSameAs(packet);
                byte[] srtp = ByteBufUtil.getBytes(packet);
                long index = (seq >= 65533 ? 0L : 1L << 16) | seq;
                assertThat(Arrays.copyOfRange(srtp, 12, 44)).as("seq %d", seq)
                        .isEqualTo(expectedKeystream(index, 32));
                assertThat(Arrays.copyOfRange(srtp, 44, 54))
                        .isEqualTo(Arrays.copyOf(hmac(Arrays.copyOf(srtp, 44), (int) (index >>> 16)), 10));

                assertThat(decrypt.transform(packet, ByteBufAllocator.DEFAULT)).as("decrypt seq %d", seq).isSameAs(packet);
                assertThat(packet.readableBytes()).isEqualTo(44);
                assertThat(ByteBufUtil.getBytes(packet, 12, 32)).containsOnly(0);
            }
        }
    }

    private static byte[] keystream(SrtpCipherCtr cipher, byte[] iv) throws Exception {
        byte[] data = new byte[48];
        cipher.setIV(iv.clone(), Cipher.ENCRYPT_MODE);
        cipher.process(data, 0, data.length);
        return data;
    }

    /** RFC 3711 4.1.1: IV = (salt * 2^16) XOR (SSRC * 2^64) XOR (index * 2^16), under the B.3 session key. */
    private static byte[] expectedKeystream(long index, int length) throws Exception {
        byte[] iv = new byte[16];
        System.arraycopy(B3_CIPHER_SALT, 0, iv, 0, 14);
        for (int i = 0; i < 4; i++) {
            iv[4 + i] ^= (byte) (SSRC >>> (24 - 8 * i));
        }
        for (int i = 0; i < 6; i++) {
            iv[8 + i] ^= (byte) (index >>> (40 - 8 * i));
        }
        Cipher aes = Cipher.getInstance("AES/CTR/NoPadding");
        aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(B3_CIPHER_KEY, "AES"), new IvParameterSpec(iv));
        return aes.doFinal(new byte[length]);
    }

    private static byte[] hmac(byte[] authenticated, int roc) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(B3_AUTH_KEY, "HmacSHA1"));
        mac.update(authenticated);
        mac.update(new byte[] {(byte) (roc >>> 24), (byte) (roc >>> 16), (byte) (roc >>> 8), (byte) roc});
        return mac.doFinal();
    }

    private static byte[] rtpHeader(int seq, int timestamp) {
        return Unpooled.buffer(12).writeByte(0x80).writeByte(0).writeShort(seq).writeInt(timestamp).writeInt(SSRC)
                .array();
    }
}
