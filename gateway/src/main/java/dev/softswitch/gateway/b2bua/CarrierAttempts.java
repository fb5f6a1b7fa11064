package dev.softswitch.gateway.b2bua;

import dev.softswitch.gateway.routing.CallerIdentity;
import dev.softswitch.gateway.routing.RoutingRefusal;
import dev.softswitch.gateway.routing.RoutingService;
import dev.softswitch.gateway.routing.Trunk;
import dev.softswitch.gateway.routing.TrunkCandidate;
import dev.softswitch.gateway.sip.SipLines;
import dev.softswitch.gateway.sip.SipMessages;
import dev.softswitch.gateway.time.Timeout;
import dev.softswitch.gateway.transaction.ClientTransaction;
import dev.softswitch.gateway.transaction.ClientTransactionListener;
import dev.softswitch.gateway.transaction.TransactionLayer;
import dev.softswitch.gateway.transport.Endpoint;
import dev.softswitch.gateway.transport.InDialogRequest;
import dev.softswitch.gateway.transport.SipSender;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import java.net.InetSocketAddress;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import javax.sip.InvalidArgumentException;
import javax.sip.address.Address;
import javax.sip.address.SipURI;
import javax.sip.address.URI;
import javax.sip.header.ContactHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The carrier leg, where the gateway is the UAC: the call's INVITE placed on the routing's candidate
 * trunks one after another (serial failover, RTE-5) while a trunk fails over, up to the routing's
 * attempt limit, each on a trunk with a free channel and CPS token; an attempt unanswered after the
 * routing's ring timeout is CANCELled and the next one tried. Only the current attempt's events reach
 * the call; a late 2xx of an abandoned attempt is ACKed and ended with BYE. SIP core thread.
 */
final class CarrierAttempts {

    private static final Logger log = LoggerFactory.getLogger(CarrierAttempts.class);

    /** What the call hears of its carrier leg. */
    interface Events {
        /** The call still waits for a carrier's answer (not answered, cancelled or ended). */
        boolean isRinging();

        /** An INVITE went out on a new attempt's dialog. */
        void onPlaced(DialogLeg leg, DialogLeg abandoned);

        /** A 1xx other than 100 from the current attempt. */
        void onProvisional(SIPResponse response);

        /** The current attempt's first 2xx, already ACKed. */
        void onAnswer(SIPResponse response);

        /** No attempt is left: the client gets the last failure. */
        void onExhausted(Refusal last);
    }

    private final Signalling sip;
    private final RoutingService routing;
    private final Events events;
    /** Asks for session timers in every INVITE; a 422 (RFC 4028 §7.1) asks the same trunk again, once. */
    private final SessionTimers sessions;
    private final String clientCallId;
    private final CallTally tally;
    private List<TrunkCandidate> candidates = List.of();
    private byte[] offer;
    private String verifiedNumber;
    private int maxForwards;
    private int next;
    private int attempts;
    private TrunkCandidate candidate;
    private boolean trunkHeld;
    private DialogLeg leg;
    private ClientTransaction inviteTx;
    private long inviteCseq;
    private Timeout ringTimer;
    private boolean askedAgain;

    CarrierAttempts(Signalling sip, RoutingService routing, String clientCallId, SessionTimers sessions, CallTally tally,
                    Events events) {
        this.sip = sip;
        this.tally = tally;
        this.sessions = sessions;
        this.routing = routing;
        this.clientCallId = clientCallId;
        this.events = events;
    }

    /** Starts placing the call: {@code offer} is the SDP for the carrier, {@code verifiedNumber} the caller's (or null). */
    void start(List<TrunkCandidate> candidates, byte[] offer, String verifiedNumber, int maxForwards) {
        this.candidates = candidates;
        this.offer = offer;
        this.verifiedNumber = verifiedNumber;
        this.maxForwards = maxForwards;
        tryNext(Refusal.of(RoutingRefusal.trunksBusy()));
    }

    /** The current attempt's dialog, or null before the first. */
    DialogLeg leg() {
        return leg;
    }

    /** The trunk of the current (or last) attempt, or null. */
    TrunkCandidate candidate() {
        return candidate;
    }

    /** CANCELs the current INVITE (RFC 3261 §9.1); the call gives up on the carrier. */
    void cancel() {
        if (inviteTx != null) {
            sip.transactions().cancel(inviteTx, Signalling.IgnoringListener.INSTANCE);
        }
    }

    /** Gives the trunk's channel back (the call ended or moves on); the attempt no longer rings. */
    void releaseTrunk() {
        stopRinging();
        if (trunkHeld) {
            trunkHeld = false;
            tally.attemptEnded(candidate.trunk().name());
            routing.release(candidate.trunk());
        }
    }

    /** A 2xx for the carrier INVITE arrived again, outside its transaction: ACK it again. */
    void onOkRetransmission(SIPResponse r) {
        if (leg != null && r.getToTag() != null && r.getToTag().equals(leg.remoteTag())) {
            ack(leg, inviteCseq);
        }
    }

    private void tryNext(Refusal last) {
        releaseTrunk();
        while (next < candidates.size() && attempts < routing.maxAttempts()) {
            TrunkCandidate c = candidates.get(next++);
            if (!routing.acquire(c.trunk(), sip.timers().now())) {
                continue;
            }
            trunkHeld = true;
            candidate = c;
            attempts++;
            try {
                place(c);
                return;
            } catch (ParseException | RuntimeException e) {
                log.warn("call {}: cannot send the INVITE to trunk {}", clientCallId, c.trunk().name(), e);
                releaseTrunk();
            }
        }
        events.onExhausted(last);
    }

    private void place(TrunkCandidate c) throws ParseException {
        Trunk trunk = c.trunk();
        Endpoint dest = trunk.endpoint();
        InetSocketAddress local = sip.sender().localAddress(dest.transport());
        CallerIdentity identity = verifiedNumber == null
                ? new CallerIdentity("anonymous", null)
                : CallerIdentity.forTrunk(trunk, verifiedNumber);
        DialogLeg abandoned = leg;
        leg = carrierLeg(SipMessages.newCallId(), SipMessages.newTag(), SipMessages.escapeUser(c.requestUser()),
                SipMessages.escapeUser(identity.fromUser()), dest, local, DialogPeer.trunk(trunk), sip.sender());
        DialogLeg attempt = leg;
        String asserted = identity.hasAssertedIdentity()
                ? "<sip:" + identity.assertedUser() + "@" + local.getHostString() + ">" : null;
        String branch = TransactionLayer.newBranch();
        byte[] written = writtenInvite(leg, maxForwards, asserted, offer, sessions, branch);
        if (written != null) {
            inviteCseq = leg.localCseq();
            events.onPlaced(leg, abandoned);
            inviteTx = sip.transactions().sendRequest(written, Request.INVITE, branch, dest, new InviteListener(attempt));
        } else {
            SIPRequest invite = builtInvite(leg, maxForwards, asserted, offer, sessions, branch);
            inviteCseq = leg.localCseq();
            events.onPlaced(leg, abandoned);
            inviteTx = sip.transactions().sendRequest(invite, dest, new InviteListener(attempt));
        }
        ringTimer = sip.timers().schedule(routing.ringTimeout(), () -> onRingTimeout(attempt));
    }

    /**
     * The carrier leg of an attempt: from {@code sip:fromUser@local} to {@code sip:requestUser@dest}, which is also
     * its first target. Where both hosts are IPv4 addresses or lower-case names, its strings are written as JAIN-SIP
     * would encode the addresses (no URI parsed to build them); otherwise the addresses are built.
     */
    static DialogLeg carrierLeg(String callId, String tag, String requestUser, String fromUser, Endpoint dest,
            InetSocketAddress local, DialogPeer peer, SipSender sender) throws ParseException {
        String destHost = dest.address().getHostString();
        if (simpleHost(destHost) && simpleHost(local.getHostString())) {
            String target = "sip:" + requestUser + "@" + destHost + ":" + dest.address().getPort();
            return new DialogLeg(callId, tag, "<sip:" + fromUser + "@" + local.getHostString() + ">", "<" + target + ">",
                    target, dest, peer, sender, 0);
        }
        SipURI ruri = SipLines.sipUri(requestUser, destHost);
        ruri.setPort(dest.address().getPort());
        Address from = DialogLeg.ADDRESSES.createAddress(SipLines.sipUri(fromUser, local.getHostString()));
        Address to = DialogLeg.ADDRESSES.createAddress((URI) ruri.clone());
        return new DialogLeg(callId, tag, from, to, ruri, dest, peer, sender, 0);
    }

    /** An IPv4 address or a host name in lower case: what a SIP URI encodes as it is given. */
    static boolean simpleHost(String host) {
        if (host.isEmpty()) {
            return false;
        }
        for (int i = 0; i < host.length(); i++) {
            char ch = host.charAt(i);
            if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '.' || ch == '-')) {
                return false;
            }
        }
        return true;
    }

    /** The INVITE on {@code leg} with the next CSeq, Max-Forwards, P-Asserted-Identity, the offer and session timers. */
    static SIPRequest builtInvite(DialogLeg leg, int maxForwards, String asserted, byte[] offer, SessionTimers sessions,
            String branch) throws ParseException {
        SIPRequest invite = leg.newRequest(Request.INVITE, branch);
        try {
            invite.getMaxForwards().setMaxForwards(maxForwards);
        } catch (InvalidArgumentException e) {
            throw new ParseException(e.getMessage(), 0);
        }
        if (asserted != null) {
            invite.addHeader(DialogLeg.HEADERS.createHeader("P-Asserted-Identity", asserted));
        }
        invite.setContent(offer, Signalling.sdpType());
        sessions.decorateCarrierInvite(invite);
        return invite;
    }

    /**
     * {@link #builtInvite} written as bytes from the leg's strings, with {@code branch} (the headers in the order it
     * adds them: P-Asserted-Identity, the offer's Content-Type, then the session timer's); null, the leg's CSeq
     * untouched, when a string is not plain and the INVITE must be built as a message.
     */
    static byte[] writtenInvite(DialogLeg leg, int maxForwards, String asserted, byte[] offer, SessionTimers sessions,
            String branch) {
        if (asserted != null && !InDialogRequest.plainParty(asserted)) {
            return null;
        }
        List<String> lines = new ArrayList<>(6);
        if (asserted != null) {
            lines.add("P-Asserted-Identity: " + asserted);
        }
        lines.add("Content-Type: application/sdp");
        sessions.carrierInviteLines(lines);
        return leg.newRequestBytes(Request.INVITE, branch, maxForwards, lines, offer);
    }

    /**
     * The attempt rang (or stayed silent) for the ring timeout: CANCEL it and try the next trunk, as after
     * a 408; with none left the client gets 480.
     */
    private void onRingTimeout(DialogLeg attempt) {
        if (attempt != leg || !events.isRinging()) {
            return;
        }
        log.info("call {}: trunk {} did not answer within {}, cancelling", clientCallId, candidate.trunk().name(),
                routing.ringTimeout());
        cancel();
        tryNext(new Refusal(Response.TEMPORARILY_UNAVAILABLE, "Temporarily Unavailable", "ring_timeout"));
    }

    /** The same trunk again, once, with the longer session interval the carrier's 422 asked for. */
    private void askAgain() {
        askedAgain = true;
        stopRinging();
        try {
            place(candidate);
        } catch (ParseException | RuntimeException e) {
            log.warn("call {}: cannot send the INVITE to trunk {} again", clientCallId, candidate.trunk().name(), e);
            tryNext(new Refusal(Response.SERVICE_UNAVAILABLE, "Carrier Unreachable", "carrier_unreachable"));
        }
    }

    private void stopRinging() {
        if (ringTimer != null) {
            ringTimer.cancel();
            ringTimer = null;
        }
    }

    private void answered(DialogLeg attempt, SIPResponse r) {
        boolean retransmission = attempt.remoteTag() != null;
        if (!retransmission) {
            attempt.remoteTag(r.getToTag());
            ContactHeader contact = (ContactHeader) r.getHeader(ContactHeader.NAME);
            if (contact != null) {
                attempt.remoteTarget(contact.getAddress().getURI());
            }
        }
        ack(attempt, r.getCSeq().getSeqNumber());
        if (retransmission) {
            return;
        }
        if (attempt == leg) {
            stopRinging();
        }
        if (attempt != leg || !events.isRinging()) {
            // An abandoned attempt answered after failover, or the answer crossed our CANCEL: end that leg.
            sip.sendBye(attempt);
            return;
        }
        events.onAnswer(r);
        // Answered: nothing will CANCEL this INVITE or place it again, and the dialog holds what later requests need.
        inviteTx = null;
        offer = null;
    }

    private void failed(Refusal refusal) {
        if (candidate.trunk().failsOver(refusal.code())) {
            log.info("call {}: trunk {} answered {}, trying the next candidate", clientCallId,
                    candidate.trunk().name(), refusal.code());
            tryNext(refusal);
        } else {
            events.onExhausted(refusal);
        }
    }

    private void ack(DialogLeg attempt, long cseq) {
        try {
            sip.sendAck(attempt, cseq);
        } catch (ParseException | RuntimeException e) {
            log.warn("call {}: cannot ACK the carrier's answer", clientCallId, e);
        }
    }

    /** Events of one attempt; those of an attempt already given up are ignored, but for a late 2xx. */
    private final class InviteListener implements ClientTransactionListener {
        private final DialogLeg attempt;

        InviteListener(DialogLeg attempt) {
            this.attempt = attempt;
        }

        private boolean current() {
            return attempt == leg && events.isRinging();
        }

        @Override
        public void onProvisional(ClientTransaction tx, SIPResponse r) {
            if (current() && r.getStatusCode() != Response.TRYING) {
                events.onProvisional(r);
            }
        }

        @Override
        public void onFinal(ClientTransaction tx, SIPResponse r) {
            int code = r.getStatusCode();
            if (code / 100 == 2) {
                answered(attempt, r);
            } else if (current() && code == 422 && !askedAgain && sessions.carrierWantsLonger(r)) {
                askAgain();
            } else if (current()) {
                failed(Refusal.fromCarrier(code, r.getReasonPhrase()));
            }
        }

        @Override
        public void onTimeout(ClientTransaction tx) {
            if (current()) {
                tryNext(new Refusal(Response.REQUEST_TIMEOUT, "Carrier Did Not Answer", "carrier_timeout"));
            }
        }

        @Override
        public void onTransportError(ClientTransaction tx, Exception e) {
            if (current()) {
                tryNext(new Refusal(Response.SERVICE_UNAVAILABLE, "Carrier Unreachable", "carrier_unreachable"));
            }
        }
    }
}
