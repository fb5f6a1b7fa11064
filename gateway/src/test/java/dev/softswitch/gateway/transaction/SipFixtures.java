package dev.softswitch.gateway.transaction;

import dev.softswitch.gateway.transport.Endpoint;
import dev.softswitch.gateway.transport.TransportType;
import gov.nist.javax.sip.header.To;
import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import gov.nist.javax.sip.parser.StringMsgParser;
import java.nio.charset.StandardCharsets;

/** Test messages, parsed from text as they would arrive from the wire. */
final class SipFixtures {

    static final Endpoint UDP_PEER = Endpoint.of("192.0.2.10", 5060, TransportType.UDP);
    static final Endpoint TCP_PEER = Endpoint.of("192.0.2.10", 5060, TransportType.TCP);

    private SipFixtures() {
    }

    static Endpoint peer(TransportType transport) {
        return Endpoint.of("192.0.2.10", 5060, transport);
    }

    /** A request from the peer (or, for client tests, one we send), with the given top Via branch. */
    static SIPRequest request(String method, String branch, TransportType transport) {
        return request(method, method, branch, transport, 1);
    }

    static SIPRequest request(String method, String cseqMethod, String branch, TransportType transport, long cseq) {
        String text = method + " sip:+4930123456@carrier.example.net SIP/2.0\r\n"
                + "Via: SIP/2.0/" + transport.viaToken() + " 192.0.2.10:5060;branch=" + branch + "\r\n"
                + "Via: SIP/2.0/UDP 198.51.100.1:5060;branch=z9hG4bKupstream\r\n"
                + "Max-Forwards: 70\r\n"
                + "Route: <sip:proxy1.example.net;lr>\r\n"
                + "Route: <sip:proxy2.example.net;lr>\r\n"
                + "From: \"Alice\" <sip:alice@app.example.com>;tag=from1\r\n"
                + "To: <sip:+4930123456@carrier.example.net>\r\n"
                + "Call-ID: call-1@app.example.com\r\n"
                + "CSeq: " + cseq + " " + cseqMethod + "\r\n"
                + "Contact: <sip:alice@192.0.2.10:5060>\r\n"
                + "Content-Length: 0\r\n\r\n";
        return (SIPRequest) parse(text);
    }

    static SIPRequest invite(String branch, TransportType transport) {
        return request(SIPRequest.INVITE, branch, transport);
    }

    /** A response to {@code request}, with a To tag unless it is a 100. */
    static SIPResponse response(SIPRequest request, int code) {
        SIPResponse r = request.createResponse(code);
        if (code > 100) {
            try {
                ((To) r.getTo()).setTag("to1");
            } catch (java.text.ParseException e) {
                throw new IllegalStateException(e);
            }
        }
        return r;
    }

    static SIPMessage parse(String text) {
        try {
            return new StringMsgParser().parseSIPMessage(text.getBytes(StandardCharsets.UTF_8), true, false, null);
        } catch (java.text.ParseException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
