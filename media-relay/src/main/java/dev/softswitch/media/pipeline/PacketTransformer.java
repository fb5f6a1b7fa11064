package dev.softswitch.media.pipeline;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * A stage that rewrites a packet, e.g. SRTP decryption on the way in or encryption on the way out.
 * Runs on the session's event loop, one packet at a time; must not allocate per packet beyond a
 * pooled buffer when the packet has to grow past what its buffer can hold.
 */
@FunctionalInterface
public interface PacketTransformer {

    /**
     * Transforms the readable bytes of {@code packet}, in place when its buffer has room.
     *
     * @param packet the packet, owned by the caller; the transformer neither retains nor releases it
     * @param alloc  where to take a pooled buffer from if the packet must grow beyond its buffer
     * @return {@code packet} itself, a new buffer (owned by the caller from then on) holding the
     *         result, or {@code null} if the packet must be dropped (authentication or replay failure)
     */
    ByteBuf transform(ByteBuf packet, ByteBufAllocator alloc);
}
