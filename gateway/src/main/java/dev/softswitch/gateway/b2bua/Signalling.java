package dev.softswitch.gateway.b2bua;

import dev.softswitch.gateway.time.TimerService;
import dev.softswitch.gateway.transaction.ClientTransaction;
import dev.softswitch.gateway.transaction.ClientTransactionListener;
import dev.softswitch.gateway.transaction.ServerTransaction;
import dev.softswitch.gateway.transaction.TimerSettings;
import dev.softswitch.gateway.transaction.TransactionLayer;
import dev.softswitch.gateway.transport.OutgoingResponse;
import dev.softswitch.gateway.transport.SipSender;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import java.text.ParseException;
import javax.sip.InvalidArgumentException;
import javax.sip.header.ContentTypeHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** How a call's legs speak SIP: the transaction layer, the sender, the SIP core's timers. SIP core thread. */
record Signalling(SipSender sender, TransactionLayer transactions, TimerService timers, TimerSettings settings) {

    private static final Logger log = LoggerFactory.getLogger(Signalling.class);

    /** Ends one leg's dialog with BYE; its answer does not change the call. */
    void sendBye(DialogLeg leg) {
        try {
            String branch = TransactionLayer.newBranch();
            byte[] written = leg.newRequestBytes(Request.BYE, branch);
            if (written != null) {
                transactions.sendRequest(written, Request.BYE, branch, leg.destination(), IgnoringListener.INSTANCE);
                return;
            }
            SIPRequest bye = leg.newRequest(Request.BYE);
            transactions.sendRequest(bye, leg.destination(), IgnoringListener.INSTANCE);
        } catch (ParseException | RuntimeException e) {
            log.warn("cannot send BYE on {}", leg.callId(), e);
        }
    }

    /** The ACK for a 2xx to {@code leg}'s INVITE sent with {@code inviteCseq}, written from the dialog's strings where it can be. */
    void sendAck(DialogLeg leg, long inviteCseq) throws ParseException {
        byte[] bytes = leg.ackBytes(inviteCseq);
        if (bytes != null) {
            transactions.sendAck(bytes, leg.destination());
        } else {
            transactions.sendAck(leg.ack(inviteCseq), leg.destination());
        }
    }

    static void respond(ServerTransaction tx, int code, String reason) {
        tx.respond(OutgoingResponse.to(tx.request(), code, reason));
    }

    /** Max-Forwards of the relayed request: one less than the received one's; 483 when none are left. */
    static boolean hopsLeft(ServerTransaction tx, SIPRequest relayed) {
        int received = tx.request().getMaxForwards() == null ? 70 : tx.request().getMaxForwards().getMaxForwards();
        if (received <= 0) {
            respond(tx, Response.TOO_MANY_HOPS, "Too Many Hops");
            return false;
        }
        try {
            relayed.getMaxForwards().setMaxForwards(received - 1);
        } catch (InvalidArgumentException e) {
            throw new IllegalStateException(e);
        }
        return true;
    }

    static ContentTypeHeader sdpType() throws ParseException {
        return DialogLeg.HEADERS.createContentTypeHeader("application", "sdp");
    }

    /** Listener for transactions whose outcome does not change the call (BYE, CANCEL). */
    enum IgnoringListener implements ClientTransactionListener {
        INSTANCE;

        @Override
        public void onProvisional(ClientTransaction tx, SIPResponse r) {
        }

        @Override
        public void onFinal(ClientTransaction tx, SIPResponse r) {
        }

        @Override
        public void onTimeout(ClientTransaction tx) {
        }

        @Override
        public void onTransportError(ClientTransaction tx, Exception e) {
        }
    }
}
