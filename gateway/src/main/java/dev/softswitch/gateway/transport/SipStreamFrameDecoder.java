package dev.softswitch.gateway.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * Cuts a TCP (later TLS) byte stream into {@link SipFrame}s, RFC 3261 §18.3: leading CRLFs are
 * keep-alives and skipped, the header section ends at CRLFCRLF, and Content-Length (mandatory on a
 * stream) gives the body. When framing is lost (oversized, missing or malformed Content-Length) it
 * emits one failed frame and discards the rest of the stream, which is closed after the answer.
 */
public final class SipStreamFrameDecoder extends ByteToMessageDecoder {

    private final int maxMessageBytes;
    private final TransportCounters counters;
    private int pendingHeaderLength = -1;
    private int pendingBodyLength;
    private boolean discarding;
    private long framesDecoded;

    public SipStreamFrameDecoder(int maxMessageBytes, TransportCounters counters) {
        this.maxMessageBytes = maxMessageBytes;
        this.counters = counters;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof ByteBuf buf) {
            counters.addBytesReceived(buf.readableBytes());
        }
        super.channelRead(ctx, msg);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (discarding) {
            in.skipBytes(in.readableBytes());
            return;
        }
        if (pendingHeaderLength < 0) {
            skipKeepAlives(in);
            if (!in.isReadable() || !readHeaderSection(ctx, in, out)) {
                return;
            }
        }
        int total = pendingHeaderLength + pendingBodyLength;
        if (in.readableBytes() < total) {
            return;
        }
        byte[] bytes = ByteBufUtil.getBytes(in, in.readerIndex(), total);
        in.skipBytes(total);
        pendingHeaderLength = -1;
        framesDecoded++;
        out.add(SipFrame.complete(bytes, remote(ctx)));
    }

    /** Whether part of a message has arrived and the rest has not (keep-alive CRLFs are no message). */
    boolean midMessage() {
        return !discarding && (pendingHeaderLength >= 0 || internalBuffer().isReadable());
    }

    /** Frames emitted so far, failed ones included. */
    long framesDecoded() {
        return framesDecoded;
    }

    /** Finds the header section and its Content-Length; false if more bytes are needed or framing failed. */
    private boolean readHeaderSection(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        int start = in.readerIndex();
        int limit = start + Math.min(in.readableBytes(), maxMessageBytes);
        int headerEnd = SipHeaderScanner.findHeaderEnd(in, start, limit);
        if (headerEnd < 0) {
            if (in.readableBytes() >= maxMessageBytes) {
                int cut = SipHeaderScanner.lastLineEnd(in, start, limit);
                fail(ctx, in, out, headerBytes(in, start, cut), SipDecodeResult.tooLarge());
            }
            return false;
        }
        long contentLength = SipHeaderScanner.contentLength(in, start, headerEnd);
        int headerLength = headerEnd - start;
        if (contentLength == SipHeaderScanner.ABSENT) {
            fail(ctx, in, out, headerBytes(in, start, headerEnd),
                    SipDecodeResult.badRequest("Missing Content-Length header"));
            return false;
        }
        if (contentLength == SipHeaderScanner.MALFORMED) {
            fail(ctx, in, out, headerBytes(in, start, headerEnd),
                    SipDecodeResult.badRequest("Malformed Content-Length"));
            return false;
        }
        if (contentLength > maxMessageBytes - headerLength) {
            fail(ctx, in, out, headerBytes(in, start, headerEnd), SipDecodeResult.tooLarge());
            return false;
        }
        pendingHeaderLength = headerLength;
        pendingBodyLength = (int) contentLength;
        return true;
    }

    private void fail(ChannelHandlerContext ctx, ByteBuf in, List<Object> out, byte[] headers, SipDecodeResult result) {
        discarding = true;
        framesDecoded++;
        in.skipBytes(in.readableBytes());
        out.add(new SipFrame(headers, remote(ctx), result, true));
    }

    /** The header section, CRLFCRLF-terminated, with Content-Length still in it: enough to answer. */
    private static byte[] headerBytes(ByteBuf in, int start, int end) {
        byte[] headers = ByteBufUtil.getBytes(in, start, end - start);
        if (end - start >= 4 && in.getByte(end - 3) == '\n' && in.getByte(end - 4) == '\r') {
            return headers;
        }
        byte[] terminated = new byte[headers.length + 2];
        System.arraycopy(headers, 0, terminated, 0, headers.length);
        terminated[headers.length] = '\r';
        terminated[headers.length + 1] = '\n';
        return terminated;
    }

    private static void skipKeepAlives(ByteBuf in) {
        while (in.isReadable() && SipHeaderScanner.isLineBreak(in.getByte(in.readerIndex()))) {
            in.skipBytes(1);
        }
    }

    private static InetSocketAddress remote(ChannelHandlerContext ctx) {
        return ctx.channel().remoteAddress() instanceof InetSocketAddress address ? address : null;
    }
}
