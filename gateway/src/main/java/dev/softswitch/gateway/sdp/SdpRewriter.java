package dev.softswitch.gateway.sdp;

import gov.nist.core.Host;
import gov.nist.core.NameValue;
import gov.nist.javax.sdp.MediaDescriptionImpl;
import gov.nist.javax.sdp.SessionDescriptionImpl;
import gov.nist.javax.sdp.fields.AttributeField;
import gov.nist.javax.sdp.fields.ConnectionAddress;
import gov.nist.javax.sdp.fields.ConnectionField;
import gov.nist.javax.sdp.fields.MediaField;
import gov.nist.javax.sdp.fields.OriginField;
import gov.nist.javax.sdp.parser.SDPAnnounceParser;
import io.netty.util.NetUtil;
import java.math.BigInteger;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.Vector;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads an SDP offer or answer (RFC 4566, RFC 3264) and rewrites it so that the audio flows through
 * the media relay (PRODUCT MED-1): connection addresses and the audio port point at the relay, the
 * o= version goes up, codecs and attributes stay. Parsing and encoding use JAIN-SIP's SDP model;
 * the lines are checked first so that bad input gets a clear reason instead of a parser stack trace.
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
    private static final String LINE_TYPES = "vosiuepcbtrzkam";
    private static final Pattern ORIGIN = Pattern.compile("o=\\S+ (\\d+) (\\d+) IN IP[46] \\S+");
    private static final Pattern CONNECTION = Pattern.compile("c=IN IP[46] \\S+");
    private static final Pattern MEDIA = Pattern.compile("m=[\\w-]+ \\d{1,5}(/\\d{1,5})? \\S+( \\S+)+");
    /** RFC 4566 §5.8, with a bandwidth JAIN-SIP can hold in an int (it prints a stack trace otherwise). */
    private static final Pattern BANDWIDTH = Pattern.compile("b=[\\w.!%*+`'~-]+:\\d{1,9}");
    private static final Pattern CONTACT_LINE = Pattern.compile("(?m)^[ep]=[^\\n]*(?:\\n|\\z)");
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

    /** The audio summary of a parsed body (see {@link #parse}). */
    static SdpOffer offerOf(Parsed parsed) throws SdpException {
        MediaDescriptionImpl audio = parsed.media().get(parsed.audioIndex());
        MediaField m = audio.getMediaField();
        InetAddress address = connectionAddress(parsed.session(), audio);
        List<String> formats = new ArrayList<>();
        for (Object format : m.getFormats()) {
            formats.add(format.toString());
        }
        return new SdpOffer(new InetSocketAddress(address, m.getPort()), m.getProto(), formats,
                direction(parsed.session(), audio), attributeValues(audio, "crypto"),
                clockRate(audio, formats.isEmpty() ? "" : formats.get(0)));
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
            MediaField m = audio.getMediaField();
            m.setProto(m.getProto().replace("SAVP", "AVP"));
            removeAttributes(audio.getAttributeFields(), "crypto");
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
            MediaField m = audio.getMediaField();
            String proto = m.getProto();
            if (!proto.toUpperCase(Locale.ROOT).contains("SAVP")) {
                m.setProto(proto.replace("AVP", "SAVP"));
            }
            Vector<?> attributes = audio.getAttributeFields();
            removeAttributes(attributes, "crypto");
            AttributeField crypto = new AttributeField();
            crypto.setName("crypto");
            crypto.setValue(relayCrypto.toAttributeValue());
            audio.addAttribute(crypto);
        });
    }

    /** A change to the relayed audio stream made after the common rewrite. */
    @FunctionalInterface
    private interface AudioEdit {
        void apply(MediaDescriptionImpl audio) throws javax.sdp.SdpException;
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

    private static byte[] rewrite(ParsedSdp sdp, InetSocketAddress relayRtp, boolean rtcpMux, AudioEdit audioEdit)
            throws SdpException {
        Objects.requireNonNull(relayRtp, "relayRtp");
        if (relayRtp.isUnresolved()) {
            throw new IllegalArgumentException("relay address " + relayRtp + " is unresolved");
        }
        Parsed parsed = sdp.consume();
        SessionDescriptionImpl sd = parsed.session();
        String relayHost = relayRtp.getAddress().getHostAddress();
        String addressType = relayRtp.getAddress() instanceof Inet6Address ? "IP6" : "IP4";
        try {
            // JAIN-SIP keeps only 18 digits of sess-id and sess-version; RFC 4566 allows more.
            OriginField origin = (OriginField) sd.getOrigin();
            origin.setUsername("-"); // RFC 4566 §5.2: the peer's user name stays with the peer (SIG-3)
            origin.setSessionId(parsed.originId());
            origin.setSessVersion(new BigInteger(parsed.originVersion()).add(BigInteger.ONE).toString());
            origin.setAddressType(addressType);
            origin.setAddress(relayHost);

            ConnectionField sessionConnection = (ConnectionField) sd.getConnection();
            if (sessionConnection != null) {
                pointAt(sessionConnection, addressType, relayHost);
            }
            removeRevealingAttributes(sd.getAttributes(false));
            for (int i = 0; i < parsed.media().size(); i++) {
                MediaDescriptionImpl media = parsed.media().get(i);
                boolean relayed = i == parsed.audioIndex();
                media.getMediaField().setPort(relayed ? relayRtp.getPort() : 0);
                if (media.getConnectionField() != null) {
                    pointAt(media.getConnectionField(), addressType, relayHost);
                }
                Vector<?> attributes = media.getAttributeFields();
                removeRevealingAttributes(attributes);
                rewriteRtcp(attributes, relayed, relayRtp.getPort() + (rtcpMux ? 0 : 1), addressType, relayHost);
                if (relayed) {
                    if (rtcpMux) {
                        AttributeField mux = new AttributeField();
                        mux.setAttribute(new gov.nist.core.NameValue(RtcpMux.ATTRIBUTE, null, true)); // a flag
                        media.addAttribute(mux);
                    }
                    audioEdit.apply(media);
                }
            }
        } catch (javax.sdp.SdpException | RuntimeException e) {
            throw new SdpException("SDP could not be rewritten", e);
        }
        return sd.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The parsed body, its m= sections, which of them is the relayed audio, and the raw o= numbers. */
    record Parsed(SessionDescriptionImpl session, List<MediaDescriptionImpl> media, int audioIndex,
                          String originId, String originVersion) {
    }

    static Parsed read(byte[] body) throws SdpException {
        Objects.requireNonNull(body, "body");
        String text = new String(body, StandardCharsets.UTF_8);
        Matcher origin = checkLines(text);
        SessionDescriptionImpl sd;
        try {
            sd = new SDPAnnounceParser(withoutContactLines(text)).parse();
        } catch (ParseException | RuntimeException e) {
            throw new SdpException("SDP could not be parsed", e);
        }
        List<MediaDescriptionImpl> media = new ArrayList<>();
        try {
            Vector<?> descriptions = sd.getMediaDescriptions(false);
            if (descriptions != null) {
                for (Object d : descriptions) {
                    media.add((MediaDescriptionImpl) d);
                }
            }
        } catch (javax.sdp.SdpException e) {
            throw new SdpException("SDP could not be parsed", e);
        }
        int firstAudio = -1;
        for (int i = 0; i < media.size(); i++) {
            MediaField m = media.get(i).getMediaField();
            if (m.getPort() > 65535) {
                throw new SdpException("SDP media port " + m.getPort() + " is out of range (0..65535)");
            }
            if ("audio".equalsIgnoreCase(m.getMedia())) {
                if (m.getPort() != 0) {
                    connectionAddress(sd, media.get(i));
                    return new Parsed(sd, media, i, origin.group(1), origin.group(2));
                }
                firstAudio = i;
            }
        }
        throw new SdpException(firstAudio < 0 ? "SDP has no audio stream" : "SDP audio stream is disabled");
    }

    /**
     * Checks the line grammar of RFC 4566 section 5 that the JAIN-SIP parser does not report well.
     *
     * @return the match of the o= line
     */
    private static Matcher checkLines(String text) throws SdpException {
        if (text.isBlank()) {
            throw new SdpException("SDP body is empty");
        }
        String[] lines = text.split("\r?\n", -1);
        int count = lines.length;
        while (count > 0 && lines[count - 1].isEmpty()) {
            count--;
        }
        Matcher origin = null;
        for (int i = 0; i < count; i++) {
            String line = lines[i];
            int number = i + 1;
            if (line.length() < 2 || line.charAt(1) != '=' || line.charAt(0) < 'a' || line.charAt(0) > 'z') {
                throw new SdpException("SDP line " + number + " is malformed");
            }
            char type = line.charAt(0);
            if (LINE_TYPES.indexOf(type) < 0) {
                throw new SdpException("SDP line " + number + " has unknown type " + type);
            }
            if (i == 0 && !line.equals("v=0")) {
                throw new SdpException("SDP does not start with v=0");
            }
            switch (type) {
                case 'o' -> origin = require(ORIGIN, line, "SDP origin line malformed");
                case 'c' -> require(CONNECTION, line, "SDP connection line malformed");
                case 'm' -> require(MEDIA, line, "SDP media line malformed");
                case 'b' -> require(BANDWIDTH, line, "SDP bandwidth line malformed");
                default -> { }
            }
        }
        if (origin == null) {
            throw new SdpException("SDP origin line missing");
        }
        return origin;
    }

    /**
     * The body without its e= and p= lines (RFC 4566 §5.6): the caller's e-mail and phone are nobody
     * else's business, and JAIN-SIP's parsers print a stack trace to stderr for each one they cannot read.
     */
    private static String withoutContactLines(String text) {
        if (!text.contains("\ne=") && !text.contains("\np=")) {
            return text;
        }
        return CONTACT_LINE.matcher(text).replaceAll("");
    }

    private static Matcher require(Pattern pattern, String line, String reason) throws SdpException {
        Matcher matcher = pattern.matcher(line);
        if (!matcher.matches()) {
            throw new SdpException(reason);
        }
        return matcher;
    }

    private static InetAddress connectionAddress(SessionDescriptionImpl sd, MediaDescriptionImpl media)
            throws SdpException {
        ConnectionField c = media.getConnectionField() != null
                ? media.getConnectionField()
                : (ConnectionField) sd.getConnection();
        if (c == null || c.getConnectionAddress() == null || c.getConnectionAddress().getAddress() == null) {
            throw new SdpException("SDP connection address missing");
        }
        String host = c.getConnectionAddress().getAddress().getAddress();
        int slash = host.indexOf('/');
        if (slash >= 0) {
            host = host.substring(0, slash);
        }
        boolean ip6 = "IP6".equalsIgnoreCase(c.getAddrtype());
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

    private static String direction(SessionDescriptionImpl sd, MediaDescriptionImpl media) throws SdpException {
        for (Vector<?> attributes : List.of(media.getAttributeFields(), sessionAttributes(sd))) {
            for (Object a : attributes) {
                String name = ((AttributeField) a).getAttribute().getName();
                if (name != null && DIRECTIONS.contains(name)) {
                    return name;
                }
            }
        }
        return "sendrecv";
    }

    private static List<String> attributeValues(MediaDescriptionImpl media, String name) {
        List<String> values = new ArrayList<>();
        Vector<?> attributes = media.getAttributeFields();
        if (attributes != null) {
            for (Object a : attributes) {
                NameValue attribute = ((AttributeField) a).getAttribute();
                if (name.equals(attribute.getName()) && attribute.getValueAsObject() != null) {
                    values.add(attribute.getValueAsObject().toString().trim());
                }
            }
        }
        return values;
    }

    /** RTP clock rate of a payload type: its rtpmap, else the static type's (RFC 3551 table 4). */
    private static int clockRate(MediaDescriptionImpl media, String format) {
        for (String rtpmap : attributeValues(media, "rtpmap")) {
            Matcher m = RTPMAP.matcher(rtpmap);
            if (m.matches() && m.group(1).equals(format)) {
                return Integer.parseInt(m.group(2));
            }
        }
        return DEFAULT_CLOCK_RATE;
    }

    private static void removeAttributes(Vector<?> attributes, String name) {
        if (attributes != null) {
            attributes.removeIf(a -> name.equals(((AttributeField) a).getAttribute().getName()));
        }
    }

    private static Vector<?> sessionAttributes(SessionDescriptionImpl sd) {
        Vector<?> attributes = sd.getAttributes(false);
        return attributes == null ? new Vector<>() : attributes;
    }

    private static void pointAt(ConnectionField c, String addressType, String host) {
        ConnectionAddress address = new ConnectionAddress();
        address.setAddress(new Host(host));
        c.setAddrType(addressType);
        c.setAddress(address);
    }

    /**
     * Drops attributes that would let media bypass the relay (ICE candidates, MED-1) or that tell the
     * other side about the peer's software and identity (a=tool, a=ssrc cname: SIG-3).
     */
    private static void removeRevealingAttributes(Vector<?> attributes) {
        if (attributes != null) {
            attributes.removeIf(a -> {
                String name = ((AttributeField) a).getAttribute().getName();
                return ICE_ATTRIBUTES.contains(name) || IDENTIFYING_ATTRIBUTES.contains(name);
            });
        }
    }

    /**
     * RFC 3605: a=rtcp on the relayed stream names the relay's RTCP port; elsewhere it goes. a=rtcp-mux and
     * a=rtcp-mux-only (RFC 5761, RFC 8858) go everywhere: whether a leg muxes is the relay's business with that
     * leg, never passed from one side to the other (a carrier accepting a client's mux would send RTCP to the
     * relay's RTP port, counted as RTP); {@link #rewrite(ParsedSdp, InetSocketAddress, boolean)} adds the
     * relay's own a=rtcp-mux where the relay muxes. Without it in an answer the offerer sends RTCP to the RTCP
     * port (RFC 5761 §5.1.1).
     */
    private static void rewriteRtcp(Vector<?> attributes, boolean relayed, int rtcpPort, String addressType,
                                    String host) throws javax.sdp.SdpException {
        if (attributes == null) {
            return;
        }
        attributes.removeIf(a -> RtcpMux.ATTRIBUTES.contains(((AttributeField) a).getAttribute().getName()));
        if (!relayed) {
            attributes.removeIf(a -> "rtcp".equals(((AttributeField) a).getAttribute().getName()));
            return;
        }
        for (Object a : attributes) {
            AttributeField attribute = (AttributeField) a;
            if ("rtcp".equals(attribute.getAttribute().getName())) {
                String value = attribute.getValue();
                boolean withAddress = value != null && value.trim().contains(" ");
                attribute.setValue(withAddress ? rtcpPort + " IN " + addressType + " " + host
                        : Integer.toString(rtcpPort));
            }
        }
    }
}
