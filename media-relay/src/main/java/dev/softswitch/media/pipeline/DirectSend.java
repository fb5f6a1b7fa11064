package dev.softswitch.media.pipeline;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.unix.FileDescriptor;
import io.netty.channel.unix.Socket;
import io.netty.channel.unix.UnixChannel;
import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * Sends a relayed datagram with one {@code sendto(2)} on an epoll socket, the way rtpengine does, instead
 * of through Netty's write path (a {@code DatagramPacket}, an outbound-buffer entry, a flush and, for each
 * packet, the bookkeeping of a write that may not complete): only when called on the socket's own event
 * loop, nothing is queued on the socket (so packets keep their order), and the buffer has a native
 * address. Otherwise, or when the kernel does not take the datagram at once, the caller writes it
 * through Netty as before.
 */
final class DirectSend {

    private DirectSend() {
    }

    /**
     * Sends {@code packet}'s readable bytes to {@code target} out of {@code out} if it can be done directly;
     * {@code false} if it was not sent (the caller then writes it through the channel). Leaves the buffer as it is.
     */
    static boolean trySend(Channel out, ByteBuf packet, InetSocketAddress target) {
        if (!(out instanceof UnixChannel unix) || !packet.hasMemoryAddress() || !out.eventLoop().inEventLoop()
                || target.isUnresolved()) {
            return false;
        }
        ChannelOutboundBuffer queued = out.unsafe().outboundBuffer();
        if (queued == null || !queued.isEmpty()) {
            return false;
        }
        FileDescriptor fd = unix.fd();
        if (!(fd instanceof Socket socket) || !fd.isOpen()) {
            return false;
        }
        try {
            int sent = socket.sendToAddress(packet.memoryAddress(), packet.readerIndex(), packet.writerIndex(),
                    target.getAddress(), target.getPort());
            return sent == packet.readableBytes();
        } catch (IOException e) {
            // Refused by the kernel (e.g. no route): the write through the channel meets it again and reports it.
            return false;
        }
    }
}
