package dev.softswitch.gateway.transport;

import gov.nist.javax.sip.address.AddressImpl;
import gov.nist.javax.sip.header.CSeq;
import gov.nist.javax.sip.header.CallID;
import gov.nist.javax.sip.header.ContentLength;
import gov.nist.javax.sip.header.ContentType;
import gov.nist.javax.sip.header.From;
import gov.nist.javax.sip.header.ProxyAuthenticate;
import gov.nist.javax.sip.header.RecordRoute;
import gov.nist.javax.sip.header.RecordRouteList;
import gov.nist.javax.sip.header.SIPHeader;
import gov.nist.javax.sip.header.TimeStamp;
import gov.nist.javax.sip.header.To;
import gov.nist.javax.sip.header.Via;
import gov.nist.javax.sip.header.ViaList;
import gov.nist.javax.sip.header.WWWAuthenticate;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import javax.sip.header.ContentTypeHeader;
import javax.sip.header.Header;

/**
 * A response a transaction user hands to its server transaction: one it built, or one described by the request
 * it answers ({@link #to}): the status, the To tag, and the headers and body to add. The transport writes a
 * described response straight from the request's headers ({@link SipWireWriter#response}) instead of copying
 * them into a new message first (issue 14: {@code createResponse} cloned every copied header, 6 % of the SIP
 * core). {@link #toMessage} builds the same response the JAIN-SIP way, {@code createResponse} then the same calls
 * in the same order, for senders that deal in messages and for the shapes the writer does not take;
 * {@code OutgoingResponseTest} holds both to the same bytes.
 */
public final class OutgoingResponse {

    private final SIPResponse built;
    private final SIPRequest request;
    private final int code;
    private final String reason;
    private String toTag;
    /** Added in order; the Content-Type where the body was set, as {@code setContent} places it. */
    private final List<SIPHeader> headers;
    private byte[] content;
    /** Where in {@link #headers} the body's Content-Type is; -1 without a body. */
    private int contentTypeAt = -1;

    private OutgoingResponse(SIPResponse built, SIPRequest request, int code, String reason) {
        this.built = built;
        this.request = request;
        this.code = code;
        this.reason = reason;
        this.headers = built == null ? new ArrayList<>(4) : List.of();
    }

    /** A response built already. */
    public static OutgoingResponse of(SIPResponse built) {
        return new OutgoingResponse(Objects.requireNonNull(built, "response"), null, built.getStatusCode(),
                built.getReasonPhrase());
    }

    /**
     * The response {@code request.createResponse(code, reason)} would build: the request's Via, From, To, Call-ID,
     * CSeq and Timestamp, and its Record-Route in a 101-299 answer to a dialog-creating request outside a dialog
     * (RFC 3261 §12.1.1); {@code reason} null is the standard phrase.
     */
    public static OutgoingResponse to(SIPRequest request, int code, String reason) {
        if (code < 100 || code > 699) {
            throw new IllegalArgumentException("Bad code " + code);
        }
        return new OutgoingResponse(null, Objects.requireNonNull(request, "request"), code,
                reason != null ? reason : SIPResponse.getReasonPhrase(code));
    }

    /** The To tag, as {@code getTo().setTag(tag)}. */
    public OutgoingResponse toTag(String tag) {
        requireDescribed();
        this.toTag = Objects.requireNonNull(tag, "tag");
        return this;
    }

    /** A header to add, as {@code addHeader}. */
    public OutgoingResponse header(Header header) {
        requireDescribed();
        headers.add((SIPHeader) Objects.requireNonNull(header, "header"));
        return this;
    }

    /** The body, as {@code setContent(body, type)}. */
    public OutgoingResponse content(byte[] body, ContentTypeHeader type) {
        requireDescribed();
        if (content != null) {
            throw new IllegalStateException("the body is set already");
        }
        this.content = Objects.requireNonNull(body, "body");
        contentTypeAt = headers.size();
        headers.add((SIPHeader) Objects.requireNonNull(type, "type"));
        return this;
    }

    public int statusCode() {
        return code;
    }

    /** The method of the request answered, for the log. */
    public String method() {
        CSeq cseq = (CSeq) (built != null ? built.getCSeq() : request.getCSeq());
        return cseq == null ? null : cseq.getMethod();
    }

    /** The top Via the response goes back by (RFC 3261 §18.2.2). */
    public Via topVia() {
        return built != null ? built.getTopmostVia() : request.getTopmostVia();
    }

    /** The response as a JAIN-SIP message: the one given, or built as {@link #to} describes. */
    public SIPResponse toMessage() {
        if (built != null) {
            return built;
        }
        SIPResponse r = request.createResponse(code, reason);
        try {
            if (toTag != null) {
                r.getTo().setTag(toTag);
            }
            for (int i = 0; i < headers.size(); i++) {
                if (i == contentTypeAt) {
                    r.setContent(content, (ContentType) headers.get(i));
                } else {
                    r.addHeader(headers.get(i));
                }
            }
        } catch (ParseException e) {
            throw new IllegalArgumentException("response to " + method() + " refused: " + e.getMessage(), e);
        }
        return r;
    }

    /** The bytes {@code SipMessageEncoder} writes for {@link #toMessage}; described ones written straight. */
    byte[] encode() {
        return written() ? write() : SipMessageEncoder.encode(toMessage(), TransportType.UDP);
    }

    /** Whether {@link #encode} writes it straight from the request rather than through JAIN-SIP's message. */
    boolean written() {
        return built == null && writable();
    }

    @Override
    public String toString() {
        return code + " " + reason + " to " + method() + (built != null ? " (built)" : " (described, " + headers.size()
                + " headers added" + (content != null ? ", a body" : "") + ")");
    }

    /**
     * Whether {@link SipWireWriter#response} writes what {@link #toMessage} encodes: headers added once each and
     * none that the response copies from the request (JAIN-SIP would merge or replace those), except challenges,
     * which it keeps as a list written a line each; the body's charset UTF-8 (or none).
     */
    private boolean writable() {
        if (request.getTopmostVia() == null || request.getCSeq() == null) {
            return false;
        }
        for (int i = 0; i < headers.size(); i++) {
            SIPHeader h = headers.get(i);
            Class<?> type = h.getClass();
            if (COPIED.contains(type) || type == ContentLength.class
                    || (h instanceof ContentType ct && ct.getCharset() != null && !"UTF-8".equalsIgnoreCase(ct.getCharset()))) {
                return false;
            }
            for (int j = 0; j < i; j++) {
                if (headers.get(j).getHeaderName().equalsIgnoreCase(h.getHeaderName())
                        && !(j == i - 1 && headers.get(j).getClass() == type && CHALLENGES.contains(type))) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * The bytes {@link #toMessage} encodes to, written from the request's headers in the order {@code createResponse}
     * copies them (CSeq, Call-ID, From, To, Via, Record-Route where RFC 3261 §12.1.1 wants it, Timestamp), the To
     * with the tag, then the added headers in order ({@link #writable}: JAIN-SIP would neither merge nor replace any
     * of them) and the body.
     */
    private byte[] write() {
        SipWireWriter w = SipWireWriter.start();
        w.text("SIP/2.0 ");
        w.number(code);
        if (reason != null) {
            w.text(" ");
            w.text(reason);
        }
        w.crlf();
        w.headerIfAny((SIPHeader) request.getCSeqHeader());
        w.headerIfAny((SIPHeader) request.getCallIdHeader());
        w.headerIfAny((SIPHeader) request.getFromHeader());
        To to = (To) request.getToHeader();
        if (toTag != null && to != null && to.getAddress() != null && to.getParameters().isEmpty()) {
            w.text("To: ");
            w.addressHeader((AddressImpl) to.getAddress(), to.getParameters());
            w.text(";tag=");
            w.text(toTag);
            w.crlf();
        } else if (toTag != null && to != null) {
            To tagged = (To) to.clone();
            try {
                tagged.setTag(toTag);
            } catch (ParseException e) {
                throw new IllegalArgumentException("To tag " + toTag + ": " + e.getMessage(), e);
            }
            w.header(tagged);
        } else {
            w.headerIfAny(to);
        }
        w.headerIfAny(request.getViaHeaders());
        if (code > 100 && code < 300 && SIPRequest.isDialogCreating(request.getMethod()) && request.getToTag() == null) {
            w.headerIfAny(request.getRecordRouteHeaders());
        }
        w.headerIfAny((SIPHeader) request.getHeader(TimeStamp.NAME));
        for (SIPHeader h : headers) {
            w.header(h);
        }
        w.text("Content-Length: ");
        w.number(content == null ? 0 : content.length);
        w.crlf();
        w.crlf();
        return w.copyOut(content);
    }

    private void requireDescribed() {
        if (built != null) {
            throw new IllegalStateException("a built response is changed as a message, not here");
        }
    }

    private static final Set<Class<?>> COPIED = Set.of(From.class, To.class, Via.class,
            ViaList.class, CallID.class, CSeq.class, TimeStamp.class, RecordRoute.class, RecordRouteList.class);
    private static final Set<Class<?>> CHALLENGES = Set.of(ProxyAuthenticate.class,
            WWWAuthenticate.class);
}
