package dev.softswitch.gateway.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.unix.Socket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * Sends a datagram on an epoll UDP channel's socket from the calling thread (issue 14). A write through the
 * channel from another thread is a task for the channel's event loop: a queued task, a wake-up of that thread
 * (an eventfd write and a context switch when it sleeps in epoll) and a pass through its pipeline, for each of
 * the ~10 messages a call sends from the SIP core. {@code sendto(2)} on one UDP socket from several threads is
 * safe, and the pipeline has nothing to do for bytes already encoded. A datagram the socket cannot take now (a
 * full send buffer), or one that fails, is left to the channel, which queues or reports it as before; UDP
 * promises no order, so one that waits there may be overtaken.
 */
final class DirectDatagrams {

    private DirectDatagrams() {
    }

    /** Whether {@code bytes} went out to {@code to} on {@code channel}'s socket; false: send it through the channel. */
    static boolean trySend(Channel channel, byte[] bytes, InetSocketAddress to) {
        if (!(channel instanceof EpollDatagramChannel udp) || !udp.isActive() || to.isUnresolved()) {
            return false;
        }
        ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(bytes.length);
        try {
            buf.writeBytes(bytes);
            Socket socket = (Socket) udp.fd();
            int sent;
            if (buf.hasMemoryAddress()) {
                sent = socket.sendToAddress(buf.memoryAddress(), buf.readerIndex(), buf.writerIndex(), to.getAddress(),
                        to.getPort());
            } else {
                // Netty's native call sends from the NIO buffer's base address plus the position given.
                ByteBuffer nio = buf.internalNioBuffer(buf.readerIndex(), bytes.length);
                sent = socket.sendTo(nio, nio.position(), nio.limit(), to.getAddress(), to.getPort());
            }
            return sent == bytes.length;
        } catch (IOException | RuntimeException e) {
            return false; // the channel sends it again and logs why it fails, as for any send
        } finally {
            buf.release();
        }
    }
}
