package dev.softswitch.gateway.b2bua;

import dev.softswitch.gateway.sdp.SdpException;
import dev.softswitch.gateway.transaction.ClientTransaction;
import dev.softswitch.gateway.transaction.ClientTransactionListener;
import dev.softswitch.gateway.transaction.ServerTransaction;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import java.text.ParseException;
import javax.sip.message.Request;
import javax.sip.message.Response;

/**
 * Re-INVITEs of an established call (hold, resume, new media address, session refresh): one from
 * either side is relayed to the other leg as a re-INVITE of that dialog, its SDP rewritten both ways
 * (MED-6), and its effect on the relay applied only once the other side accepts (RFC 3261 §14.1).
 * One at a time per call: a second gets 491. SIP core thread.
 */
final class ReinviteRelay {

    private final Signalling sip;
    private final CallMedia media;
    private ServerTransaction pending;

    ReinviteRelay(Signalling sip, CallMedia media) {
        this.sip = sip;
        this.media = media;
    }

    /**
     * Relays {@code tx}, received on one leg, to the dialog {@code out} of the other.
     *
     * @param confirmed whether the call is established (answered and ACKed); otherwise 491
     */
    void relay(ServerTransaction tx, boolean fromClient, DialogLeg out, boolean confirmed) {
        if (!confirmed || pending != null) {
            Signalling.respond(tx, Response.REQUEST_PENDING, "Request Pending");
            return;
        }
        try {
            CallMedia.Renegotiation offer = media.renegotiate(tx.request().getRawContent(), fromClient);
            SIPRequest reinvite = out.newRequest(Request.INVITE);
            if (offer.outgoing() != null) {
                reinvite.setContent(offer.outgoing(), Signalling.sdpType());
            }
            pending = tx;
            sip.transactions().sendRequest(reinvite, out.destination(), new Listener(tx, out, out.localCseq(), offer));
        } catch (SdpException e) {
            Signalling.respond(tx, Response.NOT_ACCEPTABLE_HERE, "Not Acceptable Here: " + e.getMessage());
        } catch (ParseException e) {
            Signalling.respond(tx, Response.SERVER_INTERNAL_ERROR, "Server Internal Error");
        }
    }

    private final class Listener implements ClientTransactionListener {
        private final ServerTransaction requester;
        private final DialogLeg out;
        private final long cseq;
        private final CallMedia.Renegotiation offer;

        Listener(ServerTransaction requester, DialogLeg out, long cseq, CallMedia.Renegotiation offer) {
            this.requester = requester;
            this.out = out;
            this.cseq = cseq;
            this.offer = offer;
        }

        @Override
        public void onProvisional(ClientTransaction tx, SIPResponse r) {
        }

        @Override
        public void onFinal(ClientTransaction tx, SIPResponse r) {
            pending = null;
            int code = r.getStatusCode();
            if (code / 100 != 2) {
                Signalling.respond(requester, code, r.getReasonPhrase());
                return;
            }
            try {
                sip.transactions().sendAck(out.ack(cseq), out.destination());
                byte[] answer = media.accepted(offer, r.getRawContent());
                SIPResponse ok = requester.request().createResponse(Response.OK);
                ok.addHeader(DialogLeg.HEADERS.createContactHeader(DialogLeg.contact(sip.sender(), requester.source())));
                if (answer != null) {
                    ok.setContent(answer, Signalling.sdpType());
                }
                requester.respond(ok);
            } catch (SdpException e) {
                Signalling.respond(requester, Response.NOT_ACCEPTABLE_HERE, "Not Acceptable Here: " + e.getMessage());
            } catch (ParseException e) {
                Signalling.respond(requester, Response.SERVER_INTERNAL_ERROR, "Server Internal Error");
            }
        }

        @Override
        public void onTimeout(ClientTransaction tx) {
            pending = null;
            Signalling.respond(requester, Response.REQUEST_TIMEOUT, "Request Timeout");
        }

        @Override
        public void onTransportError(ClientTransaction tx, Exception e) {
            pending = null;
            Signalling.respond(requester, Response.SERVICE_UNAVAILABLE, "Service Unavailable");
        }
    }
}
