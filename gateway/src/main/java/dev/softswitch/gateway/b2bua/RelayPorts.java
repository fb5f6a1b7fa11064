package dev.softswitch.gateway.b2bua;

import dev.softswitch.charging.cdr.MediaQuality;
import dev.softswitch.media.srtp.SrtpMasterKey;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The media relay as a call sees it: a pair of ports per call, bound off the SIP core thread. The
 * gateway wires {@link MediaRelayPorts} (the media-relay module); tests wire a fake on the manual clock.
 */
public interface RelayPorts {

    /** Binds the ports of one call; completes with its handle, or exceptionally when none can be bound. */
    CompletableFuture<Handle> allocate(String callId);

    /**
     * {@link #allocate(String)}; with {@code clientRtcpMux} (the client offered a=rtcp-mux, RFC 5761) the client
     * leg may take RTCP on its RTP port, one socket instead of two: {@link Handle#clientRtcpMux()} says if it does.
     */
    default CompletableFuture<Handle> allocate(String callId, boolean clientRtcpMux) {
        return allocate(callId);
    }

    /** One call's relayed audio: the client leg (SRTP or RTP) and the carrier leg (RTP). */
    interface Handle {

        /** Where the client sends its audio (the relay's client-side RTP address). */
        InetSocketAddress clientSideRtp();

        /** Whether the client leg takes RTCP on its RTP port (RFC 5761): the answer to the client says a=rtcp-mux. */
        default boolean clientRtcpMux() {
            return false;
        }

        /** Where the carrier sends its audio (the relay's carrier-side RTP address). */
        InetSocketAddress carrierSideRtp();

        /** The client's RTP address as signalled; opens its latching window (MED-2). */
        void clientRemote(InetSocketAddress rtp);

        /** The carrier's RTP address as signalled. */
        void carrierRemote(InetSocketAddress rtp);

        /**
         * The IP addresses of the trunk the call is placed on: besides the carrier's signalled
         * address, only these may send the carrier leg media and latch it (MED-2); replaces any set
         * for an earlier attempt.
         */
        void carrierSources(Set<InetAddress> addresses);

        /** The addresses besides the signalled one the client's media may latch from (its SIP source: NAT). */
        void clientSources(Set<InetAddress> addresses);

        /** SRTP on the client leg (MED-3): the client's key decrypts what it sends, the relay's encrypts toward it. */
        void clientSrtp(SrtpMasterKey clientKey, SrtpMasterKey relayKey);

        void clockRate(int hz);

        /** Hold stretches the no-media timeout (MED-5). */
        void hold(boolean onHold);

        /** Reports, on any thread, how long the call had no media once that exceeds its timeout (MED-5). */
        void watch(Consumer<Duration> onSilence);

        /** Releases the ports; completes, once they are closed, with what was measured, for the call record. */
        CompletableFuture<MediaQuality> close();
    }
}
