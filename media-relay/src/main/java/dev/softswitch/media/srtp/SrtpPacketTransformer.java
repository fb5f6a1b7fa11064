package dev.softswitch.media.srtp;

import dev.softswitch.media.pipeline.PacketTransformer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.collection.IntObjectHashMap;
import java.security.GeneralSecurityException;
import java.util.Objects;
import org.jitsi.srtp.BaseSrtpCryptoContext;
import org.jitsi.srtp.SrtcpCryptoContext;
import org.jitsi.srtp.SrtpContextFactory;
import org.jitsi.srtp.SrtpCryptoContext;
import org.jitsi.srtp.SrtpErrorStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One SRTP direction of one leg with jitsi-srtp (RFC 3711): decrypts and authenticates SRTP or
 * SRTCP received from the peer, or protects RTP or RTCP sent to it. A crypto context per SSRC keeps
 * the rollover counter (section 3.3.1) and the replay list; contexts are made on a stream's first
 * packet and kept only if that packet passes (so that junk with made-up SSRCs, e.g. from an attacker
 * trying to latch a leg, takes no place), at most {@value #MAX_STREAMS} per direction; otherwise
 * nothing is allocated per packet.
 * Used on the session's event loop only.
 */
public final class SrtpPacketTransformer implements PacketTransformer {

    private static final Logger log = LoggerFactory.getLogger(SrtpPacketTransformer.class);

    /** Streams (SSRCs) one direction may carry; more are refused rather than given contexts. */
    static final int MAX_STREAMS = 8;
    private static final int SCRATCH_SIZE = 2048 + 64;
    private static final int RTP_HEADER = 12;
    private static final int RTCP_HEADER = 8;

    /** Which way and what the transformer protects. */
    enum Mode {
        DECRYPT_RTP(false, true),
        ENCRYPT_RTP(true, true),
        DECRYPT_RTCP(false, false),
        ENCRYPT_RTCP(true, false);

        final boolean sender;
        final boolean rtp;

        Mode(boolean sender, boolean rtp) {
            this.sender = sender;
            this.rtp = rtp;
        }
    }

    private final SrtpContextFactory factory;
    private final Mode mode;
    private final String name;
    private final IntObjectHashMap<BaseSrtpCryptoContext> contexts = new IntObjectHashMap<>();
    private final ScratchPacket scratch = new ScratchPacket(SCRATCH_SIZE);

    SrtpPacketTransformer(SrtpContextFactory factory, Mode mode, String name) {
        this.factory = Objects.requireNonNull(factory, "factory");
        this.mode = Objects.requireNonNull(mode, "mode");
        this.name = Objects.requireNonNull(name, "name");
    }

    @Override
    public ByteBuf transform(ByteBuf packet, ByteBufAllocator alloc) {
        int at = packet.readerIndex();
        int length = packet.readableBytes();
        if (length < (mode.rtp ? RTP_HEADER : RTCP_HEADER) || length > scratch.maxPacketLength()) {
            return null;
        }
        int ssrc = packet.getInt(at + (mode.rtp ? 8 : 4));
        BaseSrtpCryptoContext context = contexts.get(ssrc);
        boolean fresh = context == null;
        if (fresh && (context = newContext(ssrc)) == null) {
            return null;
        }
        packet.getBytes(at, scratch.getBuffer(), 0, length);
        scratch.reset(length);
        SrtpErrorStatus status;
        try {
            status = switch (mode) {
                case DECRYPT_RTP -> ((SrtpCryptoContext) context).reverseTransformPacket(scratch, false);
                case ENCRYPT_RTP -> ((SrtpCryptoContext) context).transformPacket(scratch);
                case DECRYPT_RTCP -> ((SrtcpCryptoContext) context).reverseTransformPacket(scratch);
                case ENCRYPT_RTCP -> ((SrtcpCryptoContext) context).transformPacket(scratch);
            };
        } catch (GeneralSecurityException | RuntimeException e) {
            log.debug("{}: SRTP transform failed", name, e);
            return null;
        }
        if (status != SrtpErrorStatus.OK) {
            if (log.isDebugEnabled()) {
                log.debug("{}: {} refused: {}", name, mode, status);
            }
            return null;
        }
        if (fresh) {
            contexts.put(ssrc, context);
        }
        int resultLength = scratch.getLength();
        ByteBuf target = packet;
        if (resultLength > length && packet.capacity() - at < resultLength) {
            target = alloc.buffer(resultLength);
        } else {
            packet.writerIndex(at);
        }
        target.writeBytes(scratch.getBuffer(), scratch.getOffset(), resultLength);
        return target;
    }

    /** A context for a stream not seen yet, or {@code null} if there are enough streams already. */
    private BaseSrtpCryptoContext newContext(int ssrc) {
        if (contexts.size() >= MAX_STREAMS) {
            log.debug("{}: refusing stream {}, {} streams already", name, ssrc & 0xFFFFFFFFL, MAX_STREAMS);
            return null;
        }
        try {
            return mode.rtp ? factory.deriveContext(ssrc, 0) : factory.deriveControlContext(ssrc);
        } catch (GeneralSecurityException e) {
            log.warn("{}: cannot derive SRTP keys: {}", name, e.toString());
            return null;
        }
    }

    @Override
    public String toString() {
        return name + "/" + mode;
    }
}
