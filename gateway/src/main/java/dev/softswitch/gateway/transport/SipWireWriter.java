package dev.softswitch.gateway.transport;

import gov.nist.core.GenericObject;
import gov.nist.core.Host;
import gov.nist.core.HostPort;
import gov.nist.core.NameValue;
import gov.nist.core.NameValueList;
import gov.nist.javax.sip.address.AddressImpl;
import gov.nist.javax.sip.address.Authority;
import gov.nist.javax.sip.address.SipUri;
import gov.nist.javax.sip.address.UserInfo;
import gov.nist.javax.sip.header.CSeq;
import gov.nist.javax.sip.header.CallID;
import gov.nist.javax.sip.header.CallIdentifier;
import gov.nist.javax.sip.header.Contact;
import gov.nist.javax.sip.header.ContactList;
import gov.nist.javax.sip.header.ContentLength;
import gov.nist.javax.sip.header.ContentType;
import gov.nist.javax.sip.header.From;
import gov.nist.javax.sip.header.MaxForwards;
import gov.nist.javax.sip.header.Protocol;
import gov.nist.javax.sip.header.RequestLine;
import gov.nist.javax.sip.header.SIPHeader;
import gov.nist.javax.sip.header.SIPHeaderList;
import gov.nist.javax.sip.header.StatusLine;
import gov.nist.javax.sip.header.To;
import gov.nist.javax.sip.header.Via;
import gov.nist.javax.sip.header.ViaList;
import gov.nist.javax.sip.message.MessageFactoryImpl;
import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import javax.sip.address.URI;

/**
 * Writes a JAIN-SIP message as the bytes JAIN-SIP's {@code encodeAsBytes} gives, byte for byte, with a fraction
 * of the work (issue 14: the SIP core spent a sixth of its time in {@code encodeAsBytes}). JAIN-SIP builds
 * each header in a fresh StringBuilder, the head in another, turns each into a String and then into bytes
 * (the request line separately), and copies the parts together again; this writes straight into one
 * reused byte buffer and copies it out once, with the body.
 *
 * <p>The headers a call carries have their own writers here, which follow JAIN-SIP's encoders exactly:
 * Via, From, To, Call-ID, CSeq, Max-Forwards, Contact, Content-Type and Content-Length, with SIP URIs,
 * name-addresses and parameters. Anything else, and any part whose shape those writers do not cover (a
 * parameter that is a flag or empty, a value that is not a string, an IPv6 host, URI headers, a tel: URI),
 * is written by JAIN-SIP's own encoder for that part. A message whose charset is not UTF-8 goes to
 * {@code encodeAsBytes} whole. {@code SipWireWriterTest} holds it to {@code encodeAsBytes} on captured
 * messages and on seeded random ones.
 *
 * <p>Text goes out as ASCII where it is ASCII and as UTF-8 where it is not, as {@code getBytes("UTF-8")}
 * of the whole head would write it. One buffer per thread.
 */
final class SipWireWriter {

    private static final ThreadLocal<SipWireWriter> LOCAL = ThreadLocal.withInitial(SipWireWriter::new);
    private static final int KEEP = 16 * 1024;

    private byte[] buf = new byte[2048];
    private int len;
    private final StringBuilder spill = new StringBuilder(256);

    /**
     * {@code message} encoded as {@code message.encodeAsBytes(viaTransport)} encodes it, including that call's
     * one side effect: the top Via's transport becomes {@code viaTransport}.
     */
    static byte[] encode(SIPMessage message, String viaTransport) {
        if (!utf8(message) || message.getTopmostVia() == null || message.getContentLength() == null
                || (message instanceof SIPRequest r && (r.isNullRequest() || r.getRequestLine() == null))
                || (message instanceof SIPResponse s && s.getStatusLine() == null)) {
            return message.encodeAsBytes(viaTransport);
        }
        try {
            message.getTopmostVia().setTransport(viaTransport);
        } catch (ParseException e) {
            return message.encodeAsBytes(viaTransport);
        }
        return LOCAL.get().write(message);
    }

    /** The calling thread's writer, emptied, for a message written part by part ({@link OutgoingResponse}). */
    static SipWireWriter start() {
        SipWireWriter w = LOCAL.get();
        w.len = 0;
        return w;
    }

    void headerIfAny(SIPHeader header) {
        if (header != null) {
            header(header);
        }
    }

    private static boolean utf8(SIPMessage message) {
        ContentType type = (ContentType) message.getContentTypeHeader();
        String charset = type == null ? null : type.getCharset();
        if (charset == null) {
            charset = MessageFactoryImpl.getDefaultContentEncodingCharset();
        }
        return "UTF-8".equalsIgnoreCase(charset);
    }

    private byte[] write(SIPMessage message) {
        len = 0;
        if (message instanceof SIPRequest request) {
            requestLine(request.getRequestLine());
        } else {
            statusLine(((SIPResponse) message).getStatusLine());
        }
        for (Iterator<SIPHeader> it = message.getHeaders(); it.hasNext(); ) {
            SIPHeader header = it.next();
            if (!(header instanceof ContentLength)) {
                header(header);
            }
        }
        header((ContentLength) message.getContentLength());
        crlf();
        return copyOut(message.getRawContent());
    }

    /** The buffer's bytes followed by {@code content}, in a new array; a buffer grown past KEEP is let go. */
    byte[] copyOut(byte[] content) {
        int bodyLength = content == null ? 0 : content.length;
        byte[] out = Arrays.copyOf(buf, len + bodyLength);
        if (bodyLength > 0) {
            System.arraycopy(content, 0, out, len, bodyLength);
        }
        if (buf.length > KEEP) {
            buf = new byte[2048];
        }
        return out;
    }

    private void requestLine(RequestLine line) {
        if (line.getMethod() != null) {
            text(line.getMethod());
            ascii(' ');
        }
        if (line.getUri() != null) {
            uri(line.getUri());
            ascii(' ');
        }
        text(line.getSipVersion());
        crlf();
    }

    private void statusLine(StatusLine line) {
        text("SIP/2.0 ");
        number(line.getStatusCode());
        if (line.getReasonPhrase() != null) {
            ascii(' ');
            text(line.getReasonPhrase());
        }
        crlf();
    }

    void header(SIPHeader header) {
        Class<?> type = header.getClass();
        if (type == ViaList.class || type == ContactList.class) {
            list((SIPHeaderList<?>) header);
            return;
        }
        if (!hasOwnWriter(type)) {
            spill.setLength(0);
            header.encode(spill);
            text(spill);
            return;
        }
        text(header.getHeaderName());
        ascii(':');
        ascii(' ');
        body(header);
        crlf();
    }

    private static boolean hasOwnWriter(Class<?> type) {
        return type == From.class || type == To.class || type == CallID.class || type == CSeq.class
                || type == MaxForwards.class || type == ContentType.class || type == ContentLength.class
                || type == Via.class || type == Contact.class;
    }

    /** SIPHeaderList.encode with pretty encoding off (the default): one line, the bodies comma-separated. */
    private void list(SIPHeaderList<?> list) {
        text(list.getHeaderName());
        List<?> headers = list.getHeaderList();
        if (headers.isEmpty()) {
            ascii(':');
            crlf();
            return;
        }
        ascii(':');
        ascii(' ');
        for (Iterator<?> it = headers.iterator(); it.hasNext(); ) {
            body((SIPHeader) it.next());
            if (it.hasNext()) {
                ascii(',');
            }
        }
        crlf();
    }

    private void body(SIPHeader header) {
        if (header instanceof Via via) {
            via(via);
        } else if (header instanceof From from) {
            addressHeader((AddressImpl) from.getAddress(), from.getParameters());
        } else if (header instanceof To to) {
            if (to.getAddress() != null) {
                addressHeader((AddressImpl) to.getAddress(), to.getParameters());
            }
        } else if (header instanceof Contact contact) {
            contact(contact);
        } else if (header instanceof CallID callId) {
            CallIdentifier id = callId.getCallIdentifer();
            if (id != null) {
                text(id.getLocalId());
                if (id.getHost() != null) {
                    ascii('@');
                    text(id.getHost());
                }
            }
        } else if (header instanceof CSeq cseq) {
            number(cseq.getSeqNumber());
            ascii(' ');
            upper(cseq.getMethod());
        } else if (header instanceof MaxForwards maxForwards) {
            number(maxForwards.getMaxForwards());
        } else if (header instanceof ContentType type) {
            text(type.getMediaRange().getType());
            ascii('/');
            text(type.getMediaRange().getSubtype());
            parametersAfterSemicolon(type.getParameters());
        } else if (header instanceof ContentLength length) {
            number(Math.max(0, length.getContentLength()));
        }
    }

    private void via(Via via) {
        Protocol protocol = via.getSentProtocol();
        upper(protocol.getProtocolName());
        ascii('/');
        text(protocol.getProtocolVersion());
        ascii('/');
        upper(protocol.getTransport());
        ascii(' ');
        hostPort(via.getSentBy());
        parametersAfterSemicolon(via.getParameters());
        if (via.getComment() != null) {
            ascii(' ');
            ascii('(');
            text(via.getComment());
            ascii(')');
        }
    }

    /** From and To: an addr-spec address is bracketed by the header, a name-addr by the address. */
    void addressHeader(AddressImpl address, NameValueList parameters) {
        boolean spec = address.getAddressType() == AddressImpl.ADDRESS_SPEC;
        if (spec) {
            ascii('<');
        }
        address(address);
        if (spec) {
            ascii('>');
        }
        parametersAfterSemicolon(parameters);
    }

    private void contact(Contact contact) {
        if (contact.isWildCard()) {
            ascii('*');
            return;
        }
        AddressImpl address = (AddressImpl) contact.getAddress();
        if (address.getAddressType() == AddressImpl.NAME_ADDR) {
            address(address);
        } else {
            ascii('<');
            address(address);
            ascii('>');
        }
        parametersAfterSemicolon(contact.getParameters());
    }

    private void address(AddressImpl address) {
        if (address.getAddressType() == AddressImpl.WILD_CARD) {
            ascii('*');
            return;
        }
        String displayName = address.getDisplayName();
        if (displayName != null) {
            ascii('"');
            text(displayName);
            ascii('"');
            ascii(' ');
        }
        URI uri = address.getURI();
        if (uri != null) {
            boolean brackets = address.getAddressType() == AddressImpl.NAME_ADDR || displayName != null;
            if (brackets) {
                ascii('<');
            }
            uri(uri);
            if (brackets) {
                ascii('>');
            }
        }
    }

    private void uri(URI uri) {
        if (uri.getClass() != SipUri.class || !((SipUri) uri).getQheaders().isEmpty()) {
            spill.setLength(0);
            ((GenericObject) uri).encode(spill);
            text(spill);
            return;
        }
        SipUri sip = (SipUri) uri;
        text(sip.getScheme());
        ascii(':');
        Authority authority = sip.getAuthority();
        if (authority != null) {
            UserInfo user = authority.getUserInfo();
            if (user != null) {
                text(user.getUser());
                if (user.getPassword() != null) {
                    ascii(':');
                    text(user.getPassword());
                }
                ascii('@');
            }
            hostPort(authority.getHostPort());
        }
        parametersAfterSemicolon(sip.getParameters());
    }

    private void hostPort(HostPort hostPort) {
        Host host = hostPort.getHost();
        String name = host.getHostname();
        if (name == null || name.indexOf(':') >= 0) {
            spill.setLength(0);
            host.encode(spill);
            text(spill);
        } else {
            text(name);
        }
        if (hostPort.getPort() != -1) {
            ascii(':');
            number(hostPort.getPort());
        }
    }

    /** ';' and the parameters, if there are any (how every header and URI here writes its parameters). */
    private void parametersAfterSemicolon(NameValueList parameters) {
        if (!parameters.isEmpty()) {
            ascii(';');
            parameters(parameters);
        }
    }

    /** NameValueList.encode with its default separator (';'), each name=value as NameValue.encode writes it. */
    private void parameters(NameValueList parameters) {
        for (Iterator<NameValue> it = parameters.iterator(); it.hasNext(); ) {
            parameter(it.next());
            if (it.hasNext()) {
                ascii(';');
            }
        }
    }

    private void parameter(NameValue parameter) {
        String name = parameter.getName();
        Object value = parameter.getValueAsObject(true);
        if (name == null || !(value instanceof String text) || text.isEmpty()) {
            spill.setLength(0);
            parameter.encode(spill);
            text(spill);
            return;
        }
        text(name);
        ascii('=');
        boolean quoted = parameter.isValueQuoted();
        if (quoted) {
            ascii('"');
        }
        text(text);
        if (quoted) {
            ascii('"');
        }
    }

    void crlf() {
        ascii('\r');
        ascii('\n');
    }

    private void ascii(char c) {
        if (len == buf.length) {
            grow(1);
        }
        buf[len++] = (byte) c;
    }

    void number(long value) {
        if (value < 0 || value > Integer.MAX_VALUE) {
            text(Long.toString(value));
            return;
        }
        int v = (int) value;
        int digits = 1;
        for (int rest = v; rest >= 10; rest /= 10) {
            digits++;
        }
        ensure(digits);
        for (int i = len + digits - 1; i >= len; i--) {
            buf[i] = (byte) ('0' + v % 10);
            v /= 10;
        }
        len += digits;
    }

    /** {@code s} as String.toUpperCase (ASCII letters; anything else as JAIN-SIP's own toUpperCase gives it). */
    private void upper(String s) {
        int n = s.length();
        ensure(n);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                utf8(s.toUpperCase());
                return;
            }
            buf[len + i] = (byte) (c >= 'a' && c <= 'z' ? c - 32 : c);
        }
        len += n;
    }

    /** {@code s} as ASCII, or as UTF-8 when it holds anything else. */
    void text(CharSequence s) {
        int n = s.length();
        ensure(n);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                utf8(s.toString());
                return;
            }
            buf[len + i] = (byte) c;
        }
        len += n;
    }

    private void utf8(String s) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        ensure(utf8.length);
        System.arraycopy(utf8, 0, buf, len, utf8.length);
        len += utf8.length;
    }

    private void ensure(int n) {
        if (buf.length - len < n) {
            grow(n);
        }
    }

    private void grow(int n) {
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
    }
}
