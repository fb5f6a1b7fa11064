package dev.softswitch.gateway.b2bua;

import dev.softswitch.gateway.sip.SipLines;
import dev.softswitch.gateway.sip.SipMessages;
import dev.softswitch.gateway.transaction.TransactionLayer;
import dev.softswitch.gateway.transport.Endpoint;
import dev.softswitch.gateway.transport.InDialogRequest;
import dev.softswitch.gateway.transport.SipSender;
import dev.softswitch.gateway.transport.TransportType;
import gov.nist.javax.sip.address.AddressFactoryImpl;
import gov.nist.javax.sip.header.HeaderFactoryImpl;
import gov.nist.javax.sip.message.MessageFactoryImpl;
import gov.nist.javax.sip.message.SIPRequest;
import java.net.InetSocketAddress;
import java.text.ParseException;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import javax.sip.InvalidArgumentException;
import javax.sip.address.Address;
import javax.sip.address.SipURI;
import javax.sip.address.URI;
import javax.sip.header.ContactHeader;
import javax.sip.header.ViaHeader;
import javax.sip.message.Request;

/**
 * One side of a back-to-back call: the dialog state the gateway keeps as a user agent on that leg
 * (RFC 3261 §12: Call-ID, local and remote tags, local CSeq, remote target) and the requests it
 * builds inside it. The client leg is the gateway acting as UAS; the carrier leg as UAC. The parties
 * and the remote target are kept encoded and parsed again for each request ({@link SipLines}, JAIN-SIP
 * for what that declines): a live call holds a few short strings rather than JAIN-SIP's object trees
 * (issue 14, heap per concurrent call).
 */
final class DialogLeg {

    static final HeaderFactoryImpl HEADERS = new HeaderFactoryImpl();
    static final AddressFactoryImpl ADDRESSES = new AddressFactoryImpl();
    static final MessageFactoryImpl MESSAGES = new MessageFactoryImpl();

    private static final int MAX_FORWARDS = 70;

    private final String callId;
    private final String localTag;
    /** The local and remote party (From and To of our requests) as name-addr, RFC 3261 §25.1. */
    private final String localParty;
    private final String remoteParty;
    private final Endpoint destination;
    private final DialogPeer peer;
    private final SipSender sender;
    private String remoteTag;
    private String remoteTarget;
    private long localCseq;

    DialogLeg(String callId, String localTag, Address localParty, Address remoteParty, URI remoteTarget,
              Endpoint destination, DialogPeer peer, SipSender sender, long initialCseq) {
        this(callId, localTag, localParty.toString(), remoteParty.toString(), remoteTarget.toString(), destination,
                peer, sender, initialCseq);
    }

    /** The parties and target as JAIN-SIP encodes them ({@code Address.toString()}, {@code URI.toString()}). */
    DialogLeg(String callId, String localTag, String localParty, String remoteParty, String remoteTarget,
              Endpoint destination, DialogPeer peer, SipSender sender, long initialCseq) {
        this.callId = callId;
        this.localTag = localTag;
        this.localParty = localParty;
        this.remoteParty = remoteParty;
        this.remoteTarget = remoteTarget;
        this.destination = destination;
        this.peer = peer;
        this.sender = sender;
        this.localCseq = initialCseq;
    }

    String callId() {
        return callId;
    }

    String localTag() {
        return localTag;
    }

    String remoteTag() {
        return remoteTag;
    }

    void remoteTag(String tag) {
        this.remoteTag = tag;
    }

    void remoteTarget(URI target) {
        this.remoteTarget = target.toString();
    }

    Endpoint destination() {
        return destination;
    }

    /** Who may send requests in this dialog (issue 10). */
    DialogPeer peer() {
        return peer;
    }

    long localCseq() {
        return localCseq;
    }

    /** A new request inside this dialog (or the initial INVITE), with the next local CSeq. */
    SIPRequest newRequest(String method) throws ParseException {
        return newRequest(method, TransactionLayer.newBranch());
    }

    /** {@link #newRequest(String)} with the top Via's {@code branch}. */
    SIPRequest newRequest(String method, String branch) throws ParseException {
        try {
            localCseq++;
            return build(method, localCseq, branch);
        } catch (InvalidArgumentException e) {
            throw new ParseException(e.getMessage(), 0);
        }
    }

    /** The ACK for a 2xx to the INVITE sent with {@code inviteCseq} (RFC 3261 §13.2.2.4). */
    SIPRequest ack(long inviteCseq) throws ParseException {
        try {
            return build(Request.ACK, inviteCseq, TransactionLayer.newBranch());
        } catch (InvalidArgumentException e) {
            throw new ParseException(e.getMessage(), 0);
        }
    }

    /**
     * {@link #ack} as the bytes its message encodes to, written from the dialog's strings without building it
     * ({@link InDialogRequest}); null when its strings are not {@link InDialogRequest#writable plain} (then
     * {@link #ack}).
     */
    byte[] ackBytes(long inviteCseq) {
        return ackBytes(inviteCseq, TransactionLayer.newBranch());
    }

    byte[] ackBytes(long inviteCseq, String branch) {
        return written(Request.ACK, inviteCseq, branch, MAX_FORWARDS, List.of(), null);
    }

    /**
     * A new request inside this dialog with the next local CSeq, as {@link #newRequest} would build it, written as
     * bytes with {@code branch}; null, with the CSeq left as it was, when the dialog's strings are not plain.
     */
    byte[] newRequestBytes(String method, String branch) {
        return newRequestBytes(method, branch, MAX_FORWARDS, List.of(), null);
    }

    /** {@link #newRequestBytes(String, String)} with Max-Forwards, header lines and a body (an initial INVITE). */
    byte[] newRequestBytes(String method, String branch, int maxForwards, List<String> lines, byte[] body) {
        byte[] bytes = written(method, localCseq + 1, branch, maxForwards, lines, body);
        if (bytes != null) {
            localCseq++;
        }
        return bytes;
    }

    private byte[] written(String method, long cseq, String branch, int maxForwards, List<String> lines,
            byte[] body) {
        InetSocketAddress local = sender.localAddress(destination.transport());
        if (!InDialogRequest.writable(remoteTarget, callId, localParty, localTag, remoteParty, remoteTag,
                local.getHostString())) {
            return null;
        }
        return InDialogRequest.write(method, remoteTarget, callId, cseq, localParty, localTag, remoteParty,
                remoteTag, local, destination.transport(), branch, maxForwards, lines, body);
    }

    SIPRequest build(String method, long cseq) throws ParseException, InvalidArgumentException {
        return build(method, cseq, TransactionLayer.newBranch());
    }

    SIPRequest build(String method, long cseq, String branch) throws ParseException, InvalidArgumentException {
        InetSocketAddress local = sender.localAddress(destination.transport());
        ViaHeader via = HEADERS.createViaHeader(local.getHostString(), local.getPort(),
                destination.transport().viaToken(), branch);
        via.setRPort();
        Request request = MESSAGES.createRequest(
                SipLines.parseUri(remoteTarget),
                method,
                HEADERS.createCallIdHeader(callId),
                HEADERS.createCSeqHeader(cseq, method),
                HEADERS.createFromHeader(SipLines.parseAddress(localParty), localTag),
                HEADERS.createToHeader(SipLines.parseAddress(remoteParty), remoteTag),
                List.of(via),
                HEADERS.createMaxForwardsHeader(MAX_FORWARDS));
        request.addHeader(HEADERS.createContactHeader(contact(sender, destination)));
        return (SIPRequest) request;
    }

    /**
     * {@link #contact} as a Contact header made once per local address and transport and shared: for a response
     * written as bytes ({@code OutgoingResponse}), which only reads it. A message that is built and might be
     * changed gets a header of its own.
     */
    static ContactHeader sharedContact(SipSender sender, Endpoint toward) throws ParseException {
        InetSocketAddress local = sender.localAddress(toward.transport());
        ContactKey key = new ContactKey(toward.transport(), local);
        ContactHeader contact = CONTACTS.get(key);
        if (contact == null) {
            contact = HEADERS.createContactHeader(contact(sender, toward));
            if (CONTACTS.size() < 64) {
                CONTACTS.putIfAbsent(key, contact);
            }
        }
        return contact;
    }

    private record ContactKey(TransportType transport, InetSocketAddress local) {
    }

    private static final ConcurrentHashMap<ContactKey, ContactHeader> CONTACTS = new ConcurrentHashMap<>();

    /** The gateway's own Contact for a leg reached over {@code toward}'s transport. */
    static Address contact(SipSender sender, Endpoint toward) throws ParseException {
        InetSocketAddress local = sender.localAddress(toward.transport());
        SipURI uri = SipLines.sipUri("gw", local.getHostString());
        uri.setPort(local.getPort());
        if (toward.transport().isReliable()) {
            uri.setTransportParam(toward.transport().name().toLowerCase(java.util.Locale.ROOT));
        }
        return ADDRESSES.createAddress(uri);
    }

    static String newTag() {
        return SipMessages.newTag();
    }
}
