package dev.softswitch.media.session;

import dev.softswitch.media.pipeline.DirectionCounter;
import dev.softswitch.media.rtp.RtpStreamStatistics;
import io.netty.channel.EventLoop;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The media of one call through the relay: a client leg and a carrier leg, four UDP sockets (three
 * when the client leg muxes RTCP, RFC 5761) on one event loop. It keeps the quality figures of both directions (MED-4) and, once watched, reports a
 * media timeout (MED-5). Closing it gives the sockets back to the relay's pool (which closes them
 * and returns the ports when it keeps no more); from then on nothing they receive reaches the session.
 */
public final class RelaySession implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RelaySession.class);

    /** What the media timeout watches; replaced as a whole, never mutated. */
    private record Watch(MediaTimeouts timeouts, MediaEventListener listener, long sinceNanos) { }

    private final String callId;
    private final RelayLeg clientLeg;
    private final RelayLeg carrierLeg;
    private final DirectionCounter clientToCarrier;
    private final DirectionCounter carrierToClient;
    private final EventLoop eventLoop;
    /** Gives the sockets back (to the pool, or closes them), then runs its argument; on the event loop. */
    private final Consumer<Runnable> releaseSockets;
    private final Runnable onClosed;
    private final LongSupplier nanoTime;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();
    private volatile Watch watch;
    private volatile boolean onHold;
    /** Set on the event loop when the timeout has been reported, so it is reported once. */
    private boolean timedOut;

    RelaySession(String callId, RelayLeg clientLeg, RelayLeg carrierLeg,
                 DirectionCounter clientToCarrier, DirectionCounter carrierToClient,
                 EventLoop eventLoop, Consumer<Runnable> releaseSockets, Runnable onClosed, LongSupplier nanoTime) {
        this.callId = Objects.requireNonNull(callId, "callId");
        this.clientLeg = Objects.requireNonNull(clientLeg, "clientLeg");
        this.carrierLeg = Objects.requireNonNull(carrierLeg, "carrierLeg");
        this.clientToCarrier = Objects.requireNonNull(clientToCarrier, "clientToCarrier");
        this.carrierToClient = Objects.requireNonNull(carrierToClient, "carrierToClient");
        this.eventLoop = Objects.requireNonNull(eventLoop, "eventLoop");
        this.releaseSockets = Objects.requireNonNull(releaseSockets, "releaseSockets");
        this.onClosed = Objects.requireNonNull(onClosed, "onClosed");
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    }

    public String callId() {
        return callId;
    }

    /** The leg facing the app client. */
    public RelayLeg clientLeg() {
        return clientLeg;
    }

    /** The leg facing the carrier trunk. */
    public RelayLeg carrierLeg() {
        return carrierLeg;
    }

    /** Packets, bytes, RTCP, loss and jitter of both directions so far (MED-4): one snapshot. */
    public SessionStats stats() {
        return new SessionStats(callId, figures(clientToCarrier), figures(carrierToClient));
    }

    private static DirectionStats figures(DirectionCounter counter) {
        RtpStreamStatistics rtp = counter.rtp();
        return new DirectionStats(counter.packets(), counter.bytes(), counter.rtcpPackets(), rtp.expected(),
                rtp.lost(), rtp.jitter(), rtp.jitterMillis(), counter.rejected());
    }

    /**
     * The RTP clock rate of the audio codec both ways (from the SDP's rtpmap: 8000 for PCMU/PCMA,
     * 48000 for Opus), used to convert arrival times for the jitter; 8000 until set.
     */
    public void setClockRate(int hz) {
        clientToCarrier.rtp().clockRate(hz);
        carrierToClient.rtp().clockRate(hz);
    }

    /**
     * Starts watching for a media timeout (MED-5): when no RTP has arrived in either direction for
     * {@code timeouts.active()} ({@code timeouts.hold()} while on hold), {@code listener} gets one
     * {@link MediaEvent.Type#MEDIA_TIMEOUT} event. Silence is counted from the last RTP packet, this
     * call or the last hold change, whichever is latest. A periodic sweep on the relay's event loop
     * checks, so the event comes up to one sweep interval late.
     */
    public void watchMedia(MediaTimeouts timeouts, MediaEventListener listener) {
        Objects.requireNonNull(timeouts, "timeouts");
        Objects.requireNonNull(listener, "listener");
        watch = new Watch(timeouts, listener, nanoTime.getAsLong());
    }

    /**
     * Marks the call on hold (an SDP with a=sendonly, a=recvonly or a=inactive) or resumed; while on
     * hold the longer hold timeout applies. Either change restarts the silence count.
     */
    public void setHold(boolean hold) {
        Watch current = watch;
        onHold = hold;
        if (current != null) {
            watch = new Watch(current.timeouts(), current.listener(), nanoTime.getAsLong());
        }
    }

    public boolean isOnHold() {
        return onHold;
    }

    /** The event loop the session's sockets live on; forwarding and the timeout check run there. */
    public EventLoop eventLoop() {
        return eventLoop;
    }

    /** The media timeout check; runs on this session's event loop. */
    void sweep(long nowNanos) {
        Watch current = watch;
        if (current == null || timedOut || closed.get()) {
            return;
        }
        long last = current.sinceNanos();
        if (clientToCarrier.rtpSeen() && clientToCarrier.lastRtpNanos() - last > 0) {
            last = clientToCarrier.lastRtpNanos();
        }
        if (carrierToClient.rtpSeen() && carrierToClient.lastRtpNanos() - last > 0) {
            last = carrierToClient.lastRtpNanos();
        }
        Duration limit = onHold ? current.timeouts().hold() : current.timeouts().active();
        long silence = nowNanos - last;
        if (silence < limit.toNanos()) {
            return;
        }
        timedOut = true;
        log.info("call {}: no RTP for {} ms{}, media timeout", callId, silence / 1_000_000,
                onHold ? " on hold" : "");
        try {
            current.listener().onMediaEvent(new MediaEvent(MediaEvent.Type.MEDIA_TIMEOUT, callId,
                    Duration.ofNanos(silence), stats()));
        } catch (RuntimeException e) {
            log.warn("call {}: media event listener failed", callId, e);
        }
    }

    public boolean isClosed() {
        return closed.get();
    }

    /**
     * Gives back the sockets (to the pool, or closed and their ports returned); idempotent.
     * Called from outside the relay's event loop it returns once that is done; from inside, it is
     * done at once for pooled sockets, as soon as they have closed for the others.
     */
    @Override
    public void close() {
        CompletableFuture<Void> closing = closeAsync();
        if (!eventLoop.inEventLoop()) {
            closing.join();
        }
    }

    /**
     * Starts giving back the sockets and returns at once; idempotent. The future completes, on
     * the relay's event loop, once the sockets deliver nothing more to this session (and those the pool
     * does not keep are closed, their ports released), the relay's session-closed observers called
     * and the SRTP keys wiped.
     */
    public CompletableFuture<Void> closeAsync() {
        if (closed.compareAndSet(false, true)) {
            if (eventLoop.inEventLoop()) {
                releaseSockets.accept(this::finishClose);
            } else {
                try {
                    // One hand-off to the loop for all its sockets.
                    eventLoop.execute(() -> releaseSockets.accept(this::finishClose));
                } catch (RejectedExecutionException e) {
                    // The loop has shut down and closed every socket it served: the pool releases the ports at once.
                    releaseSockets.accept(this::finishClose);
                }
            }
        }
        return closeFuture.copy();
    }

    private void finishClose() {
        try {
            clientLeg.closeCrypto();
            carrierLeg.closeCrypto();
            onClosed.run();
            closeFuture.complete(null);
        } catch (RuntimeException | Error e) {
            log.warn("call {}: closing the relay session failed", callId, e);
            closeFuture.completeExceptionally(e);
        }
    }

    @Override
    public String toString() {
        return "RelaySession[" + callId + " client " + clientLeg + ", carrier " + carrierLeg + "]";
    }
}
