package dev.softswitch.gateway.transport;

import gov.nist.javax.sip.message.SIPRequest;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Locale;

/**
 * A request inside a dialog (RFC 3261 §12.2.1.1) written as bytes from the strings a dialog keeps: the remote
 * target, Call-ID, CSeq, the two parties and their tags, a Via for this side with {@code rport}, Max-Forwards and
 * our Contact, no body. These are the bytes JAIN-SIP's message of the same request encodes to, in its order
 * (request line, Call-ID, CSeq, From, To, Via, Max-Forwards, Contact, Content-Length), so long as every string is
 * plain ({@link #writable}): one JAIN-SIP wrote, which it reads back and writes again unchanged. Anything else (quoted display
 * names, IPv6 hosts, URI headers, escapes outside a user part) is for the caller to build as a message.
 * {@code InDialogRequestTest} holds it to the message built the JAIN-SIP way.
 */
public final class InDialogRequest {

    private InDialogRequest() {
    }

    /** A request {@link #write} wrote, parsed back: for a transaction whose user asks for the message. */
    public static SIPRequest parse(byte[] written) {
        return (SIPRequest) SipMessageEncoder.parse(written);
    }

    /**
     * Whether {@link #write} writes these as JAIN-SIP's message of them encodes: the target and parties
     * {@link #plain}, the tags tokens (RFC 3261 §25.1; a null remote tag is none), the Call-ID a plain word with at
     * most one {@code @}, and our host a name or an IPv4 address.
     */
    public static boolean writable(String remoteTarget, String callId, String localParty, String localTag,
            String remoteParty, String remoteTag, String localHost) {
        return plain(remoteTarget, PLAIN) && plain(localParty, PLAIN) && plain(remoteParty, PLAIN)
                && plain(localTag, TOKEN) && (remoteTag == null || plain(remoteTag, TOKEN))
                && plain(callId, TOKEN + "@:") && callId.indexOf('@') == callId.lastIndexOf('@')
                && localHost.indexOf(':') < 0;
    }

    /** Whether {@code party} is a plain URI or name-addr without a display name (see {@link #writable}). */
    public static boolean plainParty(String party) {
        return plain(party, PLAIN);
    }

    /** What a plain SIP URI or a name-addr without a display name has besides letters and digits. */
    static final String PLAIN = "-_.!~*'+%:@;=<>";
    private static final String TOKEN = "-.!%*_+`'~";

    /** Whether {@code text} is not empty and has only ASCII letters, digits and {@code others}. */
    static boolean plain(String text, String others) {
        if (text == null || text.isEmpty()) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || others.indexOf(c) >= 0)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The request, for strings {@link #writable} (the caller checks), with {@code lines} (whole header lines
     * without their CRLF, in order, as JAIN-SIP writes the headers added to the message) after the Contact and
     * {@code body} (null for none; its Content-Type among the lines). A party is a name-addr ({@code <uri>}) or an addr-spec, which the header brackets; a null
     * {@code remoteTag} leaves the To without one (the initial request of a dialog).
     */
    public static byte[] write(String method, String remoteTarget, String callId, long cseq, String localParty,
            String localTag, String remoteParty, String remoteTag, InetSocketAddress local, TransportType transport,
            String branch, int maxForwards, List<String> lines, byte[] body) {
        SipWireWriter w = SipWireWriter.start();
        w.text(method);
        w.text(" ");
        w.text(remoteTarget);
        w.text(" SIP/2.0\r\nCall-ID: ");
        w.text(callId);
        w.text("\r\nCSeq: ");
        w.number(cseq);
        w.text(" ");
        w.text(method);
        w.text("\r\nFrom: ");
        party(w, localParty, localTag);
        w.text("\r\nTo: ");
        party(w, remoteParty, remoteTag);
        w.text("\r\nVia: SIP/2.0/");
        w.text(transport.viaToken());
        w.text(" ");
        w.text(local.getHostString());
        w.text(":");
        w.number(local.getPort());
        w.text(";branch=");
        w.text(branch);
        w.text(";rport\r\nMax-Forwards: ");
        w.number(maxForwards);
        w.text("\r\nContact: <sip:gw@");
        w.text(local.getHostString());
        w.text(":");
        w.number(local.getPort());
        if (transport.isReliable()) {
            w.text(";transport=");
            w.text(transport.name().toLowerCase(Locale.ROOT));
        }
        w.text(">\r\n");
        for (String line : lines) {
            w.text(line);
            w.crlf();
        }
        w.text("Content-Length: ");
        w.number(body == null ? 0 : body.length);
        w.text("\r\n\r\n");
        return w.copyOut(body);
    }

    private static void party(SipWireWriter w, String party, String tag) {
        boolean spec = party.charAt(0) != '<';
        if (spec) {
            w.text("<");
        }
        w.text(party);
        if (spec) {
            w.text(">");
        }
        if (tag != null) {
            w.text(";tag=");
            w.text(tag);
        }
    }
}
