package dev.softswitch.gateway.transport;

import io.netty.buffer.ByteBuf;

/**
 * Byte-level helpers for framing (RFC 3261 §7.5 and §18.3): the end of the header section and the
 * value of Content-Length (or its compact form {@code l}), without parsing the message.
 */
final class SipHeaderScanner {

    /** {@link #contentLength} result: no Content-Length header. */
    static final long ABSENT = -1;
    /** {@link #contentLength} result: not a non-negative decimal, or several that disagree. */
    static final long MALFORMED = -2;

    private static final byte CR = '\r';
    private static final byte LF = '\n';
    private static final int MAX_DIGITS = 10;

    private SipHeaderScanner() {
    }

    static boolean isLineBreak(byte b) {
        return b == CR || b == LF;
    }

    /** Index just past the first CRLFCRLF in {@code [from, to)}, or -1. */
    static int findHeaderEnd(ByteBuf buf, int from, int to) {
        if (from >= to) {
            return -1; // indexOf() would search backwards
        }
        // ByteBuf.indexOf checks the buffer once and scans in bulk; getByte() per byte checked it every time.
        for (int i = buf.indexOf(from, to, CR); i >= 0 && i + 3 < to; i = buf.indexOf(i + 1, to, CR)) {
            if (buf.getByte(i + 1) == LF && buf.getByte(i + 2) == CR && buf.getByte(i + 3) == LF) {
                return i + 4;
            }
        }
        return -1;
    }

    /** Index just past the last CRLF in {@code [from, to)}, or {@code from}. */
    static int lastLineEnd(ByteBuf buf, int from, int to) {
        for (int i = to - 2; i >= from; i--) {
            if (buf.getByte(i) == CR && buf.getByte(i + 1) == LF) {
                return i + 2;
            }
        }
        return from;
    }

    /**
     * The Content-Length declared in the header section {@code [from, headerEnd)}: its value (capped
     * at {@link Long#MAX_VALUE} for absurdly long numbers), {@link #ABSENT} or {@link #MALFORMED}.
     */
    static long contentLength(ByteBuf buf, int from, int headerEnd) {
        long found = ABSENT;
        int lineStart = from;
        while (lineStart < headerEnd) {
            int lineEnd = lineEnd(buf, lineStart, headerEnd);
            long value = contentLengthOfLine(buf, lineStart, lineEnd);
            if (value == MALFORMED || (value != ABSENT && found != ABSENT && value != found)) {
                return MALFORMED;
            }
            if (value != ABSENT) {
                found = value;
            }
            lineStart = lineEnd + 2;
        }
        return found;
    }

    private static int lineEnd(ByteBuf buf, int from, int to) {
        if (from >= to) {
            return to;
        }
        for (int i = buf.indexOf(from, to, CR); i >= 0 && i + 1 < to; i = buf.indexOf(i + 1, to, CR)) {
            if (buf.getByte(i + 1) == LF) {
                return i;
            }
        }
        return to;
    }

    private static long contentLengthOfLine(ByteBuf buf, int from, int to) {
        if (from == to || (buf.getByte(from) | 0x20) != 'c' && (buf.getByte(from) | 0x20) != 'l') {
            return ABSENT; // neither "Content-Length" nor "l": most lines end here
        }
        int colon = buf.indexOf(from, to, (byte) ':');
        if (colon < 0 || !isContentLengthName(buf, from, trimEnd(buf, from, colon))) {
            return ABSENT;
        }
        int start = skipBlanks(buf, colon + 1, to);
        int end = trimEnd(buf, start, to);
        if (start == end) {
            return MALFORMED;
        }
        long value = 0;
        for (int i = start; i < end; i++) {
            byte b = buf.getByte(i);
            if (b < '0' || b > '9') {
                return MALFORMED;
            }
            if (i - start >= MAX_DIGITS) {
                return Long.MAX_VALUE;
            }
            value = value * 10 + (b - '0');
        }
        return value;
    }

    private static boolean isContentLengthName(ByteBuf buf, int from, int to) {
        int length = to - from;
        if (length == 1) {
            return (buf.getByte(from) | 0x20) == 'l';
        }
        String name = "content-length";
        if (length != name.length()) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (Character.toLowerCase((char) (buf.getByte(from + i) & 0xff)) != name.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static int skipBlanks(ByteBuf buf, int from, int to) {
        int i = from;
        while (i < to && isBlank(buf.getByte(i))) {
            i++;
        }
        return i;
    }

    private static int trimEnd(ByteBuf buf, int from, int to) {
        int i = to;
        while (i > from && isBlank(buf.getByte(i - 1))) {
            i--;
        }
        return i;
    }

    private static boolean isBlank(byte b) {
        return b == ' ' || b == '\t';
    }
}
