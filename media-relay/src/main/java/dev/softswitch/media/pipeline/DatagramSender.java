package dev.softswitch.media.pipeline;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.unix.FileDescriptor;
import io.netty.channel.unix.Socket;
import io.netty.channel.unix.UnixChannel;
import java.io.IOException;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a relayed datagram straight out of a native (epoll) socket with one {@code sendto}, instead of
 * through the channel's outbound pipeline and buffer (a {@code DatagramPacket}, a buffer entry, the
 * pending-bytes accounting and a flush per packet). The same system call Netty's flush would make;
 * called on the socket's own event loop. It declines, so that the caller writes through the
 * pipeline as before, when the socket is not a native one (NIO), the buffer has no native address, earlier
 * writes are still queued (order is kept), or the socket's send buffer is full (Netty queues the
 * packet and waits for the socket to become writable).
 */
final class DatagramSender {

    private static final Logger log = LoggerFactory.getLogger(DatagramSender.class);

    private DatagramSender() {
    }

    /**
     * Sends the readable bytes of {@code packet} to {@code target} if it can. The packet stays the
     * caller's either way.
     *
     * @return {@code true} if the datagram was handed to the kernel (or failed with an error that
     *         writing it through the pipeline would only have logged), {@code false} to write it
     *         through the pipeline instead
     */
    static boolean trySend(Channel out, ByteBuf packet, InetSocketAddress target) {
        if (!(out instanceof UnixChannel unix) || !packet.hasMemoryAddress() || target.isUnresolved()) {
            return false;
        }
        ChannelOutboundBuffer queued = out.unsafe().outboundBuffer();
        FileDescriptor fd = unix.fd();
        if (queued == null || !queued.isEmpty() || !(fd instanceof Socket socket)) {
            return false;
        }
        try {
            return socket.sendToAddress(packet.memoryAddress(), packet.readerIndex(), packet.writerIndex(),
                    target.getAddress(), target.getPort()) > 0;
        } catch (IOException e) {
            // As a failed write through the pipeline: it concerns one packet, the socket stays open.
            log.debug("{}: send to {} failed", out, target, e);
            return true;
        }
    }
}
