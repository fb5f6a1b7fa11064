package dev.softswitch.gateway.b2bua;

import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import java.text.ParseException;
import java.util.ListIterator;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import javax.sip.header.AcceptHeader;
import javax.sip.header.ContentTypeHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;

/**
 * What a UAS checks of a new request before serving it (RFC 3261 §8.2.2 and §8.2.3), as the RFC 4475
 * torture messages expect: a Request-URI scheme the gateway does not serve is 416 (§3.3.2, §3.3.3), a
 * REGISTER whose To is no SIP or SIPS address of record is 400 (§3.3.4), an INVITE body that is not SDP
 * (nor multipart) is 415 with Accept (§3.3.6), and an INVITE whose Accept leaves out SDP is 406 (§3.3.15).
 */
final class RequestChecks {

    private static final Set<String> SCHEMES = Set.of("sip", "sips", "tel");
    private static final String SDP = "application/sdp";

    private RequestChecks() {
    }

    /** The answer refusing {@code request}, or empty when it may be served. ACK is never answered. */
    static Optional<SIPResponse> refusal(SIPRequest request) throws ParseException {
        String method = request.getMethod();
        if (Request.ACK.equals(method)) {
            return Optional.empty();
        }
        String scheme = request.getRequestURI() == null ? "" : request.getRequestURI().getScheme();
        if (!SCHEMES.contains(scheme.toLowerCase(Locale.ROOT))) {
            return Optional.of(request.createResponse(Response.UNSUPPORTED_URI_SCHEME,
                    "Unsupported URI Scheme (" + scheme + ")"));
        }
        if (Request.REGISTER.equals(method)) {
            String to = request.getTo().getAddress().getURI().getScheme().toLowerCase(Locale.ROOT);
            if (!to.equals("sip") && !to.equals("sips")) {
                return Optional.of(request.createResponse(Response.BAD_REQUEST,
                        "Bad Request (To must be a SIP or SIPS address of record, not " + to + ")"));
            }
        }
        if (Request.INVITE.equals(method)) {
            ContentTypeHeader type = (ContentTypeHeader) request.getHeader(ContentTypeHeader.NAME);
            int length = request.getContentLength() == null ? 0 : request.getContentLength().getContentLength();
            // multipart/* (SDP next to ISUP from a SIP-I trunk) goes on to the SDP parser, as before.
            if (length > 0 && (type == null || !(SDP.equalsIgnoreCase(type.getContentType() + "/" + type.getContentSubType())
                    || "multipart".equalsIgnoreCase(type.getContentType())))) {
                SIPResponse r = request.createResponse(Response.UNSUPPORTED_MEDIA_TYPE,
                        "Unsupported Media Type (the gateway takes application/sdp)");
                r.addHeader(DialogLeg.HEADERS.createAcceptHeader("application", "sdp"));
                return Optional.of(r);
            }
            if (!acceptsSdp(request)) {
                return Optional.of(request.createResponse(Response.NOT_ACCEPTABLE,
                        "Not Acceptable (the answer would be application/sdp)"));
            }
        }
        return Optional.empty();
    }

    /** No Accept means SDP (RFC 3261 §20.1); otherwise one value must admit it. */
    private static boolean acceptsSdp(SIPRequest request) {
        ListIterator<?> it = request.getHeaders(AcceptHeader.NAME);
        if (it == null || !it.hasNext()) {
            return true;
        }
        while (it.hasNext()) {
            AcceptHeader accept = (AcceptHeader) it.next();
            String type = accept.getContentType() == null ? "" : accept.getContentType().toLowerCase(Locale.ROOT);
            String sub = accept.getContentSubType() == null ? "" : accept.getContentSubType().toLowerCase(Locale.ROOT);
            if ((type.equals("*") || type.equals("application")) && (sub.equals("*") || sub.equals("sdp"))) {
                return true;
            }
        }
        return false;
    }
}
