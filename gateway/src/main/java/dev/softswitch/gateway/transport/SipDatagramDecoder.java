package dev.softswitch.gateway.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.codec.MessageToMessageDecoder;
import java.util.List;

/**
 * Turns each UDP datagram into one {@link SipFrame}, RFC 3261 §18.3: a datagram over the size
 * limit fails with 513; a Content-Length larger than the body fails with 400; a smaller one
 * truncates the body. Datagrams of nothing but CRLFs are keep-alives and vanish.
 */
public final class SipDatagramDecoder extends MessageToMessageDecoder<DatagramPacket> {

    private final int maxMessageBytes;
    private final TransportCounters counters;

    public SipDatagramDecoder(int maxMessageBytes, TransportCounters counters) {
        super(DatagramPacket.class);
        this.maxMessageBytes = maxMessageBytes;
        this.counters = counters;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, DatagramPacket packet, List<Object> out) {
        ByteBuf in = packet.content();
        counters.addBytesReceived(in.readableBytes());
        int start = in.readerIndex();
        int end = in.writerIndex();
        while (start < end && SipHeaderScanner.isLineBreak(in.getByte(start))) {
            start++;
        }
        if (start == end) {
            return;
        }
        byte[] whole = ByteBufUtil.getBytes(in, start, end - start);
        if (end - start > maxMessageBytes) {
            out.add(failed(whole, packet, SipDecodeResult.tooLarge()));
            return;
        }
        int headerEnd = SipHeaderScanner.findHeaderEnd(in, start, end);
        if (headerEnd < 0) {
            out.add(failed(whole, packet, SipDecodeResult.badRequest("Unterminated header section")));
            return;
        }
        long contentLength = SipHeaderScanner.contentLength(in, start, headerEnd);
        int available = end - headerEnd;
        if (contentLength == SipHeaderScanner.MALFORMED) {
            out.add(failed(whole, packet, SipDecodeResult.badRequest("Malformed Content-Length")));
        } else if (contentLength > available) {
            out.add(failed(whole, packet, SipDecodeResult.badRequest("Content-Length mismatch")));
        } else if (contentLength == SipHeaderScanner.ABSENT || contentLength == available) {
            out.add(SipFrame.complete(whole, packet.sender()));
        } else {
            byte[] truncated = ByteBufUtil.getBytes(in, start, headerEnd - start + (int) contentLength);
            out.add(SipFrame.complete(truncated, packet.sender()));
        }
    }

    private static SipFrame failed(byte[] bytes, DatagramPacket packet, SipDecodeResult result) {
        return new SipFrame(bytes, packet.sender(), result, false);
    }
}
