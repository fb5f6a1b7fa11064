package dev.softswitch.gateway.sip;

import gov.nist.javax.sip.header.SIPHeader;
import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.parser.ParseExceptionListener;
import gov.nist.javax.sip.parser.StringMsgParser;
import java.text.ParseException;

/**
 * JAIN-SIP's message parser with {@link SipLines} in front of its line parsers: the lines of the
 * common shapes are read directly, every other line (and every line the fast reader declines) goes
 * to JAIN-SIP as before. Splitting, unfolding, the body and the error reports stay JAIN-SIP's. Keeps
 * no state between messages beyond what {@link StringMsgParser} keeps (one per channel all the same).
 */
public final class FastMsgParser extends StringMsgParser {

    @Override
    protected SIPMessage processFirstLine(String firstLine, ParseExceptionListener listener, byte[] raw)
            throws ParseException {
        SIPMessage message = SipLines.firstLine(firstLine);
        return message != null ? message : super.processFirstLine(firstLine, listener, raw);
    }

    @Override
    protected void processHeader(String header, SIPMessage message, ParseExceptionListener listener, byte[] raw)
            throws ParseException {
        SIPHeader parsed = header == null || header.isEmpty() ? null : SipLines.header(header);
        if (parsed == null) {
            super.processHeader(header, message, listener, raw);
            return;
        }
        try {
            message.attachHeader(parsed, false);
        } catch (ParseException e) {
            // A second From, say: JAIN-SIP's own path reports it to the listener as it always has.
            super.processHeader(header, message, listener, raw);
        }
    }
}
