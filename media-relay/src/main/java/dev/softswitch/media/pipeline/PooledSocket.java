package dev.softswitch.media.pipeline;

/**
 * A bound relay socket the pool keeps between calls: lent to one session's receiver at a time, dropping (and
 * counting) what it receives while idle. Used on its event loop.
 */
public interface PooledSocket extends RelaySocket {

    /** From the next datagram on, {@code receiver} gets what this socket receives. */
    void lend(DatagramReceiver receiver);

    /** From the next datagram on, what this socket receives is dropped. */
    void reclaim();

    /** Whether no datagram has been dropped here (while idle) at or after {@code sinceNanos}. */
    boolean quietSince(long sinceNanos);

    /** Whether the socket is still open and bound. */
    boolean isOpen();

    /** Closes the socket and runs {@code then} once it is closed, on the socket's event loop if it still runs. */
    void close(Runnable then);

    /** Closes the socket at once, from any thread: its event loop has shut down. */
    void closeNow();
}
