package dev.softswitch.gateway.testing;

import dev.softswitch.gateway.transport.Endpoint;
import dev.softswitch.gateway.transport.TransportType;
import gov.nist.javax.sip.address.AddressFactoryImpl;
import gov.nist.javax.sip.header.HeaderFactoryImpl;
import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import gov.nist.javax.sip.parser.StringMsgParser;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import javax.sip.address.AddressFactory;
import javax.sip.header.HeaderFactory;

/**
 * SIP messages for the gateway tests: {@link #request(String, String)} starts a request, written as text
 * with its headers in the order of the RFC 3261 §7 examples (Via, Max-Forwards, Route, From, To,
 * Call-ID, CSeq, Contact, extra headers, Content-Type, Content-Length); {@link #response(SIPRequest, int)}
 * answers one. Each gives its wire form ({@code text()}, {@code bytes()}) or, through the parser as if it
 * had arrived from the wire, a {@link SIPRequest}/{@link SIPResponse} ({@code build()}).
 */
public final class SipMessageFixtures {

    /** The peer the fixtures talk to: TEST-NET-1 (RFC 5737), port 5060, the default Via sent-by. */
    public static final String PEER_HOST = "192.0.2.10";

    private static final HeaderFactory HEADERS = new HeaderFactoryImpl();
    private static final AddressFactory ADDRESSES = new AddressFactoryImpl();

    private SipMessageFixtures() {
    }

    /** The peer at {@link #PEER_HOST}:5060 over {@code transport}. */
    public static Endpoint peer(TransportType transport) {
        return Endpoint.of(PEER_HOST, 5060, transport);
    }

    /**
     * A request with these defaults until told otherwise: Via {@code SIP/2.0/UDP 192.0.2.10:5060}
     * with branch {@code z9hG4bK-<Call-ID>}, Max-Forwards 70, From {@code <sip:alice@example.com>;tag=a1},
     * To the request-URI in angle brackets, Call-ID {@code call-1@example.com}, CSeq {@code 1 <method>},
     * no Contact and no body.
     */
    public static RequestBuilder request(String method, String requestUri) {
        return new RequestBuilder(method, requestUri);
    }

    /**
     * A request as it reaches us through a proxy: the peer's Via ({@code transport}, {@code branch}) on
     * top of an upstream one, two loose Routes, From {@code "Alice" <sip:alice@app.example.com>;tag=from1},
     * Call-ID {@code call-1@app.example.com} and a Contact; the target is
     * {@code sip:+4930123456@carrier.example.net}. The same shape serves for a request we send.
     */
    public static RequestBuilder proxiedRequest(String method, String branch, TransportType transport) {
        return request(method, "sip:+4930123456@carrier.example.net")
                .via(transport, PEER_HOST + ":5060", branch)
                .via(TransportType.UDP, "198.51.100.1:5060", "z9hG4bKupstream")
                .route("<sip:proxy1.example.net;lr>")
                .route("<sip:proxy2.example.net;lr>")
                .from("\"Alice\" <sip:alice@app.example.com>", "from1")
                .callId("call-1@app.example.com")
                .contact("<sip:alice@" + PEER_HOST + ":5060>");
    }

    /**
     * An OPTIONS to {@code sip:gw@example.com} from {@code client.example.com:5070} over TCP, asking for
     * rport (RFC 3581); the branch is {@code z9hG4bK-<callId>}. A {@code via(..)} replaces that Via.
     */
    public static RequestBuilder options(String callId) {
        RequestBuilder options = request("OPTIONS", "sip:gw@example.com").callId(callId);
        options.defaultVia = "SIP/2.0/TCP client.example.com:5070;branch=z9hG4bK-" + callId + ";rport";
        return options;
    }

    /**
     * The response a UAS would send to {@code request} (RFC 3261 §8.2.6): its Via, From, To, Call-ID and
     * CSeq, with a To tag ({@code to1} unless {@link ResponseBuilder#toTag(String) told}) on all but a 100
     * when the request's To has none.
     */
    public static ResponseBuilder response(SIPRequest request, int status) {
        return new ResponseBuilder(request, status);
    }

    public static SIPMessage parse(String text) {
        return parse(text.getBytes(StandardCharsets.UTF_8));
    }

    public static SIPMessage parse(byte[] wire) {
        try {
            return new StringMsgParser().parseSIPMessage(wire, true, false, null);
        } catch (ParseException e) {
            throw new IllegalArgumentException("not a SIP message: " + e.getMessage(), e);
        }
    }

    public static SIPRequest parseRequest(String text) {
        return (SIPRequest) parse(text);
    }

    /** The text as a buffer, one byte per character (ISO-8859-1), so odd bytes arrive as written. */
    public static ByteBuf buffer(String wire) {
        return Unpooled.copiedBuffer(wire, StandardCharsets.ISO_8859_1);
    }

    /** The buffer's bytes as text, one character per byte; releases the buffer. */
    public static String readText(ByteBuf buffer) {
        try {
            return buffer.toString(StandardCharsets.ISO_8859_1);
        } finally {
            buffer.release();
        }
    }

    /** The bytes as text, one character per byte. */
    public static String text(byte[] wire) {
        return new String(wire, StandardCharsets.ISO_8859_1);
    }

    /** Builds one request; every setter returns this builder. */
    public static final class RequestBuilder {
        private final String method;
        private final String requestUri;
        private final List<String> vias = new ArrayList<>();
        private String defaultVia;
        private final List<String> routes = new ArrayList<>();
        private final List<String[]> extra = new ArrayList<>();
        private final Set<String> without = new LinkedHashSet<>();
        private int maxForwards = 70;
        private String from = "<sip:alice@example.com>;tag=a1";
        private String to;
        private String callId = "call-1@example.com";
        private String cseq;
        private String contact;
        private String contentType;
        private String body = "";

        private RequestBuilder(String method, String requestUri) {
            this.method = Objects.requireNonNull(method, "method");
            this.requestUri = Objects.requireNonNull(requestUri, "requestUri");
        }

        /** Adds a Via below those already added: {@code SIP/2.0/<transport> <sentBy>;branch=<branch>}. */
        public RequestBuilder via(TransportType transport, String sentBy, String branch) {
            return via("SIP/2.0/" + transport.viaToken() + " " + sentBy + ";branch=" + branch);
        }

        /** Adds a Via below those already added, its value exactly as given. */
        public RequestBuilder via(String value) {
            vias.add(value);
            return this;
        }

        /** Asks for rport (RFC 3581 §3) in the Via added last. */
        public RequestBuilder rport() {
            return appendToLastVia(";rport");
        }

        /** An rport with a value in the Via added last, as a proxy that stamped it would leave it. */
        public RequestBuilder rport(int port) {
            return appendToLastVia(";rport=" + port);
        }

        private RequestBuilder appendToLastVia(String parameter) {
            if (vias.isEmpty()) {
                throw new IllegalStateException("no Via added yet");
            }
            vias.set(vias.size() - 1, vias.get(vias.size() - 1) + parameter);
            return this;
        }

        public RequestBuilder maxForwards(int hops) {
            this.maxForwards = hops;
            return this;
        }

        /** Adds a Route below those already added. */
        public RequestBuilder route(String address) {
            routes.add(address);
            return this;
        }

        /** From {@code address}, with {@code ;tag=<tag>} unless the tag is null. */
        public RequestBuilder from(String address, String tag) {
            this.from = tagged(address, tag);
            return this;
        }

        /** To exactly as given (an address, perhaps with its parameters). */
        public RequestBuilder to(String value) {
            this.to = value;
            return this;
        }

        /** To {@code address}, with {@code ;tag=<tag>} unless the tag is null. */
        public RequestBuilder to(String address, String tag) {
            return to(tagged(address, tag));
        }

        public RequestBuilder callId(String callId) {
            this.callId = callId;
            return this;
        }

        /** CSeq {@code <number> <method of the request>}. */
        public RequestBuilder cseq(long number) {
            return cseq(number, method);
        }

        public RequestBuilder cseq(long number, String cseqMethod) {
            this.cseq = number + " " + cseqMethod;
            return this;
        }

        public RequestBuilder contact(String address) {
            this.contact = address;
            return this;
        }

        /** Adds a header after the Contact, in the order added. */
        public RequestBuilder header(String name, String value) {
            extra.add(new String[] {name, value});
            return this;
        }

        /** Leaves out every header of this name (as written here, ignoring case): for broken messages. */
        public RequestBuilder without(String name) {
            without.add(name.toLowerCase(Locale.ROOT));
            return this;
        }

        /** An SDP body (Content-Type application/sdp); null for none. */
        public RequestBuilder sdp(String sdp) {
            return sdp == null ? body(null, "") : body("application/sdp", sdp);
        }

        /** A body of {@code contentType} (null: no Content-Type header); Content-Length follows it. */
        public RequestBuilder body(String contentType, String body) {
            this.contentType = contentType;
            this.body = Objects.requireNonNull(body, "body");
            return this;
        }

        /** The wire form. */
        public String text() {
            StringBuilder s = new StringBuilder(method).append(' ').append(requestUri).append(" SIP/2.0\r\n");
            if (vias.isEmpty()) {
                line(s, "Via", defaultVia != null ? defaultVia
                        : "SIP/2.0/UDP " + PEER_HOST + ":5060;branch=z9hG4bK-" + callId);
            }
            vias.forEach(v -> line(s, "Via", v));
            line(s, "Max-Forwards", Integer.toString(maxForwards));
            routes.forEach(r -> line(s, "Route", r));
            line(s, "From", from);
            line(s, "To", to != null ? to : "<" + requestUri + ">");
            line(s, "Call-ID", callId);
            line(s, "CSeq", cseq != null ? cseq : "1 " + method);
            if (contact != null) {
                line(s, "Contact", contact);
            }
            extra.forEach(header -> line(s, header[0], header[1]));
            if (contentType != null) {
                line(s, "Content-Type", contentType);
            }
            line(s, "Content-Length", Integer.toString(body.getBytes(StandardCharsets.UTF_8).length));
            return s.append("\r\n").append(body).toString();
        }

        /** The wire form as bytes (UTF-8, RFC 3261 §7.3.1). */
        public byte[] bytes() {
            return text().getBytes(StandardCharsets.UTF_8);
        }

        /** The request, parsed from {@link #text()}. */
        public SIPRequest build() {
            return (SIPRequest) parse(bytes());
        }

        private void line(StringBuilder s, String name, String value) {
            if (!without.contains(name.toLowerCase(Locale.ROOT))) {
                s.append(name).append(": ").append(value).append("\r\n");
            }
        }
    }

    /** Builds one response to a request; every setter returns this builder. */
    public static final class ResponseBuilder {
        private final SIPRequest request;
        private final int status;
        private String reason;
        private String toTag;
        private String contact;
        private final List<String[]> extra = new ArrayList<>();
        private String contentType;
        private String body = "";

        private ResponseBuilder(SIPRequest request, int status) {
            this.request = Objects.requireNonNull(request, "request");
            this.status = status;
        }

        /** The reason phrase; by default the RFC 3261 §21 one for the status. */
        public ResponseBuilder reason(String reason) {
            this.reason = reason;
            return this;
        }

        /** The To tag, set even on a 100 and even when the request's To already has one. */
        public ResponseBuilder toTag(String tag) {
            this.toTag = tag;
            return this;
        }

        public ResponseBuilder contact(String address) {
            this.contact = address;
            return this;
        }

        /** Adds a header after the Contact, in the order added. */
        public ResponseBuilder header(String name, String value) {
            extra.add(new String[] {name, value});
            return this;
        }

        /** An SDP body (Content-Type application/sdp); null for none. */
        public ResponseBuilder sdp(String sdp) {
            return sdp == null ? body(null, "") : body("application/sdp", sdp);
        }

        /** A body of {@code contentType}; Content-Length follows it. */
        public ResponseBuilder body(String contentType, String body) {
            if (contentType == null && !body.isEmpty()) {
                throw new IllegalArgumentException("a response body needs a Content-Type here");
            }
            this.contentType = contentType;
            this.body = Objects.requireNonNull(body, "body");
            return this;
        }

        /** The response object, fresh from the request's, not yet through the parser. */
        private SIPResponse compose() {
            SIPResponse r = (SIPResponse) (reason == null ? request.createResponse(status)
                    : request.createResponse(status, reason)).clone();
            try {
                if (toTag != null) {
                    r.getTo().setTag(toTag);
                } else if (status > 100 && r.getTo().getTag() == null) {
                    r.getTo().setTag("to1");
                }
                if (contact != null) {
                    r.addHeader(HEADERS.createContactHeader(ADDRESSES.createAddress(contact)));
                }
                for (String[] header : extra) {
                    r.addHeader(HEADERS.createHeader(header[0], header[1]));
                }
                if (!body.isEmpty()) {
                    String[] type = contentType.split("/", 2);
                    r.setContent(body.getBytes(StandardCharsets.UTF_8),
                            HEADERS.createContentTypeHeader(type[0], type[1]));
                }
            } catch (ParseException e) {
                throw new IllegalArgumentException("bad header in a test response: " + e.getMessage(), e);
            }
            return r;
        }

        /** The wire form. */
        public String text() {
            return compose().encode();
        }

        /** The wire form as bytes (UTF-8). */
        public byte[] bytes() {
            return text().getBytes(StandardCharsets.UTF_8);
        }

        /** The response, parsed from {@link #text()}: it shares no header with the request. */
        public SIPResponse build() {
            return (SIPResponse) parse(bytes());
        }
    }

    private static String tagged(String address, String tag) {
        return tag == null ? address : address + ";tag=" + tag;
    }
}
