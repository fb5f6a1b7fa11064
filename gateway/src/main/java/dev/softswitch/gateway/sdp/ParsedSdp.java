package dev.softswitch.gateway.sdp;

/**
 * One SDP body parsed once: its audio summary ({@link #audio()}) and the parsed form that one of
 * {@link SdpRewriter}'s rewrites turns into the body for the other side. A rewrite edits the parsed
 * form in place, so each parsed body is rewritten at most once.
 */
public final class ParsedSdp {

    private final SdpBody body;
    private final int audioIndex;
    private final SdpRewriter.SdpOffer audio;
    private final boolean rtcpMux;
    private boolean consumed;

    private ParsedSdp(SdpBody body, int audioIndex) throws SdpException {
        this.body = body;
        this.audioIndex = audioIndex;
        this.audio = SdpRewriter.offerOf(body, audioIndex);
        this.rtcpMux = RtcpMux.offeredAndDemultiplexable(body.media.get(audioIndex).lines, audio.audioFormats());
    }

    /**
     * Parses {@code body} (RFC 4566).
     *
     * @throws SdpException with a reason phrase if the body is not SDP or carries no usable audio
     */
    public static ParsedSdp parse(byte[] body) throws SdpException {
        SdpBody sdp = SdpBody.parse(body);
        return new ParsedSdp(sdp, SdpRewriter.audioIndex(sdp));
    }

    /** The relayed audio stream: address, profile, formats, direction, SDES keys, clock rate. */
    public SdpRewriter.SdpOffer audio() {
        return audio;
    }

    /**
     * Whether the audio stream asks for RTCP on its RTP port (a=rtcp-mux or a=rtcp-mux-only, RFC 5761, RFC 8858)
     * and none of its payload types could be taken for RTCP there.
     */
    public boolean rtcpMux() {
        return rtcpMux;
    }

    /** Which m= section of the body is the relayed audio stream. */
    int audioIndex() {
        return audioIndex;
    }

    SdpBody consume() {
        if (consumed) {
            throw new IllegalStateException("this SDP body was already rewritten");
        }
        consumed = true;
        return body;
    }
}
