package dev.softswitch.gateway.sdp;

import dev.softswitch.gateway.sdp.SdpBody.Media;
import io.netty.util.NetUtil;
import java.math.BigInteger;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads an SDP offer or answer (RFC 4566, RFC 3264) and rewrites it so that the audio flows through
 * the media relay (PRODUCT MED-1): connection addresses and the audio port point at the relay, the
 * o= version goes up, codecs and attributes stay, every other line goes out as it came ({@link SdpBody}).
 */
public final class SdpRewriter {

    /**
     * What the gateway needs to know from an offer or answer to set up the relay.
     *
     * @param cryptoAttributes the values of the audio stream's a=crypto lines (RFC 4568), in order
     * @param audioClockRate   the RTP clock rate of the first audio format (rtpmap, or the static
     *                         payload type's of RFC 3551; 8000 if unknown), for the relay's jitter
     */
    public record SdpOffer(InetSocketAddress audioRtp, String audioProtocol, List<String> audioFormats,
                           String audioDirection, List<String> cryptoAttributes, int audioClockRate) {

        public SdpOffer {
            Objects.requireNonNull(audioRtp, "audioRtp");
            Objects.requireNonNull(audioProtocol, "audioProtocol");
            Objects.requireNonNull(audioDirection, "audioDirection");
            audioFormats = List.copyOf(audioFormats);
            cryptoAttributes = List.copyOf(cryptoAttributes);
            if (audioClockRate <= 0) {
                throw new IllegalArgumentException("clock rate " + audioClockRate + " must be positive");
            }
        }

        public SdpOffer(InetSocketAddress audioRtp, String audioProtocol, List<String> audioFormats,
                        String audioDirection) {
            this(audioRtp, audioProtocol, audioFormats, audioDirection, List.of(), DEFAULT_CLOCK_RATE);
        }

        /**
         * Whether the stream is on hold or one-way (a=sendonly, a=recvonly or a=inactive, RFC 3264
         * section 8.4), so that silence is expected and the relay's longer hold timeout applies.
         */
        public boolean isOnHold() {
            return !"sendrecv".equals(audioDirection);
        }

        /** Whether the audio is SRTP (RTP/SAVP, RTP/SAVPF and the like, RFC 3711). */
        public boolean isSecure() {
            return audioProtocol.toUpperCase(Locale.ROOT).contains("SAVP");
        }
    }

    private static final int DEFAULT_CLOCK_RATE = 8000;
    private static final Pattern IPV4_LITERAL = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6_LITERAL = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");
    private static final Pattern RTPMAP = Pattern.compile("(\\d{1,3}) [^/\\s]+/(\\d{1,6})(/\\d+)?");
    private static final Set<String> DIRECTIONS = Set.of("sendrecv", "sendonly", "recvonly", "inactive");
    /** a=tool names the peer's software and a=ssrc its cname (often its SIP URI); neither crosses over. */
    private static final Set<String> IDENTIFYING_ATTRIBUTES = Set.of("tool", "ssrc", "ssrc-group");
    /** ICE (RFC 8839) would let the peers reach each other around the relay; offers lose it. */
    private static final Set<String> ICE_ATTRIBUTES = Set.of("candidate", "remote-candidates", "ice-ufrag",
            "ice-pwd", "ice-options", "ice-lite", "ice-mismatch", "end-of-candidates");

    private SdpRewriter() {
    }

    /**
     * Reads the audio stream of an SDP body: the connection address of the first audio m= line with a
     * non-zero port (its own c= overrides the session's) and its port.
     *
     * @throws SdpException with a reason phrase if the body is not SDP or carries no usable audio
     */
    public static SdpOffer parse(byte[] body) throws SdpException {
        return ParsedSdp.parse(body).audio();
    }

    /** The audio summary of a parsed body: its first audio m= section with a non-zero port (see {@link #parse}). */
    static SdpOffer offerOf(SdpBody sdp, int audioIndex) throws SdpException {
        Media audio = sdp.media.get(audioIndex);
        List<String> formats = audio.formatList();
        return new SdpOffer(new InetSocketAddress(connectionAddress(sdp, audio), audio.port), audio.protocol, formats,
                direction(sdp, audio), SdpBody.attributeValues(audio.lines, "crypto"),
                clockRate(audio, formats.get(0)));
    }

    /** The index of the relayed audio stream: the first audio m= section with a non-zero port. */
    static int audioIndex(SdpBody sdp) throws SdpException {
        boolean disabled = false;
        for (int i = 0; i < sdp.media.size(); i++) {
            Media m = sdp.media.get(i);
            if ("audio".equalsIgnoreCase(m.type)) {
                if (m.port != 0) {
                    return i;
                }
                disabled = true;
            }
        }
        throw new SdpException(disabled ? "SDP audio stream is disabled" : "SDP has no audio stream");
    }

    /**
     * {@link #rewrite} for the plain-RTP side of an SRTP call (MED-3): the audio stream's profile
     * loses its S (RTP/SAVP becomes RTP/AVP, RTP/SAVPF becomes RTP/AVPF) and its a=crypto lines go,
     * so that no key reaches the carrier.
     */
    public static byte[] rewriteToPlainRtp(byte[] body, InetSocketAddress relayRtp) throws SdpException {
        return rewriteToPlainRtp(ParsedSdp.parse(body), relayRtp);
    }

    /** {@link #rewriteToPlainRtp(byte[], InetSocketAddress)} of a body already parsed; consumes it. */
    public static byte[] rewriteToPlainRtp(ParsedSdp sdp, InetSocketAddress relayRtp) throws SdpException {
        return rewrite(sdp, relayRtp, false, audio -> {
            audio.protocol = audio.protocol.replace("SAVP", "AVP");
            SdpBody.removeAttributes(audio.lines, "crypto"::equals);
        });
    }

    /**
     * {@link #rewrite} for the SRTP side of a call (MED-3): the audio stream's profile becomes
     * RTP/SAVP (RTP/SAVPF for AVPF), any a=crypto lines of the other side go, and the relay's own
     * attribute is added.
     */
    public static byte[] rewriteToSrtp(byte[] body, InetSocketAddress relayRtp, SdpCrypto relayCrypto)
            throws SdpException {
        return rewriteToSrtp(ParsedSdp.parse(body), relayRtp, relayCrypto);
    }

    /** {@link #rewriteToSrtp(byte[], InetSocketAddress, SdpCrypto)} of a body already parsed; consumes it. */
    public static byte[] rewriteToSrtp(ParsedSdp sdp, InetSocketAddress relayRtp, SdpCrypto relayCrypto)
            throws SdpException {
        return rewriteToSrtp(sdp, relayRtp, relayCrypto, false);
    }

    /**
     * {@link #rewriteToSrtp(ParsedSdp, InetSocketAddress, SdpCrypto)}, with a=rtcp-mux as
     * {@link #rewrite(ParsedSdp, InetSocketAddress, boolean)}.
     */
    public static byte[] rewriteToSrtp(ParsedSdp sdp, InetSocketAddress relayRtp, SdpCrypto relayCrypto, boolean rtcpMux)
            throws SdpException {
        Objects.requireNonNull(relayCrypto, "relayCrypto");
        return rewrite(sdp, relayRtp, rtcpMux, audio -> {
            if (!audio.protocol.toUpperCase(Locale.ROOT).contains("SAVP")) {
                audio.protocol = audio.protocol.replace("AVP", "SAVP");
            }
            SdpBody.removeAttributes(audio.lines, "crypto"::equals);
            audio.lines.add("a=crypto:" + relayCrypto.toAttributeValue());
        });
    }

    /** A change to the relayed audio stream made after the common rewrite. */
    @FunctionalInterface
    private interface AudioEdit {
        void apply(Media audio);
    }

    /**
     * Points the SDP at the relay: session and media c= lines carry {@code relayRtp}'s address (IN IP4
     * or IN IP6), the first active audio m= line its port, an a=rtcp line there the port + 1, the o=
     * line the relay address (topology hiding, PRODUCT SIG-3) and a version one higher. Every other
     * m= line gets port 0, since the relay carries one audio stream; ICE attributes are removed so
     * the peers cannot bypass the relay. Codecs and all other attributes are kept as they were.
     *
     * @throws SdpException with a reason phrase if the body is not SDP or carries no usable audio
     */
    public static byte[] rewrite(byte[] body, InetSocketAddress relayRtp) throws SdpException {
        return rewrite(ParsedSdp.parse(body), relayRtp);
    }

    /** {@link #rewrite(byte[], InetSocketAddress)} of a body already parsed; consumes it. */
    public static byte[] rewrite(ParsedSdp sdp, InetSocketAddress relayRtp) throws SdpException {
        return rewrite(sdp, relayRtp, false);
    }

    /**
     * {@link #rewrite(ParsedSdp, InetSocketAddress)}, and with {@code rtcpMux} the relayed stream says a=rtcp-mux
     * (RFC 5761: the relay takes RTCP on its RTP port) and a=rtcp names that port.
     */
    public static byte[] rewrite(ParsedSdp sdp, InetSocketAddress relayRtp, boolean rtcpMux) throws SdpException {
        return rewrite(sdp, relayRtp, rtcpMux, audio -> { });
    }

    private static byte[] rewrite(ParsedSdp parsed, InetSocketAddress relayRtp, boolean rtcpMux, AudioEdit audioEdit) {
        Objects.requireNonNull(relayRtp, "relayRtp");
        if (relayRtp.isUnresolved()) {
            throw new IllegalArgumentException("relay address " + relayRtp + " is unresolved");
        }
        int audioIndex = parsed.audioIndex();
        SdpBody sdp = parsed.consume();
        String relayHost = relayRtp.getAddress().getHostAddress();
        String addressType = relayRtp.getAddress() instanceof Inet6Address ? "IP6" : "IP4";
        String connection = "c=IN " + addressType + " " + relayHost;
        // RFC 4566 §5.2: the peer's user name stays with the peer (SIG-3); sess-id and sess-version may be longer
        // than a long
        sdp.session.set(sdp.originIndex, "o=- " + sdp.originId + " "
                + new BigInteger(sdp.originVersion).add(BigInteger.ONE) + " IN " + addressType + " " + relayHost);
        pointAt(sdp.session, connection);
        SdpBody.removeAttributes(sdp.session, name -> dropped(name, false));
        for (int i = 0; i < sdp.media.size(); i++) {
            Media media = sdp.media.get(i);
            boolean relayed = i == audioIndex;
            media.port = relayed ? relayRtp.getPort() : 0;
            pointAt(media.lines, connection);
            SdpBody.removeAttributes(media.lines, name -> dropped(name, relayed));
            if (relayed) {
                pointRtcpAt(media.lines, relayRtp.getPort() + (rtcpMux ? 0 : 1), addressType, relayHost);
                if (rtcpMux) {
                    media.lines.add("a=" + RtcpMux.ATTRIBUTE);
                }
                audioEdit.apply(media);
            }
        }
        return sdp.encode();
    }

    private static InetAddress connectionAddress(SdpBody sdp, Media media) throws SdpException {
        String line = media.connectionLine();
        if (line == null) {
            line = sdp.sessionConnectionLine();
        }
        if (line == null) {
            throw new SdpException("SDP connection address missing");
        }
        String[] typeAndHost = SdpBody.connection(line);
        boolean ip6 = "IP6".equals(typeAndHost[0]);
        String host = typeAndHost[1];
        // A literal is read without the resolver (InetAddress.getByName would look up "999.1.1.1" in
        // DNS and stall the SIP core thread behind a slow resolver).
        byte[] bytes = (ip6 ? IPV6_LITERAL : IPV4_LITERAL).matcher(host).matches()
                ? NetUtil.createByteArrayFromIpAddressString(host) : null;
        if (bytes == null || bytes.length != (ip6 ? 16 : 4)) {
            throw new SdpException("SDP connection address is not an IP address");
        }
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new SdpException("SDP connection address is not an IP address", e);
        }
    }

    private static String direction(SdpBody sdp, Media media) {
        for (List<String> lines : List.of(media.lines, sdp.session)) {
            for (String line : lines) {
                String name = SdpBody.attributeName(line);
                if (DIRECTIONS.contains(name)) {
                    return name;
                }
            }
        }
        return "sendrecv";
    }

    /** RTP clock rate of a payload type: its rtpmap, else the static type's (RFC 3551 table 4). */
    private static int clockRate(Media media, String format) {
        for (String rtpmap : SdpBody.attributeValues(media.lines, "rtpmap")) {
            Matcher m = RTPMAP.matcher(rtpmap);
            if (m.matches() && m.group(1).equals(format)) {
                return Integer.parseInt(m.group(2));
            }
        }
        return DEFAULT_CLOCK_RATE;
    }

    /** Every c= line among {@code lines} now names the relay (its TTL and address count go with the old address). */
    private static void pointAt(List<String> lines, String connection) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).charAt(0) == 'c') {
                lines.set(i, connection);
            }
        }
    }

    /**
     * Whether an attribute goes from the body (of the relayed stream when {@code relayed}, of the session or another
     * stream otherwise): ICE candidates would let media bypass the relay (MED-1); a=tool and a=ssrc cname tell the
     * other side about the peer's software and identity (SIG-3). a=rtcp-mux and a=rtcp-mux-only (RFC 5761, RFC 8858)
     * go everywhere: whether a leg muxes is the relay's business with that leg, never passed from one side to the
     * other (a carrier accepting a client's mux would send RTCP to the relay's RTP port, counted as RTP);
     * {@link #rewrite(ParsedSdp, InetSocketAddress, boolean)} adds the relay's own a=rtcp-mux where the relay muxes.
     * a=rtcp (RFC 3605) stays only on the relayed stream, pointed at the relay; at session level and on streams the
     * relay does not carry it names nothing the relay answers for.
     */
    private static boolean dropped(String name, boolean relayed) {
        return ICE_ATTRIBUTES.contains(name) || IDENTIFYING_ATTRIBUTES.contains(name)
                || RtcpMux.ATTRIBUTES.contains(name) || (!relayed && "rtcp".equals(name));
    }

    /**
     * The relayed stream's a=rtcp names the relay's RTCP port (RFC 3605), with the relay's address if it named one.
     * Without a=rtcp-mux in an answer the offerer sends RTCP to the RTCP port (RFC 5761 §5.1.1).
     */
    private static void pointRtcpAt(List<String> lines, int rtcpPort, String addressType, String host) {
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if ("rtcp".equals(SdpBody.attributeName(line))) {
                String value = SdpBody.attributeValue(line);
                boolean withAddress = value != null && value.contains(" ");
                lines.set(i, "a=rtcp:" + (withAddress ? rtcpPort + " IN " + addressType + " " + host : rtcpPort));
            }
        }
    }
}
