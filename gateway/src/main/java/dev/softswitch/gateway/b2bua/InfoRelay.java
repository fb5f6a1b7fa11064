package dev.softswitch.gateway.b2bua;

import dev.softswitch.gateway.transaction.ClientTransaction;
import dev.softswitch.gateway.transaction.ClientTransactionListener;
import dev.softswitch.gateway.transaction.ServerTransaction;
import gov.nist.javax.sip.header.SIPHeader;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import java.text.ParseException;
import java.util.List;
import java.util.function.Function;
import javax.sip.header.ContentTypeHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;

/**
 * INFO inside an established call (RFC 6086), relayed to the other leg with its body, Content-Type and
 * Info-Package as they came (§4.2); the far side's final answer comes back with its code and reason.
 * Max-Forwards goes down by one (0 gets 483). SIP core thread.
 */
final class InfoRelay {

    /** Headers of an INFO passed on as they came (RFC 6086 §4.2). */
    private static final List<String> INFO_HEADERS = List.of("Info-Package", "Recv-Info", "Content-Disposition");

    private final Signalling sip;
    private final Function<Boolean, DialogLeg> legs;

    /** {@code legs} gives the client's dialog for true, the carrier's for false. */
    InfoRelay(Signalling sip, Function<Boolean, DialogLeg> legs) {
        this.sip = sip;
        this.legs = legs;
    }

    /** Relays an INFO {@code tx} to the other leg, its body and Info-Package as they came; the answer comes back. */
    void relay(ServerTransaction tx, boolean fromClient, boolean established) {
        if (!established) {
            Signalling.respond(tx, Response.REQUEST_PENDING, "Request Pending");
            return;
        }
        SIPRequest request = tx.request();
        DialogLeg out = legs.apply(!fromClient);
        try {
            SIPRequest relayed = out.newRequest(Request.INFO);
            if (!Signalling.hopsLeft(tx, relayed)) {
                return;
            }
            for (String name : INFO_HEADERS) {
                copy(request, relayed, name);
            }
            byte[] body = request.getRawContent();
            ContentTypeHeader type = request.getContentTypeHeader();
            if (body != null && body.length > 0 && type != null) {
                relayed.setContent(body, (ContentTypeHeader) type.clone());
            }
            sip.transactions().sendRequest(relayed, out.destination(), new AnswerBack(tx));
        } catch (ParseException e) {
            Signalling.respond(tx, Response.SERVER_INTERNAL_ERROR, "Server Internal Error");
        }
    }

    private static void copy(SIPRequest from, SIPRequest to, String name) throws ParseException {
        java.util.ListIterator<?> it = from.getHeaders(name);
        while (it != null && it.hasNext()) {
            Object h = it.next();
            if (h instanceof SIPHeader header) {
                to.addHeader(DialogLeg.HEADERS.createHeader(name, header.getHeaderValue().trim()));
            }
        }
    }

    /** Passes the far side's final answer back with its code and reason (INFO). */
    private static final class AnswerBack implements ClientTransactionListener {
        private final ServerTransaction requester;

        AnswerBack(ServerTransaction requester) {
            this.requester = requester;
        }

        @Override
        public void onProvisional(ClientTransaction tx, SIPResponse r) {
        }

        @Override
        public void onFinal(ClientTransaction tx, SIPResponse r) {
            Signalling.respond(requester, r.getStatusCode(), r.getReasonPhrase());
        }

        @Override
        public void onTimeout(ClientTransaction tx) {
            Signalling.respond(requester, Response.REQUEST_TIMEOUT, "Request Timeout");
        }

        @Override
        public void onTransportError(ClientTransaction tx, Exception e) {
            Signalling.respond(requester, Response.SERVICE_UNAVAILABLE, "Service Unavailable");
        }
    }
}
