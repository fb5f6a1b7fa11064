package dev.softswitch.gateway.transport;

import dev.softswitch.gateway.log.RateLimitedLog;
import dev.softswitch.gateway.sip.FastMsgParser;
import gov.nist.javax.sip.header.RequestLine;
import gov.nist.javax.sip.header.StatusLine;
import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import gov.nist.javax.sip.parser.ParseExceptionListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageDecoder;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.text.ParseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Parses a {@link SipFrame} into a JAIN-SIP message, never throwing: a malformed start line, a
 * malformed essential header or a missing mandatory one (RFC 3261 §8.1.1) marks the result failed
 * with a reason that names the problem. Malformed non-essential headers are dropped (§7.3.1 lets a
 * receiver ignore what it does not need). One parser per channel: JAIN-SIP's parser keeps state. The common header shapes are read by
 * {@link FastMsgParser} into the same objects.
 */
public final class SipMessageDecoder extends MessageToMessageDecoder<SipFrame> {

    private static final Logger LOG = LoggerFactory.getLogger(SipMessageDecoder.class);
    private static final RateLimitedLog DROPS = RateLimitedLog.of(LOG);

    /** Headers whose damage makes a request impossible to process correctly. */
    private static final Set<String> ESSENTIAL_HEADERS = Set.of("via", "from", "to", "call-id", "cseq",
            "max-forwards", "content-length", "content-type", "contact", "route", "record-route");

    /** RFC 3261 §7.3.3 compact forms. */
    private static final Map<String, String> COMPACT_NAMES = Map.of("v", "Via", "f", "From", "t", "To",
            "i", "Call-ID", "l", "Content-Length", "c", "Content-Type", "m", "Contact", "e", "Content-Encoding",
            "k", "Supported", "s", "Subject");

    static {
        Slf4jStackLogger.install();
    }

    private final TransportType transport;
    private final FastMsgParser parser = new FastMsgParser();

    public SipMessageDecoder(TransportType transport) {
        super(SipFrame.class);
        this.transport = transport;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, SipFrame frame, List<Object> out) {
        InetSocketAddress sender = frame.sender() != null ? frame.sender() : remote(ctx);
        if (sender == null) {
            DROPS.warn("unknown-source", "Dropping a SIP message from an unknown address on {}", ctx.channel());
            return;
        }
        Endpoint source = new Endpoint(sender, transport);
        HeaderProblems problems = new HeaderProblems();
        SIPMessage message;
        byte[] bytes = unfold(frame.bytes());
        try {
            message = parser.parseSIPMessage(bytes, frame.result().isSuccess(), false, problems);
        } catch (ParseException | RuntimeException e) {
            LOG.debug("Unparseable SIP message from {}: {}", source, e.toString());
            message = null;
            problems.note("Unparseable message");
        }
        if (message == null && frame.result().isSuccess() && problems.first == null) {
            return; // nothing but control characters
        }
        SipDecodeResult syntax = message instanceof SIPRequest && frame.result().isSuccess()
                ? SipRequestSyntax.check(bytes) : null;
        SipDecodeResult result = frame.result().isFailure() ? frame.result()
                : syntax != null ? syntax : validate(message, problems);
        out.add(new DecodedSipMessage(message, source, result, frame.closeAfterReply()));
    }

    private static SipDecodeResult validate(SIPMessage message, HeaderProblems problems) {
        if (problems.first != null) {
            return SipDecodeResult.badRequest(problems.first);
        }
        if (message instanceof SIPRequest request && request.getTopmostVia() != null
                && (request.getTopmostVia().getPort() > 65535 || request.getTopmostVia().getPort() < -1)) {
            // JAIN-SIP takes any int; an answer to it would throw where it is addressed (fuzz find).
            return SipDecodeResult.badRequest("Malformed Via: port " + request.getTopmostVia().getPort()
                    + " is out of range");
        }
        if (message instanceof SIPResponse response
                && (response.getStatusCode() < 100 || response.getStatusCode() > 699)) {
            return SipDecodeResult.badRequest("Malformed Status-Line");
        }
        try {
            if (message instanceof SIPRequest request) {
                request.checkHeaders();
            } else if (message instanceof SIPResponse response) {
                response.checkHeaders();
            }
        } catch (ParseException e) {
            return SipDecodeResult.badRequest(describeMissing(e.getMessage()));
        } catch (RuntimeException e) {
            return SipDecodeResult.badRequest("Invalid message");
        }
        return SipDecodeResult.SUCCESS;
    }

    /** Rephrases JAIN-SIP's checkHeaders() messages, e.g. "Missing a required header : Call-ID". */
    static String describeMissing(String parserMessage) {
        String text = parserMessage == null ? "" : parserMessage.trim();
        String marker = "Missing a required header :";
        if (text.startsWith(marker)) {
            return "Missing " + text.substring(marker.length()).trim() + " header";
        }
        if (text.toUpperCase(Locale.ROOT).startsWith("CSEQ METHOD MISMATCH")) {
            return "CSeq method does not match the Request-Line";
        }
        return text.isEmpty() ? "Invalid message" : text;
    }

    /**
     * Replaces each header line fold (CRLF followed by SP or HTAB, RFC 3261 §7.3.1) and the blanks
     * after it with one SP. JAIN-SIP drops a folded HTAB, gluing words together. The body is untouched.
     */
    static byte[] unfold(byte[] bytes) {
        int headerEnd = bytes.length;
        boolean folded = false;
        for (int i = 0; i + 3 < bytes.length; i++) {
            if (bytes[i] == '\r' && bytes[i + 1] == '\n') {
                if (bytes[i + 2] == '\r' && bytes[i + 3] == '\n') {
                    headerEnd = i;
                    break;
                }
                folded |= isBlank(bytes[i + 2]);
            }
        }
        if (!folded) {
            return bytes;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length);
        int i = 0;
        while (i < headerEnd) {
            if (bytes[i] == '\r' && i + 2 < headerEnd && bytes[i + 1] == '\n' && isBlank(bytes[i + 2])) {
                out.write(' ');
                i += 2;
                while (i < headerEnd && isBlank(bytes[i])) {
                    i++;
                }
            } else {
                out.write(bytes[i++]);
            }
        }
        out.write(bytes, headerEnd, bytes.length - headerEnd);
        return out.toByteArray();
    }

    private static boolean isBlank(byte b) {
        return b == ' ' || b == '\t';
    }

    private static InetSocketAddress remote(ChannelHandlerContext ctx) {
        return ctx.channel().remoteAddress() instanceof InetSocketAddress address ? address : null;
    }

    /** Collects the parser's complaints, keeping the first one that matters; the header is then dropped. */
    private static final class HeaderProblems implements ParseExceptionListener {

        private String first;

        @Override
        @SuppressWarnings("rawtypes")
        public void handleException(ParseException ex, SIPMessage message, Class headerClass, String headerText,
                String messageText) {
            if (headerClass == RequestLine.class) {
                note("Malformed Request-Line");
            } else if (headerClass == StatusLine.class) {
                note("Malformed Status-Line");
            } else {
                String name = headerName(headerText);
                if (ESSENTIAL_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
                    note("Malformed " + name);
                } else {
                    LOG.debug("Ignoring malformed header {}", name);
                }
            }
        }

        void note(String problem) {
            if (first == null) {
                first = problem;
            }
        }

        private static String headerName(String headerText) {
            if (headerText == null) {
                return "header";
            }
            int colon = headerText.indexOf(':');
            String name = (colon < 0 ? headerText : headerText.substring(0, colon)).trim();
            return COMPACT_NAMES.getOrDefault(name.toLowerCase(Locale.ROOT), name);
        }
    }
}
