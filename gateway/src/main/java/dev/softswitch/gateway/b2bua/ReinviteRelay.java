package dev.softswitch.gateway.b2bua;

import dev.softswitch.gateway.sdp.SdpException;
import dev.softswitch.gateway.transaction.ClientTransaction;
import dev.softswitch.gateway.transaction.ClientTransactionListener;
import dev.softswitch.gateway.transaction.ServerTransaction;
import gov.nist.javax.sip.header.SIPHeader;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import java.text.ParseException;
import java.util.function.Function;
import javax.sip.message.Request;
import javax.sip.message.Response;

/**
 * Offers and refreshes inside an established call, relayed to the other leg and their answers back:
 * re-INVITE (hold, resume, new media address, session refresh) and UPDATE (RFC 3311), their SDP
 * rewritten both ways (MED-6) and its effect on the relay applied only once the other side accepts
 * (RFC 3261 §14.1). One offer at a time per call: a second gets 491. A 2xx to either refreshes the
 * session timers of both legs (RFC 4028), and the gateway's own refreshes (UPDATE without a body) go
 * out from here too. SIP core thread.
 */
final class ReinviteRelay {

    private final Signalling sip;
    private final CallMedia media;
    private final SessionTimers sessions;
    private final Function<Boolean, DialogLeg> legs;
    private ServerTransaction pending;

    /** {@code legs} gives the client's dialog for true, the carrier's for false. */
    ReinviteRelay(Signalling sip, CallMedia media, SessionTimers sessions, Function<Boolean, DialogLeg> legs) {
        this.sip = sip;
        this.media = media;
        this.sessions = sessions;
        this.legs = legs;
    }

    /**
     * Relays a re-INVITE or UPDATE {@code tx}, received on one leg, to the dialog of the other.
     *
     * @param established whether the call may take it (answered and, for a re-INVITE, ACKed); otherwise 491
     */
    void relay(ServerTransaction tx, boolean fromClient, boolean established) {
        SIPRequest request = tx.request();
        boolean offer = request.getRawContent() != null && request.getRawContent().length > 0;
        boolean invite = Request.INVITE.equals(request.getMethod());
        if (!established || ((offer || invite) && pending != null)) {
            Signalling.respond(tx, Response.REQUEST_PENDING, "Request Pending");
            return;
        }
        SIPResponse refused = SessionTimers.refusal(request, sessions.config());
        if (refused != null) {
            tx.respond(refused);
            return;
        }
        DialogLeg out = legs.apply(!fromClient);
        try {
            CallMedia.Renegotiation renegotiation = media.renegotiate(request.getRawContent(), fromClient);
            SIPRequest relayed = out.newRequest(request.getMethod());
            if (!Signalling.hopsLeft(tx, relayed)) {
                return;
            }
            if (renegotiation.outgoing() != null) {
                relayed.setContent(renegotiation.outgoing(), Signalling.sdpType());
            }
            sessions.decorateRequest(relayed, !fromClient);
            if (offer || invite) {
                pending = tx;
            }
            sip.transactions().sendRequest(relayed, out.destination(),
                    new Listener(tx, fromClient, out, out.localCseq(), renegotiation, offer || invite));
        } catch (SdpException e) {
            Signalling.respond(tx, Response.NOT_ACCEPTABLE_HERE, "Not Acceptable Here: " + e.getMessage());
        } catch (ParseException e) {
            Signalling.respond(tx, Response.SERVER_INTERNAL_ERROR, "Server Internal Error");
        }
    }

    /** The gateway refreshes the session on one leg itself (RFC 4028 §7.4): an UPDATE without a body. */
    void refresh(boolean clientSide) {
        DialogLeg leg = legs.apply(clientSide);
        try {
            SIPRequest update = leg.newRequest(Request.UPDATE);
            sessions.decorateRequest(update, clientSide);
            sip.transactions().sendRequest(update, leg.destination(), new ClientTransactionListener() {
                @Override
                public void onProvisional(ClientTransaction tx, SIPResponse r) {
                }

                @Override
                public void onFinal(ClientTransaction tx, SIPResponse r) {
                    sessions.ownRefreshAnswered(clientSide, r);
                }

                @Override
                public void onTimeout(ClientTransaction tx) {
                    sessions.ownRefreshTimedOut(clientSide);
                }

                @Override
                public void onTransportError(ClientTransaction tx, Exception e) {
                    sessions.ownRefreshTimedOut(clientSide);
                }
            });
        } catch (ParseException | RuntimeException e) {
            sessions.ownRefreshTimedOut(clientSide);
        }
    }

    private static void copyHeader(SIPResponse from, SIPResponse to, String name) {
        javax.sip.header.Header h = from.getHeader(name);
        if (h instanceof SIPHeader header) {
            try {
                to.addHeader(DialogLeg.HEADERS.createHeader(name, header.getHeaderValue().trim()));
            } catch (ParseException e) {
                // an unreadable Min-SE is left out
            }
        }
    }

    private final class Listener implements ClientTransactionListener {
        private final ServerTransaction requester;
        private final boolean fromClient;
        private final DialogLeg out;
        private final long cseq;
        private final CallMedia.Renegotiation offer;
        private final boolean holdsPending;

        Listener(ServerTransaction requester, boolean fromClient, DialogLeg out, long cseq,
                 CallMedia.Renegotiation offer, boolean holdsPending) {
            this.requester = requester;
            this.fromClient = fromClient;
            this.out = out;
            this.cseq = cseq;
            this.offer = offer;
            this.holdsPending = holdsPending;
        }

        @Override
        public void onProvisional(ClientTransaction tx, SIPResponse r) {
        }

        @Override
        public void onFinal(ClientTransaction tx, SIPResponse r) {
            release();
            int code = r.getStatusCode();
            if ((code == Response.METHOD_NOT_ALLOWED || code == Response.NOT_IMPLEMENTED) && !holdsPending) {
                // An UPDATE without SDP is only a session refresh (RFC 4028 §7.4): if the other side takes
                // no UPDATE, the gateway answers it for its own leg.
                answerRefresh();
                return;
            }
            if (code / 100 != 2) {
                SIPResponse refusal = requester.request().createResponse(code, r.getReasonPhrase());
                if (code == 422) {
                    // The far side's Min-SE is what the requester must ask for next (RFC 4028 §7.1).
                    copyHeader(r, refusal, SessionTimers.MIN_SE);
                }
                requester.respond(refusal);
                return;
            }
            try {
                if (Request.INVITE.equals(requester.request().getMethod())) {
                    sip.sendAck(out, cseq);
                }
                byte[] answer = media.accepted(offer, r.getRawContent());
                sessions.refreshedBy(requester.request(), fromClient, r);
                SIPResponse ok = requester.request().createResponse(Response.OK);
                ok.addHeader(DialogLeg.HEADERS.createContactHeader(DialogLeg.contact(sip.sender(), requester.source())));
                sessions.decorateAnswer(ok::addHeader, fromClient);
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

        private void answerRefresh() {
            try {
                sessions.refreshedBy(requester.request(), fromClient, null);
                SIPResponse ok = requester.request().createResponse(Response.OK);
                ok.addHeader(DialogLeg.HEADERS.createContactHeader(DialogLeg.contact(sip.sender(), requester.source())));
                sessions.decorateAnswer(ok::addHeader, fromClient);
                requester.respond(ok);
            } catch (ParseException e) {
                Signalling.respond(requester, Response.SERVER_INTERNAL_ERROR, "Server Internal Error");
            }
        }

        @Override
        public void onTimeout(ClientTransaction tx) {
            release();
            Signalling.respond(requester, Response.REQUEST_TIMEOUT, "Request Timeout");
        }

        @Override
        public void onTransportError(ClientTransaction tx, Exception e) {
            release();
            Signalling.respond(requester, Response.SERVICE_UNAVAILABLE, "Service Unavailable");
        }

        private void release() {
            if (holdsPending) {
                pending = null;
            }
        }
    }
}
