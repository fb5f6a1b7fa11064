package dev.softswitch.gateway.b2bua;

import dev.softswitch.gateway.sip.SipMessages;
import dev.softswitch.gateway.time.Timeout;
import dev.softswitch.gateway.transaction.ServerTransaction;
import dev.softswitch.gateway.transport.EncodedResponse;
import dev.softswitch.gateway.transport.Endpoint;
import dev.softswitch.gateway.transport.OutgoingResponse;
import dev.softswitch.gateway.transport.TransportType;
import gov.nist.javax.sip.header.Contact;
import gov.nist.javax.sip.message.SIPRequest;
import java.text.ParseException;
import java.time.Duration;
import javax.sip.address.SipURI;
import javax.sip.address.URI;
import javax.sip.header.ContactHeader;
import javax.sip.message.Response;

/**
 * The app client's leg, where the gateway is the UAS (RFC 3261 §13.3): the answers to its INVITE,
 * the 2xx retransmitted over UDP until the ACK arrives (§13.3.1.4) or given up after 64*T1, and its
 * dialog once the call is set up. SIP core thread.
 */
final class ClientLeg {

    private final Signalling sip;
    /** The client's INVITE and its transaction, until the call is confirmed and the transaction has ended. */
    private ServerTransaction inviteTx;
    private SIPRequest invite;
    private final Endpoint source;
    private final String callId;
    private final String tag = SipMessages.newTag();
    private DialogLeg dialog;
    /** Our 2xx to the INVITE, to send again until the ACK comes: as sent, or as described if sending failed. */
    private OutgoingResponse ok;
    private EncodedResponse okSent;
    private Timeout okRetransmit;
    private Timeout ackTimeout;

    ClientLeg(Signalling sip, ServerTransaction inviteTx) {
        this.sip = sip;
        this.inviteTx = inviteTx;
        this.invite = inviteTx.request();
        this.source = inviteTx.source();
        this.callId = invite.getCallId().getCallId();
    }

    String callId() {
        return callId;
    }

    String tag() {
        return tag;
    }

    /** The client's INVITE transaction, or null once the client has ACKed our 2xx. */
    ServerTransaction inviteTx() {
        return inviteTx;
    }

    /** Where the client's INVITE came from. */
    Endpoint source() {
        return source;
    }

    /** The dialled number as the client sent it (the user part of the Request-URI). */
    String callee() {
        return userOf(invite.getRequestURI());
    }

    /** Whether the INVITE came over TLS, the only transport that keeps SDES keys secret. */
    boolean overTls() {
        return source.transport() == TransportType.TLS;
    }

    byte[] offer() {
        return invite.getRawContent();
    }

    /** What is left of Max-Forwards for the carrier leg (RFC 3261 §16.6 step 3, as a B2BUA passes it on). */
    int nextHopMaxForwards() {
        int maxForwards = invite.getMaxForwards() == null ? 70 : invite.getMaxForwards().getMaxForwards();
        return Math.max(0, maxForwards - 1);
    }

    /** Opens the client's dialog (RFC 3261 §12.1.1): our tag, its tag, its Contact as remote target. */
    DialogLeg openDialog() {
        dialog = new DialogLeg(callId, tag, invite.getTo().getAddress(), invite.getFrom().getAddress(),
                target(), source, DialogPeer.connection(source), sip.sender(), 0);
        dialog.remoteTag(invite.getFromTag());
        return dialog;
    }

    DialogLeg dialog() {
        return dialog;
    }

    /** A carrier's 18x passed on, with the relay's SDP when it carried one. */
    void provisional(int code, String reason, byte[] sdp) throws ParseException {
        OutgoingResponse p = response(code, reason);
        if (sdp != null) {
            p.content(sdp, Signalling.sdpType());
        }
        inviteTx.respond(p);
    }

    /**
     * Answers the client 200 with {@code sdp} and the client leg's session timer terms; {@code onAckTimeout}
     * runs if no ACK comes within 64*T1.
     */
    void answer(byte[] sdp, Runnable onAckTimeout, SessionTimers sessions) throws ParseException {
        ok = response(Response.OK, "OK");
        sessions.decorateClientAnswer(ok::header);
        ok.content(sdp, Signalling.sdpType());
        okSent = inviteTx.respond(ok);
        if (!source.transport().isReliable()) {
            scheduleOkRetransmit(sip.settings().t1());
        }
        ackTimeout = sip.timers().schedule(sip.settings().transactionTimeout(), onAckTimeout);
    }

    /**
     * The client's ACK for our 2xx arrived: the 2xx is no longer retransmitted (§13.3.1.4), and no other answer
     * to the INVITE can be sent, so the leg lets go of both; its dialog holds what later requests need.
     */
    void acknowledged() {
        stopTimers();
        ok = null;
        okSent = null;
        invite = null;
        inviteTx = null;
    }

    /** A final non-2xx answer to the client's INVITE. */
    /** Answers the INVITE with a final failure; with {@code Retry-After} when {@code retryAfterSeconds} is positive. */
    void refuse(int code, String reason, int retryAfterSeconds) {
        OutgoingResponse r = OutgoingResponse.to(invite, code, reason).toTag(tag);
        if (retryAfterSeconds > 0) {
            try {
                r.header(DialogLeg.HEADERS.createRetryAfterHeader(retryAfterSeconds));
            } catch (javax.sip.InvalidArgumentException e) {
                throw new IllegalArgumentException("Retry-After " + retryAfterSeconds, e);
            }
        }
        inviteTx.respond(r);
    }

    void stopTimers() {
        cancel(okRetransmit);
        cancel(ackTimeout);
        okRetransmit = null;
    }

    private void scheduleOkRetransmit(Duration interval) {
        okRetransmit = sip.timers().schedule(interval, () -> {
            if (okRetransmit != null) {
                if (okSent != null) {
                    sip.sender().resendResponse(okSent, source);
                } else {
                    okSent = sip.sender().sendEncodedResponse(ok, source);
                }
                Duration next = interval.plus(interval);
                scheduleOkRetransmit(next.compareTo(sip.settings().t2()) > 0 ? sip.settings().t2() : next);
            }
        });
    }

    private OutgoingResponse response(int code, String reason) throws ParseException {
        return OutgoingResponse.to(invite, code, reason).toTag(tag)
                .header(DialogLeg.sharedContact(sip.sender(), source));
    }

    private URI target() {
        Contact contact = (Contact) invite.getHeader(ContactHeader.NAME);
        if (contact != null && contact.getAddress() != null) {
            return contact.getAddress().getURI();
        }
        return invite.getFrom().getAddress().getURI();
    }

    private static void cancel(Timeout t) {
        if (t != null) {
            t.cancel();
        }
    }

    static String userOf(URI uri) {
        if (uri instanceof SipURI sipUri) {
            return sipUri.getUser() == null ? "" : sipUri.getUser();
        }
        if (uri != null && "tel".equalsIgnoreCase(uri.getScheme())) {
            String s = uri.toString();
            int colon = s.indexOf(':');
            int semi = s.indexOf(';');
            return s.substring(colon + 1, semi < 0 ? s.length() : semi);
        }
        return "";
    }
}
