package dev.softswitch.gateway.transaction;

import dev.softswitch.gateway.sip.SipMessages;
import gov.nist.javax.sip.header.Via;
import gov.nist.javax.sip.message.SIPRequest;
import java.util.Locale;

/**
 * Server transaction matching (RFC 3261 §17.2.3): top Via branch, sent-by and method, with ACK
 * folded into INVITE. Requests without the magic cookie fall back to Call-ID, From tag and CSeq
 * number in place of the branch, a simplification of the RFC 2543 rules.
 */
record ServerTransactionKey(String branch, String sentBy, String method) {

    static ServerTransactionKey of(SIPRequest request) {
        Via via = request.getTopmostVia();
        String method = request.getMethod();
        if (SIPRequest.ACK.equals(method)) {
            method = SIPRequest.INVITE;
        }
        String branch = via.getBranch();
        if (!SipMessages.isRfc3261Branch(branch)) {
            branch = "rfc2543:" + request.getCallId().getCallId() + ":" + request.getFromTag() + ":"
                    + request.getCSeq().getSeqNumber();
        }
        return new ServerTransactionKey(branch, sentBy(via), method);
    }

    ServerTransactionKey withMethod(String m) {
        return new ServerTransactionKey(branch, sentBy, m);
    }

    private static String sentBy(Via via) {
        String host = via.getHost() == null ? "" : via.getHost().toLowerCase(Locale.ROOT);
        int port = via.getPort();
        if (port <= 0) {
            port = "TLS".equalsIgnoreCase(via.getTransport()) ? 5061 : 5060;
        }
        return host + ":" + port;
    }
}
