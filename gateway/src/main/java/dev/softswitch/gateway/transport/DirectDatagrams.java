package dev.softswitch.gateway.transport;

import io.netty.channel.Channel;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.unix.Socket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends datagrams from the calling thread straight on an epoll UDP listen socket's descriptor ({@code sendto}),
 * instead of handing each one to the socket's event loop. A write through the channel from another thread is a task
 * on the loop's queue and, when the loop sleeps in {@code epoll_wait}, an {@code eventfd} write to wake it: at
 * 2,500 calls a second the SIP core spent ~3 % of a core in those wake-ups alone, and the loop as much again in
 * being woken (issue 14). The kernel lets any thread send on a UDP socket while another receives on it.
 *
 * <p>A send that does not go out at once (the socket's send buffer full: {@code EAGAIN}; an error; the socket
 * closing) returns false and the caller writes through the channel as before, which queues, waits for the socket to
 * drain and reports failures (such a datagram may then leave after later ones; SIP over UDP is built for
 * reordering and loss, RFC 3261 §17). The descriptor is borrowed, never closed here: {@link #close()} (before the channel
 * closes) stops every later send, and holds until a send in progress is done, so that no send can reach a
 * descriptor number the process has meanwhile reused.
 */
final class DirectDatagrams implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DirectDatagrams.class);
    /** Larger than any UDP payload (65,507 bytes over IPv4). */
    private static final int BUFFER_BYTES = 65_535;
    /** The native send reads a direct buffer: one per sending thread, reused. */
    private static final ThreadLocal<ByteBuffer> BUFFERS = ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(BUFFER_BYTES));

    private final Socket socket;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final LongAdder sent = new LongAdder();
    private boolean open = true; // guarded by lock

    private DirectDatagrams(Socket socket) {
        this.socket = socket;
    }

    /** For an epoll UDP channel; null for any other (NIO), which keeps writing through its event loop. */
    static DirectDatagrams of(Channel channel) {
        if (channel instanceof EpollDatagramChannel epoll && epoll.isOpen()) {
            DirectDatagrams direct = new DirectDatagrams(new Socket(epoll.fd().intValue()));
            // The transport closes this first; should the channel close by itself, direct sends stop with it.
            epoll.closeFuture().addListener(f -> direct.close());
            return direct;
        }
        return null;
    }

    /** Sends {@code bytes} to {@code destination} now; false when it did not go and the channel must send it. */
    boolean trySend(byte[] bytes, InetSocketAddress destination) {
        if (bytes.length > BUFFER_BYTES || destination.isUnresolved() || !lock.readLock().tryLock()) {
            return false;
        }
        try {
            if (!open) {
                return false;
            }
            ByteBuffer buffer = BUFFERS.get();
            buffer.clear();
            buffer.put(bytes);
            int written = socket.sendTo(buffer, 0, bytes.length, destination.getAddress(), destination.getPort());
            if (written != bytes.length) {
                return false; // EAGAIN: the channel queues it until the socket drains
            }
            sent.increment();
            return true;
        } catch (IOException e) {
            LOG.debug("direct send to {} failed, sending through the channel: {}", destination, e.toString());
            return false;
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Whether sends may still go direct: false once closed, by the transport or with the channel. */
    boolean isOpen() {
        lock.readLock().lock();
        try {
            return open;
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Datagrams sent directly so far. */
    long sent() {
        return sent.sum();
    }

    /** No send after this one returns; waits for a send in progress. Leaves the descriptor to its channel. */
    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            open = false;
        } finally {
            lock.writeLock().unlock();
        }
    }
}
