package dev.softswitch.media.pipeline;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.unix.DatagramSocketAddress;
import io.netty.channel.unix.FileDescriptor;
import io.netty.channel.unix.Socket;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A relay socket that is a bare non-blocking UDP socket registered with an epoll event loop, as rtpengine's are:
 * a fraction of a Netty channel's heap (issue 14: a channel, its pipeline, contexts, config, outbound buffer, id
 * and promises are about 820 bytes; this is under 150) and one system call a packet each way. The socket is
 * registered level-triggered and reads one datagram a wake-up: a Netty channel is edge-triggered and so must
 * read until the kernel says there is nothing more, a second {@code recvmsg} for every RTP packet (a socket gets
 * one packet in 20 ms); here a datagram still queued makes the next wake-up report the socket again. So that a
 * socket with a queue (a relay behind its load) catches up in wake-ups, not one datagram a round, every
 * {@value #PROBE_EVERY}th wake-up reads until the kernel has nothing more (at most {@value #MAX_DATAGRAMS_PER_READ}),
 * and the socket keeps doing so while such a read finds more than one datagram. Each
 * datagram goes into a pooled direct buffer and to the lent receiver, or is dropped (counted) while idle; each
 * packet is sent with one {@code sendto}, dropped if the kernel has no room. Used on its event loop only, but
 * {@link #closeNow}.
 */
public final class NativeRelaySocket implements PooledSocket, EpollIoHandle {

    private static final Logger log = LoggerFactory.getLogger(NativeRelaySocket.class);
    private static final int BUFFER_BYTES = 2048;
    /** Most datagrams one wake-up reads, when it reads until there is nothing more. */
    static final int MAX_DATAGRAMS_PER_READ = 16;
    /** One wake-up in this many reads until there is nothing more, to find a queue; a power of two. */
    static final int PROBE_EVERY = 8;

    private final Socket socket;
    private final IoEventLoop loop;
    private final RelayTotals totals;
    private final LongSupplier nanoTime;
    private final ByteBufAllocator alloc;
    private IoRegistration registration;
    private DatagramReceiver receiver;
    private long lastDroppedNanos;
    private boolean droppedAny;
    private boolean closed;
    private int wakeUps;
    private boolean draining;

    private NativeRelaySocket(Socket socket, IoEventLoop loop, RelayTotals totals, LongSupplier nanoTime,
                              ByteBufAllocator alloc) {
        this.socket = socket;
        this.loop = loop;
        this.totals = totals;
        this.nanoTime = nanoTime;
        this.alloc = alloc;
    }

    /**
     * Opens a UDP socket of {@code address}'s family, binds it to {@code address}:{@code port} and registers it
     * for reading with {@code loop}; runs on the loop and reports the socket or the failure (no file descriptor,
     * port taken: the socket is closed then) to {@code done}, once, on the loop.
     */
    public static void bind(IoEventLoop loop, InetAddress address, int port, RelayTotals totals, LongSupplier nanoTime,
                            ByteBufAllocator alloc, BiConsumer<NativeRelaySocket, Throwable> done) {
        Socket socket;
        try {
            socket = Dgram.open(address);
        } catch (RuntimeException e) {
            done.accept(null, e);
            return;
        }
        try {
            socket.bind(new InetSocketAddress(address, port));
        } catch (IOException | RuntimeException e) {
            closeQuietly(socket);
            done.accept(null, e);
            return;
        }
        NativeRelaySocket relaySocket = new NativeRelaySocket(socket, loop, Objects.requireNonNull(totals, "totals"),
                Objects.requireNonNull(nanoTime, "nanoTime"), Objects.requireNonNull(alloc, "alloc"));
        loop.register(relaySocket).addListener(f -> {
            if (!f.isSuccess()) {
                closeQuietly(socket);
                done.accept(null, f.cause());
                return;
            }
            relaySocket.registration = (IoRegistration) f.getNow();
            relaySocket.registration.submit(EpollIoOps.EPOLLIN);
            done.accept(relaySocket, null);
        });
    }

    /** The bound port. */
    public int localPort() {
        try {
            return socket.localAddress().getPort();
        } catch (RuntimeException e) {
            return -1;
        }
    }

    @Override
    public FileDescriptor fd() {
        return socket;
    }

    @Override
    public void handle(IoRegistration registration, IoEvent event) {
        boolean drain = draining || (++wakeUps & (PROBE_EVERY - 1)) == 0;
        int read = 0;
        while (!closed && read < (drain ? MAX_DATAGRAMS_PER_READ : 1) && readOne()) {
            read++;
        }
        if (drain) {
            draining = read > 1;
        }
    }

    /** Reads one datagram and hands it on; {@code false} if there was none (or the read failed). */
    private boolean readOne() {
        ByteBuf buffer = alloc.directBuffer(BUFFER_BYTES, BUFFER_BYTES);
        DatagramSocketAddress sender;
        try {
            if (buffer.hasMemoryAddress()) {
                sender = socket.recvFromAddress(buffer.memoryAddress(), 0, buffer.capacity());
            } else {
                // Netty's native call reads at the NIO buffer's base address plus the position given.
                ByteBuffer nio = buffer.internalNioBuffer(0, buffer.capacity());
                sender = socket.recvFrom(nio, nio.position(), nio.limit());
            }
        } catch (IOException e) {
            buffer.release();
            log.debug("relay socket {}: receive failed", this, e);
            return false;
        }
        if (sender == null) {
            buffer.release(); // nothing more to read now
            return false;
        }
        buffer.writerIndex(sender.receivedAmount());
        try {
            DatagramReceiver current = receiver;
            if (current != null) {
                current.receive(alloc, buffer, sender);
            } else {
                totals.dropped();
                lastDroppedNanos = nanoTime.getAsLong();
                droppedAny = true;
            }
        } catch (RuntimeException e) {
            log.debug("relay socket {}: a datagram failed", this, e);
        } finally {
            buffer.release();
        }
        return true;
    }

    /** Wake-ups so far (tests). */
    int wakeUps() {
        return wakeUps;
    }

    @Override
    public boolean canSend() {
        return !closed;
    }

    @Override
    public void send(ByteBuf packet, InetSocketAddress target) {
        try {
            if (closed || target.isUnresolved()) {
                return;
            }
            int sent;
            if (packet.hasMemoryAddress()) {
                sent = socket.sendToAddress(packet.memoryAddress(), packet.readerIndex(), packet.writerIndex(),
                        target.getAddress(), target.getPort());
            } else {
                ByteBuf direct = packet.isDirect() ? packet.retain() : alloc.directBuffer(packet.readableBytes())
                        .writeBytes(packet, packet.readerIndex(), packet.readableBytes());
                try {
                    // Netty's native call sends from the NIO buffer's base address plus the position given.
                    ByteBuffer nio = direct.internalNioBuffer(direct.readerIndex(), direct.readableBytes());
                    sent = socket.sendTo(nio, nio.position(), nio.limit(), target.getAddress(), target.getPort());
                } finally {
                    direct.release();
                }
            }
            if (sent < packet.readableBytes()) {
                totals.dropped();
                log.debug("relay socket {}: no room to send to {}, packet dropped", this, target);
            }
        } catch (IOException e) {
            totals.dropped();
            log.debug("relay socket {}: send to {} failed", this, target, e);
        }
    }

    @Override
    public void lend(DatagramReceiver to) {
        this.receiver = Objects.requireNonNull(to, "receiver");
    }

    @Override
    public void reclaim() {
        this.receiver = null;
    }

    @Override
    public boolean quietSince(long sinceNanos) {
        return !droppedAny || lastDroppedNanos - sinceNanos < 0;
    }

    @Override
    public boolean isOpen() {
        return !closed && socket.isOpen();
    }

    @Override
    public void close(Runnable then) {
        if (loop.inEventLoop()) {
            closeOnLoop();
            then.run();
            return;
        }
        try {
            loop.execute(() -> {
                closeOnLoop();
                then.run();
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            closeNow();
            then.run();
        }
    }

    @Override
    public void closeNow() {
        closed = true;
        receiver = null;
        closeQuietly(socket);
    }

    /** Called by the event loop when it shuts down with the socket still registered. */
    @Override
    public void close() {
        closeNow();
    }

    private void closeOnLoop() {
        if (closed && !socket.isOpen()) {
            return;
        }
        closed = true;
        receiver = null;
        if (registration != null) {
            registration.cancel(); // on the loop: takes the socket out of epoll before it is closed
        }
        closeQuietly(socket);
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            log.debug("closing relay socket {}", socket, e);
        }
    }

    @Override
    public String toString() {
        return "rtcp socket " + socket;
    }

    /** Opens UDP sockets of a given address family (Netty's public factory opens IPv6 ones only). */
    private static final class Dgram extends Socket {
        private Dgram(int fd) {
            super(fd);
        }

        static Socket open(InetAddress bindTo) {
            return new Dgram(newSocketDgram0(bindTo instanceof Inet4Address
                    ? SocketProtocolFamily.INET : SocketProtocolFamily.INET6));
        }
    }
}
