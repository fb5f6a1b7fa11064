package dev.softswitch.gateway.b2bua;

import dev.softswitch.charging.cdr.MediaQuality;
import dev.softswitch.gateway.routing.Trunk;
import dev.softswitch.gateway.sdp.ParsedSdp;
import dev.softswitch.gateway.sdp.SdpCrypto;
import dev.softswitch.gateway.sdp.SdpException;
import dev.softswitch.gateway.sdp.SdpRewriter;
import dev.softswitch.gateway.transport.Endpoint;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * One call's media: the client's offer (parsed once), the relay's ports and the SRTP keys. Every SDP
 * that crosses the call is parsed here once and rewritten to point at the relay (SIG-3, MED-1): SRTP
 * with the relay's own key toward an SRTP client, plain RTP toward the carrier (MED-3). SIP core thread.
 */
final class CallMedia {

    private static final SecureRandom KEYS = new SecureRandom();

    /** The client's offer until {@link #attach} rewrites it for the carrier; then only its audio summary is kept. */
    private ParsedSdp clientOffer;
    private final SdpRewriter.SdpOffer clientAudio;
    /** Whether the client offered RTCP on its RTP port (RFC 5761) in a way the relay can take. */
    private final boolean clientRtcpMux;
    /** The client's SDES key (it encrypts with it) and the relay's own (it encrypts toward the client); null for plain RTP. */
    private SdpCrypto clientCrypto;
    private final SdpCrypto relayCrypto;
    private RelayPorts.Handle relay;
    private CompletableFuture<MediaQuality> closed;

    private CallMedia(ParsedSdp clientOffer, SdpCrypto clientCrypto, SdpCrypto relayCrypto) {
        this.clientOffer = clientOffer;
        this.clientAudio = clientOffer.audio();
        this.clientRtcpMux = clientOffer.rtcpMux();
        this.clientCrypto = clientCrypto;
        this.relayCrypto = relayCrypto;
    }

    /** Reads the client's INVITE offer; a missing, malformed or unsupported one is refused before anything else. */
    static CallMedia forOffer(byte[] body) throws SdpException {
        if (body == null || body.length == 0) {
            throw new SdpException("SDP offer required");
        }
        ParsedSdp offer = ParsedSdp.parse(body);
        if (!offer.audio().isSecure()) {
            return new CallMedia(offer, null, null);
        }
        SdpCrypto client = SdpCrypto.select(offer.audio().cryptoAttributes());
        return new CallMedia(offer, client, client.withFreshKey(KEYS));
    }

    /** Whether the client offered RTCP on its RTP port (a=rtcp-mux, RFC 5761) and the relay can take it so. */
    boolean rtcpMux() {
        return clientRtcpMux;
    }

    /** Whether the client offered SRTP with SDES keys ({@code a=crypto}, RFC 4568). */
    boolean isSrtp() {
        return clientCrypto != null;
    }

    /**
     * Takes the relay's ports for this call; returns the offer for the carrier. {@code clientSipSource}
     * is where the client's INVITE came from: a client behind NAT signals its private address and
     * sends from that public one, so its media may latch from there too (MED-2).
     */
    byte[] attach(RelayPorts.Handle handle, InetAddress clientSipSource) throws SdpException {
        relay = handle;
        relay.clockRate(clientAudio.audioClockRate());
        relay.clientRemote(clientAudio.audioRtp());
        relay.clientSources(Set.of(clientSipSource));
        if (clientCrypto != null) {
            relay.clientSrtp(clientCrypto.key(), relayCrypto.key());
        }
        ParsedSdp offer = clientOffer;
        clientOffer = null;
        return towardCarrier(offer);
    }

    /** The call is placed on {@code trunk}: only its addresses (and the carrier's signalled one) may send the carrier leg media (MED-2). */
    void placedOn(Trunk trunk) {
        Set<InetAddress> sources = new HashSet<>();
        for (Endpoint endpoint : trunk.addresses()) {
            InetAddress ip = endpoint.address().getAddress();
            if (ip != null) {
                sources.add(ip);
            }
        }
        relay.carrierSources(sources);
    }

    /** The body of a carrier response: the relay learns where the carrier sends from; returns the client's copy, or null without a body. */
    byte[] fromCarrier(byte[] body) throws SdpException {
        if (body == null || body.length == 0) {
            return null;
        }
        ParsedSdp sdp = ParsedSdp.parse(body);
        relay.carrierRemote(sdp.audio().audioRtp());
        return towardClient(sdp, relay.clientRtcpMux());
    }

    /** Clients start sending at answer: the client's latching window opens now (MED-2), and silence is watched (MED-5). */
    void answered(Consumer<Duration> onSilence) {
        relay.clientRemote(clientAudio.audioRtp());
        relay.watch(onSilence);
    }

    /**
     * A re-INVITE's offer from one side (hold, resume, new address, new key), parsed once: its body for
     * the other side now, its effect on the relay only once the other side accepts (RFC 3261 §14.1).
     */
    Renegotiation renegotiate(byte[] body, boolean fromClient) throws SdpException {
        if (body == null || body.length == 0) {
            // no offer: the other side's answer is the offer, and one toward a muxed client keeps a=rtcp-mux
            return new Renegotiation(fromClient, null, null, null, fromClient && relay.clientRtcpMux());
        }
        ParsedSdp offer = ParsedSdp.parse(body);
        SdpCrypto key = fromClient && clientCrypto != null ? SdpCrypto.select(offer.audio().cryptoAttributes()) : null;
        SdpRewriter.SdpOffer audio = offer.audio();
        // an offer toward a muxed client keeps a=rtcp-mux (RFC 8858 §5.4); our answer to the client's own offer
        // says it only if that offer asked (an answer adds nothing the offer lacked)
        boolean mux = relay.clientRtcpMux() && (!fromClient || offer.rtcpMux());
        return new Renegotiation(fromClient, audio, key, fromClient ? towardCarrier(offer) : towardClient(offer, mux),
                mux);
    }

    /** The other side accepted: the offer takes effect, and its answer (if any) is rewritten for the offerer. */
    byte[] accepted(Renegotiation offer, byte[] answerBody) throws SdpException {
        if (closed != null) {
            return null;
        }
        if (offer.audio() != null) {
            if (offer.clientKey() != null) {
                clientCrypto = offer.clientKey();
                relay.clientSrtp(clientCrypto.key(), relayCrypto.key());
            }
            if (offer.fromClient()) {
                relay.clientRemote(offer.audio().audioRtp());
            } else {
                relay.carrierRemote(offer.audio().audioRtp());
            }
            relay.hold(offer.audio().isOnHold());
        }
        if (answerBody == null || answerBody.length == 0) {
            return null;
        }
        ParsedSdp answer = ParsedSdp.parse(answerBody);
        if (offer.fromClient()) {
            relay.carrierRemote(answer.audio().audioRtp());
            return towardClient(answer, offer.rtcpMux());
        }
        relay.clientRemote(answer.audio().audioRtp());
        return towardCarrier(answer);
    }

    /** Releases the relay's ports (once); completes with what was measured, or null when no ports were bound. */
    CompletableFuture<MediaQuality> close() {
        if (closed == null) {
            closed = relay == null ? CompletableFuture.completedFuture(null) : relay.close();
        }
        return closed;
    }

    /** SDP from the client for the carrier: relay address, and plain RTP when the client leg is SRTP. */
    private byte[] towardCarrier(ParsedSdp sdp) throws SdpException {
        InetSocketAddress at = relay.carrierSideRtp();
        return clientCrypto == null ? SdpRewriter.rewrite(sdp, at) : SdpRewriter.rewriteToPlainRtp(sdp, at);
    }

    /** SDP from the carrier for the client: relay address, the relay's own SDES key when SRTP, a=rtcp-mux when {@code mux}. */
    private byte[] towardClient(ParsedSdp sdp, boolean mux) throws SdpException {
        InetSocketAddress at = relay.clientSideRtp();
        return clientCrypto == null ? SdpRewriter.rewrite(sdp, at, mux)
                : SdpRewriter.rewriteToSrtp(sdp, at, relayCrypto, mux);
    }

    /**
     * A pending re-INVITE offer: who sent it, its audio, the client's new key if any, the body for the other side,
     * and whether what goes to the client about it says a=rtcp-mux.
     */
    record Renegotiation(boolean fromClient, SdpRewriter.SdpOffer audio, SdpCrypto clientKey, byte[] outgoing,
                         boolean rtcpMux) {
    }
}
