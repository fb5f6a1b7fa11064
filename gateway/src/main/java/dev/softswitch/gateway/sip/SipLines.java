package dev.softswitch.gateway.sip;

import gov.nist.core.HostPort;
import gov.nist.core.NameValue;
import gov.nist.javax.sip.address.AddressFactoryImpl;
import gov.nist.javax.sip.address.AddressImpl;
import gov.nist.javax.sip.address.SipUri;
import gov.nist.javax.sip.header.AddressParametersHeader;
import gov.nist.javax.sip.header.AuthenticationHeader;
import gov.nist.javax.sip.header.Authorization;
import gov.nist.javax.sip.header.CSeq;
import gov.nist.javax.sip.header.CallID;
import gov.nist.javax.sip.header.Contact;
import gov.nist.javax.sip.header.ContactList;
import gov.nist.javax.sip.header.ContentLength;
import gov.nist.javax.sip.header.ContentType;
import gov.nist.javax.sip.header.From;
import gov.nist.javax.sip.header.MaxForwards;
import gov.nist.javax.sip.header.Protocol;
import gov.nist.javax.sip.header.ProxyAuthorization;
import gov.nist.javax.sip.header.RequestLine;
import gov.nist.javax.sip.header.SIPHeader;
import gov.nist.javax.sip.header.StatusLine;
import gov.nist.javax.sip.header.Subject;
import gov.nist.javax.sip.header.To;
import gov.nist.javax.sip.header.Via;
import gov.nist.javax.sip.header.ViaList;
import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import java.text.ParseException;
import java.util.Set;
import javax.sip.InvalidArgumentException;
import javax.sip.address.Address;
import javax.sip.address.SipURI;
import javax.sip.address.URI;

/**
 * Reads the shapes a call's messages nearly always have, the start line and the Via, From, To,
 * Call-ID, CSeq, Contact, Max-Forwards, Content-Type, Content-Length, Subject and (Proxy-)Authorization
 * headers, straight into the
 * JAIN-SIP objects its own parsers build, through the same setters, without its lexer (which looks
 * up character tables and constructs parsers by reflection for every header, most of the transport
 * thread's time). The grammar taken here is deliberately narrow: plain tokens, no escapes, no quoted
 * parameter values, no blanks inside a value but before a name-addr's {@code <}, one value a line.
 * For anything else the answer is null and the line goes to JAIN-SIP, which then parses, accepts or
 * reports it exactly as before; so the fast path can decline but never decide differently.
 */
public final class SipLines extends SipCursor {

    private static final String SIP_VERSION = "SIP/2.0";
    private static final AddressFactoryImpl ADDRESSES = new AddressFactoryImpl();

    /**
     * The methods taken here; JAIN-SIP's lexer reads some other words as keywords (a one-letter
     * method is a compact header name to it) and refuses them, so they go to it to do so.
     */
    private static final Set<String> METHODS = Set.of("INVITE", "ACK", "BYE", "CANCEL", "OPTIONS", "REGISTER",
            "PRACK", "UPDATE", "INFO", "REFER", "NOTIFY", "SUBSCRIBE", "MESSAGE", "PUBLISH");

    private SipLines(String s, int start) {
        super(s, start);
    }

    /** The request or response a start line opens, or null when JAIN-SIP must read the line. */
    public static SIPMessage firstLine(String line) {
        try {
            return line.startsWith(SIP_VERSION + " ") ? statusLine(line) : requestLine(line);
        } catch (ParseException | IllegalArgumentException e) {
            return null;
        }
    }

    /** The header one unfolded header line holds, or null when JAIN-SIP must read the line. */
    public static SIPHeader header(String line) {
        int colon = line.indexOf(':');
        if (colon <= 0) {
            return null;
        }
        int nameEnd = colon;
        while (nameEnd > 0 && isBlank(line.charAt(nameEnd - 1))) {
            nameEnd--;
        }
        int valueStart = colon + 1;
        while (valueStart < line.length() && isBlank(line.charAt(valueStart))) {
            valueStart++;
        }
        SipLines p = new SipLines(line, valueStart);
        try {
            return p.named(line.substring(0, nameEnd));
        } catch (ParseException | InvalidArgumentException | IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * A name-addr or addr-spec (parameters of an addr-spec belong to its URI) as JAIN-SIP's
     * {@code AddressFactory.createAddress} reads it, or null when that must read it.
     */
    public static AddressImpl address(String text) {
        return whole(text, p -> p.address(true));
    }

    /** A sip: or sips: URI as JAIN-SIP's {@code AddressFactory.createURI} reads it, or null. */
    public static SipUri uri(String text) {
        return whole(text, p -> p.sipUri(true));
    }

    private interface Reader<T> {
        T read(SipLines p) throws ParseException;
    }

    /** What {@code reader} makes of all of {@code text}; null when it declines or leaves some over. */
    private static <T> T whole(String text, Reader<T> reader) {
        SipLines p = new SipLines(text, 0);
        try {
            T value = reader.read(p);
            return value != null && p.atEnd() ? value : null;
        } catch (ParseException | IllegalArgumentException e) {
            return null;
        }
    }

    /** {@link #address(String)}, or JAIN-SIP's reading when that declines. */
    public static Address parseAddress(String text) throws ParseException {
        AddressImpl fast = address(text);
        return fast != null ? fast : ADDRESSES.createAddress(text);
    }

    /** {@link #uri(String)}, or JAIN-SIP's reading (any scheme) when that declines. */
    public static URI parseUri(String text) throws ParseException {
        SipUri fast = uri(text);
        return fast != null ? fast : ADDRESSES.createURI(text);
    }

    /**
     * {@code sip:user@host} (no user part when {@code user} is null) as JAIN-SIP's
     * {@code AddressFactory.createSipURI(user, host)} builds it, which is by writing it out and parsing it.
     */
    public static SipURI sipUri(String user, String host) throws ParseException {
        SipUri fast = host.indexOf(':') < 0 ? uri(user == null ? "sip:" + host : "sip:" + user + "@" + host) : null;
        return fast != null ? fast : ADDRESSES.createSipURI(user, host);
    }

    private SIPHeader named(String name) throws ParseException, InvalidArgumentException {
        if (i >= s.length()) {
            return null;
        }
        // By length first: one comparison, not up to twenty, for each of a message's header lines.
        switch (name.length()) {
            case 1 -> {
                return compact(name.charAt(0));
            }
            case 2 -> {
                return name.equalsIgnoreCase("To") ? addressHeader(new To()) : null;
            }
            case 3 -> {
                return name.equalsIgnoreCase("Via") ? via() : null;
            }
            case 4 -> {
                if (name.equalsIgnoreCase("From")) {
                    return addressHeader(new From());
                }
                return name.equalsIgnoreCase("CSeq") ? cseq() : null;
            }
            case 7 -> {
                if (name.equalsIgnoreCase("Call-ID")) {
                    return callId();
                }
                if (name.equalsIgnoreCase("Subject")) {
                    return subject();
                }
                return name.equalsIgnoreCase("Contact") ? contact() : null;
            }
            case 12 -> {
                if (name.equalsIgnoreCase("Max-Forwards")) {
                    return maxForwards();
                }
                return name.equalsIgnoreCase("Content-Type") ? contentType() : null;
            }
            case 13 -> {
                return name.equalsIgnoreCase("Authorization") ? credentials(new Authorization()) : null;
            }
            case 14 -> {
                return name.equalsIgnoreCase("Content-Length") ? contentLength() : null;
            }
            case 19 -> {
                return name.equalsIgnoreCase("Proxy-Authorization") ? credentials(new ProxyAuthorization()) : null;
            }
            default -> {
                return null;
            }
        }
    }

    /** The compact forms of RFC 3261 §7.3.3 taken here (ASCII letters either case; anything else declined). */
    private SIPHeader compact(char name) throws ParseException, InvalidArgumentException {
        return switch (name < 0x80 ? (char) (name | 0x20) : 0) {
            case 'v' -> via();
            case 'f' -> addressHeader(new From());
            case 't' -> addressHeader(new To());
            case 'i' -> callId();
            case 'm' -> contact();
            case 'l' -> contentLength();
            case 'c' -> contentType();
            case 's' -> subject();
            default -> null;
        };
    }

    private CallID callId() throws ParseException {
        CallID callId = new CallID();
        callId.setCallId(s.substring(i).trim());
        return callId;
    }

    /** As JAIN-SIP's SubjectParser: the rest of the line, trimmed. */
    private Subject subject() throws ParseException {
        Subject subject = new Subject();
        subject.setSubject(s.substring(i).trim());
        return subject;
    }

    private MaxForwards maxForwards() throws InvalidArgumentException {
        int n = number(3);
        if (n < 0 || !atEnd()) {
            return null;
        }
        MaxForwards maxForwards = new MaxForwards();
        maxForwards.setMaxForwards(n);
        return maxForwards;
    }

    private ContentLength contentLength() throws InvalidArgumentException {
        int n = number(9);
        if (n < 0 || !atEnd()) {
            return null;
        }
        ContentLength length = new ContentLength();
        length.setContentLength(n);
        return length;
    }

    private static SIPResponse statusLine(String line) throws ParseException {
        SipLines p = new SipLines(line, SIP_VERSION.length() + 1);
        int code = p.number(3);
        if (code < 0 || p.i - SIP_VERSION.length() - 1 != 3 || !p.eat(' ')) {
            return null;
        }
        String reason = line.substring(p.i).trim();
        if (reason.isEmpty()) {
            return null;
        }
        StatusLine status = new StatusLine();
        status.setSipVersion(SIP_VERSION);
        status.setStatusCode(code);
        status.setReasonPhrase(reason);
        SIPResponse response = new SIPResponse();
        response.setStatusLine(status);
        return response;
    }

    private static SIPRequest requestLine(String line) throws ParseException {
        int space = line.indexOf(' ');
        String method = space < 0 ? null : line.substring(0, space);
        if (method == null || !METHODS.contains(method) || !line.endsWith(" " + SIP_VERSION)) {
            return null;
        }
        int uriEnd = line.length() - SIP_VERSION.length() - 1;
        SipUri uri = uriEnd > space + 1 ? uri(line.substring(space + 1, uriEnd)) : null;
        if (uri == null) {
            return null;
        }
        RequestLine requestLine = new RequestLine();
        requestLine.setMethod(method);
        requestLine.setUri(uri);
        requestLine.setSipVersion(SIP_VERSION);
        SIPRequest request = new SIPRequest();
        request.setRequestLine(requestLine);
        return request;
    }

    private ViaList via() throws ParseException {
        String name = token();
        String version = name != null && eat('/') ? token() : null;
        String transport = version != null && eat('/') ? token() : null;
        if (transport == null || !eat(' ')) {
            return null;
        }
        Protocol protocol = new Protocol();
        protocol.setProtocolName(name);
        protocol.setProtocolVersion(version);
        protocol.setTransport(transport);
        HostPort sentBy = hostPort();
        if (sentBy == null) {
            return null;
        }
        Via via = new Via();
        via.setSentProtocol(protocol);
        via.setSentBy(sentBy);
        while (eat(';')) {
            String param = token();
            if (param == null) {
                return null;
            }
            String value = null;
            if (eat('=')) {
                value = token();
                if (value == null) {
                    return null;
                }
            } else if (param.equalsIgnoreCase(Via.BRANCH)) {
                return null; // JAIN-SIP refuses it; let it say so
            }
            via.setParameter(new NameValue(param.toLowerCase(), value));
        }
        if (!atEnd()) {
            return null;
        }
        ViaList list = new ViaList();
        list.add(via);
        return list;
    }

    private CSeq cseq() throws ParseException, InvalidArgumentException {
        int number = number(9);
        if (number < 0 || !skipBlanks()) {
            return null;
        }
        String method = s.substring(i);
        if (!METHODS.contains(method)) {
            return null;
        }
        CSeq cseq = new CSeq();
        cseq.setSeqNumber(number);
        cseq.setMethod(SIPRequest.getCannonicalName(method).intern());
        return cseq;
    }

    private ContentType contentType() throws ParseException {
        String type = token();
        String subtype = type != null && eat('/') ? token() : null;
        if (subtype == null || !atEnd()) {
            return null;
        }
        ContentType contentType = new ContentType();
        contentType.setContentType(type);
        contentType.setContentSubType(subtype);
        return contentType;
    }

    /** A scheme and comma-separated name=token or name="text" pairs (RFC 3261 §25.1 credentials). */
    private AuthenticationHeader credentials(AuthenticationHeader header) throws ParseException {
        String scheme = token();
        if (scheme == null || !eat(' ')) {
            return null;
        }
        header.setScheme(scheme);
        while (true) {
            String name = token();
            if (name == null || !eat('=')) {
                return null;
            }
            NameValue param;
            if (eat('"')) {
                int start = i;
                while (i < s.length() && s.charAt(i) != '"' && s.charAt(i) != '\\' && s.charAt(i) >= ' ') {
                    i++;
                }
                if (!eat('"')) {
                    return null;
                }
                param = new NameValue(name, s.substring(start, i - 1), false);
                param.setQuotedValue();
            } else {
                String value = token();
                if (value == null) {
                    return null;
                }
                param = new NameValue(name, value, false);
            }
            header.setParameter(param);
            if (atEnd()) {
                return header;
            }
            if (!eat(',')) {
                return null;
            }
            skipBlanks();
        }
    }

    private ContactList contact() throws ParseException {
        if (s.charAt(i) == '*') {
            return null; // a wildcard, or JAIN-SIP's reading of one
        }
        Contact contact = addressHeader(new Contact());
        if (contact == null) {
            return null;
        }
        ContactList list = new ContactList();
        list.add(contact);
        return list;
    }

    /** A name-addr or addr-spec and the header's parameters, to the end of the line. */
    private <H extends AddressParametersHeader> H addressHeader(H header) throws ParseException {
        AddressImpl address = address(false);
        if (address == null) {
            return null;
        }
        header.setAddress(address);
        while (eat(';')) {
            String name = token();
            if (name == null) {
                return null;
            }
            NameValue param;
            if (eat('=')) {
                String value = token();
                if (value == null) {
                    return null;
                }
                param = new NameValue(name, value);
            } else {
                param = new NameValue(name, "", true);
            }
            header.setParameter(param);
        }
        return atEnd() ? header : null;
    }
}
