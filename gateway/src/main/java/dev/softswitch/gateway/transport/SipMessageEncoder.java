package dev.softswitch.gateway.transport;

import gov.nist.javax.sip.header.Via;
import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.message.SIPRequest;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageEncoder;
import gov.nist.javax.sip.parser.StringMsgParser;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.List;

/**
 * Writes a JAIN-SIP message as bytes ({@link SipWireWriter}: what JAIN-SIP's {@code encodeAsBytes} writes). A
 * request's top Via gets this transport's token; a response keeps the Via it was given. UDP wraps it in a
 * {@code DatagramPacketEncoder}.
 */
@ChannelHandler.Sharable
public final class SipMessageEncoder extends MessageToMessageEncoder<SIPMessage> {

    private final TransportType transport;

    public SipMessageEncoder(TransportType transport) {
        super(SIPMessage.class);
        this.transport = transport;
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, SIPMessage message, List<Object> out) {
        out.add(Unpooled.wrappedBuffer(encode(message, transport)));
    }

    /** A message this encoder wrote, parsed back (for senders that deal in messages: test fakes). */
    static SIPMessage parse(byte[] bytes) {
        try {
            return new StringMsgParser().parseSIPMessage(bytes, true, false, null);
        } catch (ParseException e) {
            throw new IllegalStateException("a message the gateway encoded does not parse: " + e.getMessage(), e);
        }
    }

    static byte[] encode(SIPMessage message, TransportType transport) {
        Via top = message.getTopmostVia();
        if (top == null) {
            return message.encode().getBytes(StandardCharsets.UTF_8);
        }
        String token = message instanceof SIPRequest ? transport.viaToken() : top.getTransport();
        return SipWireWriter.encode(message, token);
    }
}
