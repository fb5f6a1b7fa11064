package dev.softswitch.media.pipeline;

import io.netty.buffer.ByteBuf;

/**
 * A stage that rewrites a packet in place, e.g. SRTP decryption on the way in or encryption on the
 * way out. Runs on the session's event loop, one packet at a time; must not allocate per packet.
 */
@FunctionalInterface
public interface PacketTransformer {

    /**
     * Transforms the readable bytes of {@code packet} in place; the writer index may move (an
     * authentication tag added or removed).
     *
     * @return {@code false} if the packet must be dropped (authentication or replay failure)
     */
    boolean transform(ByteBuf packet);
}
